#include "payload/host_json.h"

#include <simdjson.h>

#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/error.h"
#include "model/absl_compat.h"
#include "payload/json_pointer.h"
#include "payload/json_syntax.h"

namespace dsh::payload {
namespace {

namespace dom = simdjson::dom;

// The members of one object of a host's answer; a member whose value is
// null counts as absent.
class MemberReader {
 public:
  MemberReader(dom::object object, std::string pointer,
               std::vector<Problem>* problems)
      : object_(object), pointer_(std::move(pointer)), problems_(problems) {}

  std::optional<dom::element> Find(std::string_view key, bool required) {
    dom::element value;
    if (object_.at_key(key).get(value) != simdjson::SUCCESS ||
        value.is_null()) {
      if (required) Report(key, "is required");
      return std::nullopt;
    }
    return value;
  }

  void String(std::string_view key, bool required, std::string* out) {
    const std::optional<dom::element> value = Find(key, required);
    if (!value) return;
    std::string_view text;
    if (value->get_string().get(text) != simdjson::SUCCESS) {
      Report(key, "must be a string");
      return;
    }
    out->assign(text);
  }

  void Bool(std::string_view key, bool* out) {
    const std::optional<dom::element> value = Find(key, false);
    if (value && value->get_bool().get(*out) != simdjson::SUCCESS) {
      Report(key, "must be a boolean");
    }
  }

  // The member as an array, or nullopt (with a problem when it is there
  // and is not one).
  std::optional<dom::array> Array(std::string_view key, bool required) {
    const std::optional<dom::element> value = Find(key, required);
    if (!value) return std::nullopt;
    dom::array array;
    if (value->get_array().get(array) != simdjson::SUCCESS) {
      Report(key, "must be an array");
      return std::nullopt;
    }
    return array;
  }

  void Report(std::string_view key, std::string message) {
    problems_->push_back({PointerOf(key), std::move(message)});
  }

  std::string PointerOf(std::string_view key) const {
    return PointerChild(pointer_, key);
  }

 private:
  dom::object object_;
  std::string pointer_;
  std::vector<Problem>* problems_;
};

// Each object of the root's "tables" array handed to `read` with its
// reader; problems for anything that is not shaped so.
template <typename Read>
void ForEachTable(dom::element root, std::vector<Problem>* problems,
                  Read read) {
  dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    problems->push_back({"", "must be an object"});
    return;
  }
  MemberReader reader(object, "", problems);
  const std::optional<dom::array> tables = reader.Array("tables", true);
  if (!tables) return;
  std::size_t index = 0;
  for (dom::element entry : *tables) {
    const std::string pointer = PointerChild("/tables", index++);
    dom::object table;
    if (entry.get_object().get(table) != simdjson::SUCCESS) {
      problems->push_back({pointer, "must be an object"});
      continue;
    }
    MemberReader table_reader(table, pointer, problems);
    read(table_reader);
  }
}

void ReadColumns(MemberReader& reader, std::vector<Column>* columns,
                 std::vector<Problem>* problems) {
  const std::optional<dom::array> entries = reader.Array("columns", true);
  if (!entries) return;
  std::size_t index = 0;
  for (dom::element entry : *entries) {
    const std::string pointer =
        PointerChild(reader.PointerOf("columns"), index++);
    dom::object object;
    if (entry.get_object().get(object) != simdjson::SUCCESS) {
      problems->push_back({pointer, "must be an object"});
      continue;
    }
    MemberReader column_reader(object, pointer, problems);
    Column column;
    column_reader.String("name", true, &column.name);
    column_reader.String("remoteType", true, &column.remote_type);
    column_reader.String("dataType", false, &column.data_type);
    column_reader.Bool("nullable", &column.nullable);
    column_reader.Bool("primaryKey", &column.primary_key);
    columns->push_back(std::move(column));
  }
}

template <typename T, typename Read>
absl::StatusOr<T> ParseAnswer(std::string_view json, std::string_view what,
                              Read read) {
  // simdjson reports failure by error code; only an allocation can throw.
  try {
    if (std::optional<JsonSyntaxError> found = FindJsonSyntaxError(json)) {
      return MalformedJson(found->offset,
                           absl::StrCat(AsAbsl(what), ": ", found->message));
    }
    dom::parser parser;
    dom::element root;
    const simdjson::error_code error =
        parser.parse(json.data(), json.size()).get(root);
    if (error != simdjson::SUCCESS) {
      return MalformedJson(
          json.size(),
          absl::StrCat(AsAbsl(what), ": ", simdjson::error_message(error)));
    }
    std::vector<Problem> problems;
    T result = read(root, &problems);
    if (!problems.empty()) return InvalidRequest(std::move(problems));
    return result;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory parsing ", AsAbsl(what), " of ", json.size(), " bytes"));
  }
}

}  // namespace

absl::StatusOr<std::vector<HostTable>> ParseHostDescribeResponse(
    std::string_view json) {
  return ParseAnswer<std::vector<HostTable>>(
      json, "the host's describe_tables answer",
      [](dom::element root, std::vector<Problem>* problems) {
        std::vector<HostTable> tables;
        ForEachTable(root, problems, [&](MemberReader& reader) {
          HostTable table;
          reader.String("schema", true, &table.name.schema);
          reader.String("table", true, &table.name.table);
          std::string status = "ok";
          reader.String("status", false, &status);
          reader.String("message", false, &table.message);
          if (status == "ok") {
            table.status = HostTable::Status::kOk;
            reader.String("kind", false, &table.kind);
            ReadColumns(reader, &table.columns, problems);
          } else if (status == "not_found") {
            table.status = HostTable::Status::kNotFound;
          } else if (status == "ambiguous") {
            table.status = HostTable::Status::kAmbiguous;
          } else {
            reader.Report("status",
                          "must be \"ok\", \"not_found\" or \"ambiguous\"");
          }
          tables.push_back(std::move(table));
        });
        return tables;
      });
}

absl::StatusOr<std::vector<HostTableName>> ParseHostListResponse(
    std::string_view json) {
  return ParseAnswer<std::vector<HostTableName>>(
      json, "the host's list_tables answer",
      [](dom::element root, std::vector<Problem>* problems) {
        std::vector<HostTableName> names;
        ForEachTable(root, problems, [&](MemberReader& reader) {
          HostTableName name;
          reader.String("schema", true, &name.schema);
          reader.String("table", true, &name.table);
          names.push_back(std::move(name));
        });
        return names;
      });
}

}  // namespace dsh::payload
