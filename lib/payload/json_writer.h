// A small JSON writer for response bodies and for re-serialising the parts
// of a payload that are stored as JSON text (blobHandler, policyRules).
#ifndef DSH_LIB_PAYLOAD_JSON_WRITER_H_
#define DSH_LIB_PAYLOAD_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsh::payload {

// Appends `text` to `out` as a JSON string literal, quotes included. `"`,
// `\` and every control character (U+0000 to U+001F, and U+007F) are
// escaped; a byte that is not part of well-formed UTF-8 becomes U+FFFD, so
// the output is valid JSON whatever `text` holds.
void AppendJsonString(std::string& out, std::string_view text);

// Writes one compact JSON value (no insignificant white space). Commas and
// colons are placed by the writer; the caller only says what comes next:
//
//   JsonWriter w;
//   w.BeginObject().Key("id").Int(7).Key("tags").BeginArray().EndArray();
//   w.EndObject();
//   std::move(w).Take();  // {"id":7,"tags":[]}
//
// The writer does not check that calls are balanced; a caller that opens a
// container must close it.
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();

  // The name of the next member of the open object.
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Uint(std::uint64_t value);
  // The shortest text that reads back as `value`; NaN and infinities,
  // which JSON cannot hold, are written as null.
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // `json` must already be one valid JSON value; it is copied as is.
  JsonWriter& Raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  // Writes the comma that separates this value from the previous one.
  void BeforeValue();

  std::string out_;
  // One entry per open container: true until its first element is written.
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_JSON_WRITER_H_
