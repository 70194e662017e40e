#include "payload/options_json.h"

#include <simdjson.h>

#include <climits>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/error.h"
#include "payload/json_pointer.h"
#include "payload/json_syntax.h"

namespace dsh::payload {
namespace {

namespace dom = simdjson::dom;

// Reads the members of one options object, recording every problem.
class OptionsReader {
 public:
  OptionsReader(std::string pointer, std::vector<Problem>* problems)
      : pointer_(std::move(pointer)), problems_(problems) {}

  void Report(std::string_view key, std::string message) {
    problems_->push_back(
        Problem{PointerChild(pointer_, key), std::move(message)});
  }

  void Bool(std::string_view key, dom::element value, bool* out) {
    if (value.get_bool().get(*out) != simdjson::SUCCESS) {
      Report(key, "must be a boolean");
    }
  }

  void String(std::string_view key, dom::element value, std::string* out) {
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      Report(key, "must be a string");
      return;
    }
    out->assign(text);
  }

  void Int(std::string_view key, dom::element value, int minimum, int* out) {
    std::int64_t number = 0;
    if (value.type() != dom::element_type::INT64 ||
        value.get_int64().get(number) != simdjson::SUCCESS ||
        number < minimum || number > INT_MAX) {
      Report(key, absl::StrCat("must be an integer from ", minimum, " to ",
                               INT_MAX));
      return;
    }
    *out = static_cast<int>(number);
  }

  std::string PointerOf(std::string_view key) const {
    return PointerChild(pointer_, key);
  }

 private:
  std::string pointer_;
  std::vector<Problem>* problems_;
};

void ReadStore(dom::element value, const std::string& pointer,
               RegistryOptionsJson* options, std::vector<Problem>* problems) {
  dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    problems->push_back({pointer, "must be an object"});
    return;
  }
  OptionsReader reader(pointer, problems);
  std::string kind = "memory";
  bool has_path = false;
  for (dom::key_value_pair member : object) {
    if (member.key == "kind") {
      reader.String("kind", member.value, &kind);
    } else if (member.key == "path") {
      has_path = true;
      reader.String("path", member.value, &options->store_path);
    } else {
      reader.Report(member.key, "is not a store option");
    }
  }
  if (kind == "memory") {
    options->store_kind = RegistryOptionsJson::StoreKind::kMemory;
    if (has_path) reader.Report("path", "is only for the sqlite store");
  } else if (kind == "sqlite") {
    options->store_kind = RegistryOptionsJson::StoreKind::kSqlite;
    if (options->store_path.empty()) {
      reader.Report("path", "is required for the sqlite store");
    }
  } else {
    reader.Report("kind", "must be \"memory\" or \"sqlite\"");
  }
}

void ReadPool(dom::element value, const std::string& pointer,
              RegistryOptionsJson* options, std::vector<Problem>* problems) {
  dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    problems->push_back({pointer, "must be an object"});
    return;
  }
  OptionsReader reader(pointer, problems);
  for (dom::key_value_pair member : object) {
    if (member.key == "maxIdlePerDatabase") {
      reader.Int(member.key, member.value, 0,
                 &options->pool_max_idle_per_database);
    } else if (member.key == "maxIdleSeconds") {
      reader.Int(member.key, member.value, 0, &options->pool_max_idle_seconds);
    } else {
      reader.Report(member.key, "is not a pool option");
    }
  }
}

void ReadAliases(dom::element value, const std::string& pointer,
                 RegistryOptionsJson* options, std::vector<Problem>* problems) {
  dom::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) {
    problems->push_back({pointer, "must be an object"});
    return;
  }
  OptionsReader reader(pointer, problems);
  for (dom::key_value_pair member : object) {
    std::string canonical;
    reader.String(member.key, member.value, &canonical);
    if (member.key.empty()) {
      reader.Report(member.key, "an alias must not be empty");
    } else if (!canonical.empty()) {
      options->host_aliases.emplace_back(std::string(member.key), canonical);
    } else if (member.value.is_string()) {
      reader.Report(member.key, "must not be empty");
    }
  }
}

RegistryOptionsJson ReadOptions(dom::element root,
                                std::vector<Problem>* problems) {
  RegistryOptionsJson options;
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    problems->push_back({"", "must be an object"});
    return options;
  }
  OptionsReader reader("", problems);
  for (dom::key_value_pair member : object) {
    const std::string_view key = member.key;
    if (key == "store") {
      ReadStore(member.value, reader.PointerOf(key), &options, problems);
    } else if (key == "strict") {
      reader.Bool(key, member.value, &options.strict);
    } else if (key == "caseSensitiveIdentifiers") {
      reader.Bool(key, member.value, &options.case_sensitive_identifiers);
    } else if (key == "hostAliases") {
      ReadAliases(member.value, reader.PointerOf(key), &options, problems);
    } else if (key == "organization") {
      reader.String(key, member.value, &options.organization);
      if (options.organization.empty()) {
        reader.Report(key, "must not be empty");
      }
    } else if (key == "connectTimeoutSeconds") {
      reader.Int(key, member.value, 1, &options.connect_timeout_seconds);
    } else if (key == "statementTimeoutMs") {
      reader.Int(key, member.value, 1, &options.statement_timeout_ms);
    } else if (key == "dictionaryMaxAgeSeconds") {
      reader.Int(key, member.value, 0, &options.dictionary_max_age_seconds);
    } else if (key == "pool") {
      ReadPool(member.value, reader.PointerOf(key), &options, problems);
    } else {
      reader.Report(key, "is not a registry option");
    }
  }
  return options;
}

}  // namespace

absl::StatusOr<RegistryOptionsJson> ParseRegistryOptions(
    std::string_view json) {
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return RegistryOptionsJson();
  }
  // simdjson reports failure by error code; only an allocation can throw.
  try {
    if (std::optional<JsonSyntaxError> found = FindJsonSyntaxError(json)) {
      return MalformedJson(found->offset,
                           absl::StrCat("registry options: ", found->message));
    }
    dom::parser parser;
    dom::element root;
    const simdjson::error_code error =
        parser.parse(json.data(), json.size()).get(root);
    if (error != simdjson::SUCCESS) {
      return MalformedJson(
          json.size(),
          absl::StrCat("registry options: ", simdjson::error_message(error)));
    }
    std::vector<Problem> problems;
    RegistryOptionsJson options = ReadOptions(root, &problems);
    if (!problems.empty()) return InvalidRequest(std::move(problems));
    return options;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory parsing registry options of ", json.size(), " bytes"));
  }
}

}  // namespace dsh::payload
