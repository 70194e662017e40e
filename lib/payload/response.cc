#include "dsh/response.h"

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "model/absl_compat.h"
#include "payload/json_syntax.h"
#include "payload/json_writer.h"

namespace dsh {
namespace {

using payload::JsonWriter;

// A stored JSON text (blobHandler, policyRules) as it was kept; null when
// none was given. Text that does not parse (a damaged store) is written as
// null too, so that one bad row cannot make the whole body invalid JSON.
void WriteStoredJson(JsonWriter& writer, std::string_view json) {
  if (json.empty() || payload::FindJsonSyntaxError(json)) {
    writer.Null();
  } else {
    writer.Raw(json);
  }
}

// ISO-8601 UTC with milliseconds ("2024-05-01T12:00:00.250Z"); null for 0,
// which the model uses for "never".
void WriteTime(JsonWriter& writer, std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const time_t time = static_cast<time_t>(seconds);
  struct tm utc {};
  if (ms == 0 || gmtime_r(&time, &utc) == nullptr) {
    writer.Null();
    return;
  }
  writer.String(absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                                utc.tm_hour, utc.tm_min, utc.tm_sec, millis));
}

void WriteColumns(JsonWriter& writer, const std::vector<Column>& columns) {
  writer.BeginArray();
  for (const Column& column : columns) {
    writer.BeginObject();
    writer.Key("name").String(column.name);
    writer.Key("dataType").String(column.data_type);
    writer.Key("remoteType").String(column.remote_type);
    writer.Key("nullable").Bool(column.nullable);
    writer.Key("primaryKey").Bool(column.primary_key);
    writer.Key("tags").BeginArray();
    for (const std::string& tag : column.tags) writer.String(tag);
    writer.EndArray();
    writer.EndObject();
  }
  writer.EndArray();
}

// The metadata as a payload gives it, less the password and the contents
// of user files: a file is listed by its names only.
void WriteMetadata(JsonWriter& writer, const HandlerMetadata& m) {
  writer.BeginObject();
  writer.Key("hostname").String(m.hostname);
  writer.Key("port").Int(m.port);
  writer.Key("database").String(m.database);
  writer.Key("schema").String(m.schema);
  writer.Key("table").String(m.table);
  writer.Key("query");
  if (m.query) {
    writer.String(*m.query);
  } else {
    writer.Null();
  }
  writer.Key("username").String(m.username);
  writer.Key("ssl").Bool(m.ssl);
  writer.Key("userFiles").BeginArray();
  for (const UserFile& file : m.user_files) {
    writer.BeginObject();
    writer.Key("keyName").String(file.key_name);
    writer.Key("filename").String(file.filename);
    writer.Key("userFilename").String(file.user_filename);
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("connectionStringOptions").String(m.connection_string_options);
  writer.Key("authenticationMethod").String(m.authentication_method);
  writer.Key("dataSourceName").String(m.data_source_name);
  writer.Key("bodataSchemaName").String(m.bodata_schema_name);
  writer.Key("bodataTableName").String(m.bodata_table_name);
  writer.Key("schemaProjectName").String(m.schema_project_name);
  writer.Key("nativeViewName").String(m.native_view_name);
  writer.Key("nativeSchemaName").String(m.native_schema_name);
  writer.Key("nativeWorkspaceName").String(m.native_workspace_name);
  writer.Key("staleDataTolerance");
  if (m.stale_data_tolerance) {
    writer.Double(*m.stale_data_tolerance);
  } else {
    writer.Null();
  }
  writer.Key("columns");
  if (m.columns) {
    writer.BeginArray();
    for (const std::string& name : *m.columns) writer.String(name);
    writer.EndArray();
  } else {
    writer.Null();
  }
  writer.EndObject();
}

void WriteDataSource(JsonWriter& writer, const DataSourceRecord& ds) {
  writer.BeginObject();
  writer.Key("id").Int(ds.id);
  writer.Key("name").String(ds.name);
  writer.Key("sqlSchemaName").String(ds.sql_schema_name);
  writer.Key("sqlTableName").String(ds.sql_table_name);
  writer.Key("private").Bool(ds.is_private);
  writer.Key("organization").String(ds.organization);
  writer.Key("type").String(ds.spec.type);
  writer.Key("blobHandlerType").String(ds.spec.blob_handler_type);
  writer.Key("recordFormat").String(ds.spec.record_format);
  writer.Key("blobHandler");
  WriteStoredJson(writer, ds.spec.blob_handler_json);
  writer.Key("category").String(ds.spec.category);
  writer.Key("description").String(ds.spec.description);
  writer.Key("healthy").Bool(ds.healthy);
  writer.Key("healthMessage").String(ds.health_message);
  writer.Key("disabled").Bool(ds.disabled);
  writer.Key("createdAt");
  WriteTime(writer, ds.created_at_ms);
  writer.Key("updatedAt");
  WriteTime(writer, ds.updated_at_ms);
  writer.Key("dictionaryReadAt");
  WriteTime(writer, ds.dictionary_read_at_ms);
  writer.EndObject();
}

// `[{code, pointer, message}]`.
void WriteWarningList(JsonWriter& writer, const std::vector<Warning>& list) {
  writer.BeginArray();
  for (const Warning& warning : list) {
    writer.BeginObject();
    writer.Key("code").String(warning.code);
    writer.Key("pointer").String(warning.pointer);
    writer.Key("message").String(warning.message);
    writer.EndObject();
  }
  writer.EndArray();
}

// The members `warnings` (the messages as one string, the seed's type;
// empty when none) and `warningList` beside it, which keeps each
// warning's code and pointer.
void WriteWarnings(JsonWriter& writer, const std::vector<Warning>& list) {
  std::vector<absl::string_view> messages;
  messages.reserve(list.size());
  for (const Warning& warning : list) messages.push_back(warning.message);
  writer.Key("warnings").String(absl::StrJoin(messages, "\n"));
  writer.Key("warningList");
  WriteWarningList(writer, list);
}

void WriteCreatedDataSources(JsonWriter& writer,
                             const std::vector<CreatedDataSource>& list) {
  writer.BeginArray();
  for (const CreatedDataSource& created : list) {
    writer.BeginObject();
    writer.Key("handlerId").Int(created.handler_id);
    writer.Key("dataSourceId").Int(created.data_source_id);
    writer.Key("name").String(created.name);
    writer.Key("sqlSchemaName").String(created.sql_schema_name);
    writer.Key("sqlTableName").String(created.sql_table_name);
    writer.Key("schema").String(created.schema);
    writer.Key("table").String(created.table);
    writer.Key("columns");
    WriteColumns(writer, created.dictionary);
    writer.EndObject();
  }
  writer.EndArray();
}

std::string_view ChangeKindName(ColumnChange::Kind kind) {
  switch (kind) {
    case ColumnChange::Kind::kAdded:
      return "added";
    case ColumnChange::Kind::kRemoved:
      return "removed";
    case ColumnChange::Kind::kTypeChanged:
      return "typeChanged";
  }
  return "";
}

// A type the change has no side for (the old type of an added column, the
// new type of a removed one) is null rather than "", which could be read
// as a type.
void WriteChange(JsonWriter& writer, const ColumnChange& change) {
  writer.BeginObject();
  writer.Key("kind").String(ChangeKindName(change.kind));
  writer.Key("column").String(change.column);
  writer.Key("oldType");
  if (change.kind == ColumnChange::Kind::kAdded) {
    writer.Null();
  } else {
    writer.String(change.old_remote_type);
  }
  writer.Key("newType");
  if (change.kind == ColumnChange::Kind::kRemoved) {
    writer.Null();
  } else {
    writer.String(change.new_remote_type);
  }
  writer.EndObject();
}

void WriteOutcome(JsonWriter& writer, const RefreshOutcome& outcome) {
  writer.BeginObject();
  writer.Key("dataSourceId").Int(outcome.data_source_id);
  writer.Key("handlerId").Int(outcome.handler_id);
  writer.Key("healthy").Bool(outcome.healthy);
  writer.Key("changes").BeginArray();
  for (const ColumnChange& change : outcome.changes) {
    WriteChange(writer, change);
  }
  writer.EndArray();
  writer.Key("warnings");
  WriteWarningList(writer, outcome.warnings);
  if (outcome.error_code) {
    writer.Key("error").BeginObject();
    writer.Key("code").String(*outcome.error_code);
    writer.Key("message").String(outcome.error_message);
    writer.EndObject();
  }
  writer.EndObject();
}

// Counts over the outcomes. `refreshed` counts every outcome, failed ones
// included, so that it matches the length of the `refreshed` array.
void WriteSummary(JsonWriter& writer, const DetectChangesResult& result) {
  std::int64_t changed = 0;
  std::int64_t unhealthy = 0;
  std::int64_t failed = 0;
  for (const RefreshOutcome& outcome : result.refreshed) {
    if (!outcome.changes.empty()) ++changed;
    if (!outcome.healthy) ++unhealthy;
    if (outcome.error_code) ++failed;
  }
  writer.BeginObject();
  writer.Key("refreshed").Uint(result.refreshed.size());
  writer.Key("changed").Int(changed);
  writer.Key("unhealthy").Int(unhealthy);
  writer.Key("failed").Int(failed);
  writer.Key("created").Uint(result.created.size());
  writer.Key("disabled").Uint(result.disabled.size());
  writer.EndObject();
}

}  // namespace

std::string CreateResultJson(const CreateResult& result) {
  const CreatedDataSource* first =
      result.created.empty() ? nullptr : &result.created.front();
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("id").Int(first != nullptr ? first->handler_id : 0);
  writer.Key("dataSourceId").Int(first != nullptr ? first->data_source_id : 0);
  writer.Key("connectionString").String(result.connection_string);
  WriteWarnings(writer, result.warnings);
  writer.Key("dataSources");
  WriteCreatedDataSources(writer, result.created);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string HandlerViewJson(const HandlerView& view) {
  const HandlerRecord& handler = view.handler;
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("id").Int(handler.id);
  writer.Key("dataSourceId").Int(handler.data_source_id);
  writer.Key("technology").String(TechnologyName(handler.technology));
  writer.Key("connectionString").String(handler.connection_string);
  writer.Key("metadata");
  WriteMetadata(writer, handler.metadata);
  writer.Key("dataSource");
  WriteDataSource(writer, view.data_source);
  writer.Key("columns");
  WriteColumns(writer, view.data_source.dictionary);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string UpdateResultJson(const UpdateResult& result) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("id").Int(result.id);
  writer.Key("ca").String(result.ca);
  writer.Key("columns");
  WriteColumns(writer, result.columns);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string BulkResultJson(const BulkResult& result) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("bulkId").Int(result.bulk_id);
  writer.Key("connectionString").String(result.connection_string);
  writer.Key("jobsCreated").Int(result.jobs_created);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string DetectChangesResultJson(const DetectChangesResult& result) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("refreshed").BeginArray();
  for (const RefreshOutcome& outcome : result.refreshed) {
    WriteOutcome(writer, outcome);
  }
  writer.EndArray();
  writer.Key("created");
  WriteCreatedDataSources(writer, result.created);
  writer.Key("disabled").BeginArray();
  for (const DataSourceId id : result.disabled) writer.Int(id);
  writer.EndArray();
  WriteWarnings(writer, result.warnings);
  writer.Key("summary");
  WriteSummary(writer, result);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string DictionaryJson(const DataSourceRecord& source) {
  std::vector<std::string_view> types;
  types.reserve(source.dictionary.size());
  for (const Column& column : source.dictionary) {
    types.push_back(column.data_type);
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());

  JsonWriter writer;
  writer.BeginObject();
  writer.Key("id").Int(source.id);
  writer.Key("dataSource").String(source.name);
  writer.Key("metadata");
  WriteColumns(writer, source.dictionary);
  writer.Key("types").BeginArray();
  for (const std::string_view type : types) writer.String(type);
  writer.EndArray();
  writer.Key("createdAt");
  WriteTime(writer, source.created_at_ms);
  writer.Key("updatedAt");
  WriteTime(writer, source.updated_at_ms);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string DeleteResultJson(const DeleteResult& result) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("dataSourceId").Int(result.data_source_id);
  writer.Key("handlerId").Int(result.handler_id);
  writer.EndObject();
  return std::move(writer).Take();
}

std::string ErrorJson(const absl::Status& status) {
  JsonWriter writer;
  writer.BeginObject();
  writer.Key("error").BeginObject();
  writer.Key("code").String(ErrorCodeName(status));
  writer.Key("message").String(AsStd(status.message()));
  writer.Key("problems").BeginArray();
  for (const Problem& problem : ProblemsOf(status)) {
    writer.BeginObject();
    writer.Key("pointer").String(problem.pointer);
    writer.Key("message").String(problem.message);
    writer.EndObject();
  }
  writer.EndArray();
  if (const std::optional<std::size_t> offset = ByteOffsetOf(status)) {
    writer.Key("offset").Uint(*offset);
  }
  writer.EndObject();
  writer.EndObject();
  return std::move(writer).Take();
}

}  // namespace dsh
