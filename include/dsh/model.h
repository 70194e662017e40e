// Plain value types shared by every area of dsh: what a registration payload
// asks for, what the registry keeps, and what the catalog reports.
#ifndef DSH_MODEL_H_
#define DSH_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "dsh/export.h"

namespace dsh {

// The database family a handler talks to. Both speak the PostgreSQL wire
// protocol; they differ in default port, identifier folding and catalog.
enum class Technology { kRedshift, kPostgresql };

// "redshift" or "postgresql", as used in REST paths and the CLI.
DSH_EXPORT std::string_view TechnologyName(Technology technology);

// Parses "redshift" or "postgresql" (exactly, lower case); nullopt otherwise.
DSH_EXPORT std::optional<Technology> ParseTechnology(std::string_view name);

// 5439 for Redshift, 5432 for PostgreSQL.
DSH_EXPORT int DefaultPort(Technology technology);

using HandlerId = std::int64_t;
using DataSourceId = std::int64_t;

// One entry of `handler[i].metadata.userFiles`. `content` is a secret.
struct UserFile {
  std::string key_name;
  std::string filename;
  std::string content;
  std::string user_filename;
};

// `handler[i].metadata` of a create payload. Strings left out of the payload
// are empty; `port` is 0 until a default is filled in.
struct HandlerMetadata {
  std::string hostname;
  int port = 0;
  std::string database;
  std::string schema;
  std::string table;
  std::optional<std::string> query;
  std::string username;
  std::string password;  // Write-only: never returned, logged or printed.
  bool ssl = true;
  std::vector<UserFile> user_files;
  std::string connection_string_options;
  std::string authentication_method;
  std::string data_source_name;
  std::string bodata_schema_name;
  std::string bodata_table_name;
  std::string schema_project_name;
  std::string native_view_name;
  std::string native_schema_name;
  std::string native_workspace_name;
  std::optional<double> stale_data_tolerance;  // Deprecated, no effect.
  std::optional<std::vector<std::string>> columns;

  // The CA bundle (userFiles entry with keyName "ca"), or nullptr.
  const UserFile* CaBundle() const;
};

// Users and groups given a role on a data source.
struct Principals {
  std::vector<std::int64_t> profiles;
  std::vector<std::int64_t> groups;
};

// The `dataSource` object of a create payload.
struct DataSourceSpec {
  std::optional<bool> is_private;
  // The blobHandler value as given (an object or an array of objects),
  // kept as compact JSON text so that fields dsh does not know survive.
  std::string blob_handler_json;
  std::string blob_handler_type;
  std::string record_format;
  std::string type;  // "queryable" or "ingested".
  std::string name;
  std::string sql_table_name;
  std::string organization;
  std::string category;
  std::string description;
  std::vector<Principals> owner;
  std::vector<Principals> expert;
  std::vector<Principals> ingest;
  bool has_examples = false;
};

// `schemaEvolution.config.nameTemplate`: how generated names are formed.
struct NameTemplate {
  std::string name_format = "<Schema> <Tablename>";
  std::string table_format = "<tablename>";
  std::string sql_schema_name_format = "<schema>";
  std::string schema_project_name_format = "<Schema>";
};

struct SchemaEvolution {
  std::optional<std::int64_t> owner_profile_id;
  bool disabled = true;
  std::vector<std::string> schemas;
  NameTemplate name_template;
};

// A whole create payload, typed and validated.
struct CreateRequest {
  Technology technology = Technology::kRedshift;
  std::vector<HandlerMetadata> handlers;
  DataSourceSpec data_source;
  std::optional<SchemaEvolution> schema_evolution;
  std::string policy_rules_json;  // The policyRules array as given, or "".
};

// A problem that does not refuse a request. `pointer` is a JSON Pointer into
// the request ("" for the whole request).
struct Warning {
  std::string code;
  std::string pointer;
  std::string message;
};

// `hostname:port/database`: groups the handlers of one connection. Never
// holds a user name or password.
struct ConnectionString {
  std::string host;
  int port = 0;
  std::string database;

  std::string ToString() const;
  friend bool operator==(const ConnectionString& a, const ConnectionString& b) {
    return std::tie(a.host, a.port, a.database) ==
           std::tie(b.host, b.port, b.database);
  }
};

// The canonical identity of a remote table (see docs/duplicates.md). It is a
// tuple, compared field by field; it is never joined into one string.
struct TableKey {
  Technology family = Technology::kRedshift;
  std::string host;
  int port = 0;
  std::string database;
  std::string schema;
  std::string table;

  auto Tie() const {
    return std::tie(family, host, port, database, schema, table);
  }
  friend bool operator==(const TableKey& a, const TableKey& b) {
    return a.Tie() == b.Tie();
  }
  friend bool operator!=(const TableKey& a, const TableKey& b) {
    return !(a == b);
  }
  friend bool operator<(const TableKey& a, const TableKey& b) {
    return a.Tie() < b.Tie();
  }
  template <typename H>
  friend H AbslHashValue(H h, const TableKey& key) {
    return H::combine(std::move(h), key.family, key.host, key.port,
                      key.database, key.schema, key.table);
  }
};

// One entry of a data dictionary, in the table's column order.
struct Column {
  std::string name;
  std::string data_type;    // Governed type family, e.g. "text".
  std::string remote_type;  // As the database prints it.
  bool nullable = true;
  bool primary_key = false;
  std::vector<std::string> tags;

  friend bool operator==(const Column& a, const Column& b) {
    return std::tie(a.name, a.data_type, a.remote_type, a.nullable,
                    a.primary_key,
                    a.tags) == std::tie(b.name, b.data_type, b.remote_type,
                                        b.nullable, b.primary_key, b.tags);
  }
};

// A stored handler. `metadata.password` and user file contents are kept so
// that the registry can reconnect; they are never part of a response.
struct HandlerRecord {
  HandlerId id = 0;
  DataSourceId data_source_id = 0;
  Technology technology = Technology::kRedshift;
  HandlerMetadata metadata;
  std::string connection_string;
  // Absent for query-backed handlers, which have no single remote table.
  std::optional<TableKey> key;
};

// A stored data source with its dictionary.
struct DataSourceRecord {
  DataSourceId id = 0;
  HandlerId handler_id = 0;
  std::string name;
  std::string sql_schema_name;
  std::string sql_table_name;
  bool is_private = true;
  std::string organization;
  DataSourceSpec spec;
  std::optional<SchemaEvolution> schema_evolution;
  std::string policy_rules_json;
  std::vector<Column> dictionary;
  // False when the last catalog read found no table; `health_message`
  // then says why. An unhealthy data source keeps its dictionary.
  bool healthy = true;
  std::string health_message;
  // Set by schema monitoring when the table is gone; never deleted by it.
  bool disabled = false;
  // Milliseconds since the Unix epoch.
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  std::int64_t dictionary_read_at_ms = 0;
};

// One data source made by a create request.
struct CreatedDataSource {
  std::size_t payload_index = 0;  // Index into the payload's handler array.
  HandlerId handler_id = 0;
  DataSourceId data_source_id = 0;
  std::string name;
  std::string sql_schema_name;
  std::string sql_table_name;
  std::string schema;  // The remote table as the catalog names it.
  std::string table;
  std::vector<Column> dictionary;
};

// The outcome of an accepted create request. `created` may be empty when
// every entry was a duplicate; `warnings` then says why.
struct CreateResult {
  std::string connection_string;
  std::vector<CreatedDataSource> created;
  std::vector<Warning> warnings;
};

// The tag a refresh puts on a column that is new or whose type changed.
inline constexpr char kNewColumnTag[] = "New";

// One difference between a stored dictionary and the table as the catalog
// describes it now. A rename shows as a removal and an addition.
struct ColumnChange {
  enum class Kind { kAdded, kRemoved, kTypeChanged };
  Kind kind = Kind::kAdded;
  std::string column;
  std::string old_remote_type;  // Empty for kAdded.
  std::string new_remote_type;  // Empty for kRemoved.
};

// What a refresh did to one data source. When `error` is set the catalog
// read failed and nothing changed.
struct RefreshOutcome {
  DataSourceId data_source_id = 0;
  HandlerId handler_id = 0;
  std::vector<ColumnChange> changes;
  bool healthy = true;
  std::vector<Warning> warnings;
  std::optional<std::string> error_code;  // As ErrorCodeName gives it.
  std::string error_message;
};

// PUT /{technology}/handler/{id}.
struct UpdateResult {
  HandlerId id = 0;
  std::string ca;  // The CA bundle's file name, or "" when none.
  std::vector<Column> columns;
};

// PUT /{technology}/bulk.
struct BulkResult {
  std::int64_t bulk_id = 0;
  std::string connection_string;  // The new one.
  std::int64_t jobs_created = 0;  // Handlers changed.
};

// PUT /dataSource/detectRemoteChanges.
struct DetectChangesResult {
  std::vector<RefreshOutcome> refreshed;
  std::vector<CreatedDataSource> created;  // New tables, monitored schemas.
  std::vector<DataSourceId> disabled;      // Their table is gone.
  std::vector<Warning> warnings;
};

// DELETE /dataSource/{id}.
struct DeleteResult {
  DataSourceId data_source_id = 0;
  HandlerId handler_id = 0;
};

// A handler as a read returns it: its record, less the secrets, and its
// data source.
struct HandlerView {
  HandlerRecord handler;  // password and user file contents are cleared.
  DataSourceRecord data_source;
};

}  // namespace dsh

#endif  // DSH_MODEL_H_
