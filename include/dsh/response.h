// Model to response JSON: the bodies the REST operations return. Secrets
// (passwords, user file contents) are never written.
#ifndef DSH_RESPONSE_H_
#define DSH_RESPONSE_H_

#include <string>

#include "absl/status/status.h"
#include "dsh/export.h"
#include "dsh/model.h"

namespace dsh {

// `{id, dataSourceId, connectionString, warnings, warningList, dataSources}`
// where id and dataSourceId are those of the first data source created (0
// when none was), `warnings` is one string (empty when none) and
// `dataSources` has one entry per data source created, with its dictionary.
DSH_EXPORT std::string CreateResultJson(const CreateResult& result);

// The handler record (no password, no user file content), its data source
// and its dictionary.
DSH_EXPORT std::string HandlerViewJson(const HandlerView& view);

// `{"error": {code, message, problems: [{pointer, message}], offset}}`;
// `offset` only for malformed JSON.
DSH_EXPORT std::string ErrorJson(const absl::Status& status);

}  // namespace dsh

#endif  // DSH_RESPONSE_H_
