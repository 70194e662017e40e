// Locating the first syntax error in JSON text. simdjson says whether a
// document is valid but not where it goes wrong; this scanner is run after
// simdjson refuses a document (or finds a repeated key) to name the byte.
#ifndef DSH_LIB_PAYLOAD_JSON_SYNTAX_H_
#define DSH_LIB_PAYLOAD_JSON_SYNTAX_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace dsh::payload {

// The deepest nesting accepted, as simdjson's DOM parser counts it: a
// value inside this many arrays and objects is refused.
inline constexpr std::size_t kMaxJsonDepth = 1024;

struct JsonSyntaxError {
  // Index of the first byte at which the text stops being valid JSON; the
  // text's length when it ends too early.
  std::size_t offset = 0;
  std::string message;
};

// The first error, in text order, that keeps `text` from being exactly one
// RFC 8259 JSON value with well-formed UTF-8 strings, or nullopt when there
// is none. Beyond the RFC it refuses what simdjson refuses: an object that
// repeats a key (after unescaping), nesting deeper than kMaxJsonDepth,
// integers outside the int64/uint64 range and numbers too large for a
// double. Messages quote keys but never string values.
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_JSON_SYNTAX_H_
