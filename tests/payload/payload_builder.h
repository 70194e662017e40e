// Test payloads built member by member, so that a test states only the
// member it breaks.
#ifndef DSH_TESTS_PAYLOAD_PAYLOAD_BUILDER_H_
#define DSH_TESTS_PAYLOAD_PAYLOAD_BUILDER_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsh/error.h"
#include "dsh/model.h"

namespace dsh {

// gtest prints problems and warnings readably in failure messages.
inline void PrintTo(const Problem& problem, std::ostream* os) {
  *os << "{" << problem.pointer << ": " << problem.message << "}";
}

inline void PrintTo(const Warning& warning, std::ostream* os) {
  *os << "{" << warning.code << " " << warning.pointer << ": "
      << warning.message << "}";
}

namespace payload::testing {

// A password that must never show up in any output.
inline constexpr char kCanaryPassword[] = "canary-Pw-7f3a";

// An ordered list of JSON members; values are raw JSON text.
class Members {
 public:
  Members() = default;
  Members(std::initializer_list<std::pair<std::string, std::string>> members)
      : members_(members) {}

  // Replaces the member `key`, or appends it.
  Members& Set(std::string_view key, std::string raw) {
    for (auto& member : members_) {
      if (member.first == key) {
        member.second = std::move(raw);
        return *this;
      }
    }
    members_.emplace_back(std::string(key), std::move(raw));
    return *this;
  }

  Members& Erase(std::string_view key) {
    for (auto it = members_.begin(); it != members_.end(); ++it) {
      if (it->first == key) {
        members_.erase(it);
        break;
      }
    }
    return *this;
  }

  std::string Json() const {
    std::string out = "{";
    for (const auto& [key, raw] : members_) {
      if (out.size() > 1) out += ",";
      out += "\"" + key + "\":" + raw;
    }
    return out + "}";
  }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// A valid one-handler Redshift payload to break one member at a time.
struct Payload {
  std::vector<Members> metadata = {DefaultMetadata()};
  Members data_source = {
      {"blobHandler", R"({"scheme":"https","url":""})"},
      {"blobHandlerType", R"("Redshift")"},
      {"recordFormat", R"("")"},
      {"type", R"("queryable")"},
  };
  Members top;

  static Members DefaultMetadata() {
    return Members{
        {"hostname", R"("rs.example.com")"},
        {"port", "5439"},
        {"database", R"("dev")"},
        {"schema", R"("army")"},
        {"table", R"("army_records")"},
        {"username", R"("user")"},
        {"password", std::string("\"") + kCanaryPassword + "\""},
        {"ssl", "true"},
    };
  }

  // A copy of the first handler's metadata as a new handler.
  Payload& AddHandler() {
    metadata.push_back(metadata.front());
    return *this;
  }

  std::string Json() const {
    std::string handlers = "[";
    for (const Members& m : metadata) {
      if (handlers.size() > 1) handlers += ",";
      handlers += "{\"metadata\":" + m.Json() + "}";
    }
    handlers += "]";
    Members all = top;
    all.Set("handler", handlers);
    all.Set("dataSource", data_source.Json());
    return all.Json();
  }
};

}  // namespace payload::testing
}  // namespace dsh

#endif  // DSH_TESTS_PAYLOAD_PAYLOAD_BUILDER_H_
