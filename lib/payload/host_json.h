// The answers of a host's catalog callbacks (include/dsh/c.h, dsh_host) to
// plain structs. The capi area writes the requests and turns these structs
// into catalog descriptions.
#ifndef DSH_LIB_PAYLOAD_HOST_JSON_H_
#define DSH_LIB_PAYLOAD_HOST_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsh/model.h"

namespace dsh::payload {

struct HostTableName {
  std::string schema;
  std::string table;
};

// One entry of a describe_tables answer.
struct HostTable {
  enum class Status { kOk, kNotFound, kAmbiguous };
  HostTableName name;
  Status status = Status::kOk;
  std::string message;         // Why, when status is not kOk; may be empty.
  std::string kind = "table";  // As RelationKindName spells it.
  std::vector<Column> columns;
};

// `{"tables": [{"schema", "table", "status", "message", "kind",
// "columns": [{"name", "remoteType", "dataType", "nullable",
// "primaryKey"}]}]}`. Only schema, table and, for a found table, columns
// with their names and remote types are required; status defaults to "ok",
// kind to "table", nullable to true, primaryKey to false. MalformedJson or
// InvalidRequest (every problem with its pointer) otherwise.
absl::StatusOr<std::vector<HostTable>> ParseHostDescribeResponse(
    std::string_view json);

// `{"tables": [{"schema", "table"}, ...]}`.
absl::StatusOr<std::vector<HostTableName>> ParseHostListResponse(
    std::string_view json);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_HOST_JSON_H_
