// How dsh reports failure. Every fallible call returns absl::Status or
// absl::StatusOr<T>; no exception leaves the library.
//
// The absl code carries the caller's decision:
//   InvalidArgument     the request is wrong; do not retry it unchanged.
//   AlreadyExists       a name the request uses is taken; pick another.
//   NotFound            the handler, data source or remote table is absent.
//   Unavailable         the database or store could not be reached; retry.
//   Aborted             the store changed while the request was prepared
//                       (a bulk move raced a create); retry.
//   FailedPrecondition  the setting does not fit the thing it points at
//                       (a newer registry file, a PostgreSQL server given
//                       the redshift technology); do not retry unchanged.
//   DeadlineExceeded    a catalog read timed out; retry.
//   PermissionDenied    the database refused the login or a read.
//   Unimplemented       the request asks for something dsh does not support.
//   Internal            a bug or a corrupt store; do not retry.
//
// A refused request may carry the full list of problems found (each with the
// JSON Pointer of the field) and, for malformed JSON, the byte offset.
#ifndef DSH_ERROR_H_
#define DSH_ERROR_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "dsh/export.h"

namespace dsh {

// One thing wrong with a request: `/handler/2/metadata/port` and what is
// wrong with it.
struct Problem {
  std::string pointer;
  std::string message;

  friend bool operator==(const Problem& a, const Problem& b) {
    return a.pointer == b.pointer && a.message == b.message;
  }
};

// A status of `code` listing every problem. Its message is the problems
// joined as "pointer: message" lines.
DSH_EXPORT absl::Status ProblemsStatus(absl::StatusCode code,
                                       std::vector<Problem> problems);

// ProblemsStatus(InvalidArgument, problems): the request breaks a rule.
DSH_EXPORT absl::Status InvalidRequest(std::vector<Problem> problems);

// A status of `code` whose message is `pointer: message` and which carries
// that one problem.
DSH_EXPORT absl::Status ProblemStatus(absl::StatusCode code,
                                      std::string pointer, std::string message);

// An InvalidArgument status for JSON that does not parse, with the byte
// offset at which parsing failed.
DSH_EXPORT absl::Status MalformedJson(std::size_t byte_offset,
                                      std::string message);

// The problems a status carries; empty when it carries none.
DSH_EXPORT std::vector<Problem> ProblemsOf(const absl::Status& status);

// The byte offset of a malformed-JSON status; nullopt for any other status.
DSH_EXPORT std::optional<std::size_t> ByteOffsetOf(const absl::Status& status);

// A stable, lower-case name for the kind of failure, for JSON error bodies
// and bindings: "invalid_request", "malformed_json", "name_conflict",
// "not_found", "database_unavailable", "timeout", "permission_denied",
// "unsupported", "internal", ...
DSH_EXPORT std::string_view ErrorCodeName(const absl::Status& status);

}  // namespace dsh

#endif  // DSH_ERROR_H_
