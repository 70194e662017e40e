// The create payload (spec section 3): JSON text to a typed CreateRequest,
// with every validation rule that needs nothing but the payload itself.
#ifndef DSH_LIB_PAYLOAD_CREATE_PAYLOAD_H_
#define DSH_LIB_PAYLOAD_CREATE_PAYLOAD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsh/error.h"
#include "dsh/model.h"

namespace dsh::payload {

struct ParseOptions {
  Technology technology = Technology::kRedshift;
  // Strict mode: the seed's required list holds literally (`private`,
  // `name`, `sqlTableName`, `organization` required in `dataSource`).
  bool strict = false;
};

// A parsed payload. `problems` lists every rule the payload breaks, each
// with its JSON Pointer; the request is usable only when it is empty.
// `warnings` never refuse the request (e.g. staleDataTolerance).
struct ParsedCreate {
  CreateRequest request;
  std::vector<Warning> warnings;
  std::vector<Problem> problems;
  // The JSON Pointer of each handler entry, parallel to request.handlers:
  // "/handler/2", or "/handler" when the payload gives one object.
  std::vector<std::string> handler_pointers;
};

// Parses `json`. Returns MalformedJson (with the byte offset) when the text
// is not JSON, including when an object repeats a key; otherwise a
// ParsedCreate, whose `problems` may be non-empty. Defaults are filled in:
// port by technology, ssl true.
absl::StatusOr<ParsedCreate> ParseCreateRequest(std::string_view json,
                                                const ParseOptions& options);

// The body of PUT /{technology}/handler/{id}: `{"handler": {"metadata":
// {...}}, "connectionString": "host:port/database"}`. The metadata follows
// the create rules; `metadata.columns`, when given, replaces the dictionary.
struct ParsedUpdate {
  HandlerMetadata metadata;
  bool password_given = false;  // Left out: the stored one is kept.
  std::string connection_string;
  std::vector<Warning> warnings;
  std::vector<Problem> problems;
};
absl::StatusOr<ParsedUpdate> ParseUpdateRequest(std::string_view json,
                                                const ParseOptions& options);

// The body of PUT /{technology}/bulk: `{"connectionString": OLD,
// "handler": {"metadata": {hostname, port, database, username, password,
// ssl, userFiles}}}`: the new connection settings of every handler of OLD.
struct ParsedBulk {
  std::string connection_string;
  HandlerMetadata metadata;  // Only the connection fields are read.
  bool password_given = false;
  std::vector<Problem> problems;
};
absl::StatusOr<ParsedBulk> ParseBulkRequest(std::string_view json,
                                            const ParseOptions& options);

// The body of PUT /dataSource/detectRemoteChanges: `{"dataSourceIds":
// [ids]}` selects data sources; an empty body or no member selects all.
struct ParsedDetectChanges {
  std::optional<std::vector<DataSourceId>> data_source_ids;
  std::vector<Problem> problems;
};
absl::StatusOr<ParsedDetectChanges> ParseDetectChangesRequest(
    std::string_view json);

}  // namespace dsh::payload

#endif  // DSH_LIB_PAYLOAD_CREATE_PAYLOAD_H_
