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

// `{id, ca, columns}`.
DSH_EXPORT std::string UpdateResultJson(const UpdateResult& result);

// `{bulkId, connectionString, jobsCreated}`.
DSH_EXPORT std::string BulkResultJson(const BulkResult& result);

// `{refreshed: [outcome...], created: [...], disabled: [ids], warnings,
// warningList, summary: {refreshed, changed, unhealthy, failed, created,
// disabled}}`. An outcome is `{dataSourceId, handlerId, healthy, changes:
// [{kind: "added"|"removed"|"typeChanged", column, oldType, newType}],
// warnings: [...], error: {code, message}}` (error only when it failed).
DSH_EXPORT std::string DetectChangesResultJson(
    const DetectChangesResult& result);

// GET /dictionary/{id}: `{id, dataSource, metadata, types, createdAt,
// updatedAt}`: `dataSource` is the data source's name, `metadata` its
// columns, `types` the distinct governed types they use, sorted.
DSH_EXPORT std::string DictionaryJson(const DataSourceRecord& source);

// `{dataSourceId, handlerId}`.
DSH_EXPORT std::string DeleteResultJson(const DeleteResult& result);

// `{"error": {code, message, problems: [{pointer, message}], offset}}`;
// `offset` only for malformed JSON.
DSH_EXPORT std::string ErrorJson(const absl::Status& status);

}  // namespace dsh

#endif  // DSH_RESPONSE_H_
