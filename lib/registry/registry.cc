#include "dsh/registry.h"

#include <chrono>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "identity/table_key.h"
#include "model/absl_compat.h"
#include "naming/name_template.h"
#include "payload/create_payload.h"
#include "registry/dictionary.h"

namespace dsh {
namespace {

std::int64_t NowMs() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

const std::string& HandlerPointer(const payload::ParsedCreate& parsed,
                                  size_t index) {
  return parsed.handler_pointers[index];
}

std::string MetadataPointer(const payload::ParsedCreate& parsed, size_t index) {
  return absl::StrCat(HandlerPointer(parsed, index), "/metadata");
}

// Prefixes a status message with what was being done, keeping its code and
// payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context) {
  absl::Status annotated(status.code(),
                         absl::StrCat(AsAbsl(context), ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

ConnectionSettings SettingsFor(Technology technology,
                               const HandlerMetadata& metadata,
                               const RegistryOptions& options) {
  ConnectionSettings settings;
  settings.technology = technology;
  settings.host = metadata.hostname;
  settings.port = metadata.port == 0 ? DefaultPort(technology) : metadata.port;
  settings.database = metadata.database;
  settings.username = metadata.username;
  settings.password = metadata.password;
  settings.ssl = metadata.ssl;
  if (const UserFile* ca = metadata.CaBundle()) {
    settings.ca_bundle_pem = ca->content;
  }
  settings.connect_timeout_seconds = options.connect_timeout_seconds;
  settings.statement_timeout_ms = options.statement_timeout_ms;
  return settings;
}

// One handler of a create request on its way to the store.
struct PlannedEntry {
  size_t index = 0;  // Into the payload's handler array.
  TableDescription table;
  TableKey key;
};

}  // namespace

class Registry::Impl {
 public:
  Impl(RegistryOptions options, std::unique_ptr<Store> store,
       std::shared_ptr<CatalogConnector> catalogs)
      : options_(std::move(options)),
        store_(std::move(store)),
        catalogs_(std::move(catalogs)) {
    identity_.case_sensitive_identifiers = options_.case_sensitive_identifiers;
    identity_.host_aliases = options_.host_aliases;
  }

  absl::StatusOr<CreateResult> Create(Technology technology,
                                      std::string_view json);
  absl::StatusOr<ValidateResult> Validate(Technology technology,
                                          std::string_view json);
  absl::StatusOr<HandlerView> GetHandler(Technology technology, HandlerId id,
                                         bool skip_cache);

 private:
  absl::StatusOr<payload::ParsedCreate> Parse(Technology technology,
                                              std::string_view json) const;
  std::vector<size_t> SkipRepeats(const payload::ParsedCreate& parsed,
                                  const std::vector<size_t>& indices,
                                  const std::vector<TableKey>& keys,
                                  std::vector<Warning>& warnings) const;
  absl::StatusOr<std::vector<PlannedEntry>> Resolve(
      const payload::ParsedCreate& parsed, const std::vector<size_t>& indices);
  absl::StatusOr<std::vector<NewDataSource>> BuildRecords(
      const payload::ParsedCreate& parsed,
      const std::vector<PlannedEntry>& entries,
      std::vector<Warning>& warnings) const;
  absl::StatusOr<std::vector<Column>> ReadDictionary(
      const HandlerRecord& handler, bool& table_exists);

  RegistryOptions options_;
  identity::IdentityOptions identity_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<CatalogConnector> catalogs_;
};

absl::StatusOr<payload::ParsedCreate> Registry::Impl::Parse(
    Technology technology, std::string_view json) const {
  payload::ParseOptions parse_options;
  parse_options.technology = technology;
  parse_options.strict = options_.strict;
  absl::StatusOr<payload::ParsedCreate> parsed =
      payload::ParseCreateRequest(json, parse_options);
  if (!parsed.ok()) return parsed.status();

  std::vector<Problem>& problems = parsed->problems;
  if (parsed->request.schema_evolution) {
    for (Problem& problem :
         naming::TemplateProblems(*parsed->request.schema_evolution)) {
      problems.push_back(std::move(problem));
    }
  }
  for (size_t i = 0; i < parsed->request.handlers.size(); ++i) {
    // TODO(#3): describe query-backed sources through the catalog.
    if (parsed->request.handlers[i].query) {
      problems.push_back({MetadataPointer(*parsed, i) + "/query",
                          "query-backed data sources are not supported yet; "
                          "name a schema and table instead"});
    }
  }
  if (!problems.empty()) return InvalidRequest(std::move(problems));
  return parsed;
}

// Keeps the first of each group of entries with the same key; every later
// one gets the vendor's warning and is dropped.
std::vector<size_t> Registry::Impl::SkipRepeats(
    const payload::ParsedCreate& parsed, const std::vector<size_t>& indices,
    const std::vector<TableKey>& keys, std::vector<Warning>& warnings) const {
  const CreateRequest& request = parsed.request;
  std::vector<bool> skipped(indices.size(), false);
  for (const identity::Repeat& repeat : identity::FindRepeats(keys)) {
    skipped[repeat.index] = true;
    const size_t index = indices[repeat.index];
    const HandlerMetadata& metadata = request.handlers[index];
    warnings.push_back(
        {"duplicate_in_payload", HandlerPointer(parsed, index),
         absl::StrCat(
             "duplicate tables are specified in the payload. ",
             HandlerPointer(parsed, index), " (",
             registry::QuotedTableName(metadata.schema, metadata.table),
             ") repeats ", HandlerPointer(parsed, indices[repeat.first_index]),
             " and was skipped.")});
  }
  std::vector<size_t> kept;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (!skipped[i]) kept.push_back(indices[i]);
  }
  return kept;
}

// Describes the tables of `indices` in one catalog round trip and keys them
// by the names the catalog stores.
absl::StatusOr<std::vector<PlannedEntry>> Registry::Impl::Resolve(
    const payload::ParsedCreate& parsed, const std::vector<size_t>& indices) {
  const CreateRequest& request = parsed.request;
  std::vector<PlannedEntry> entries;
  if (indices.empty()) return entries;
  const Technology technology = request.technology;
  const HandlerMetadata& first = request.handlers[indices.front()];
  const std::string where =
      identity::ConnectionOf(technology, first, identity_).ToString();

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      catalogs_->Connect(SettingsFor(technology, first, options_));
  if (!catalog.ok()) {
    return Annotate(catalog.status(), absl::StrCat("connecting to ", where));
  }
  std::vector<TableRef> refs;
  for (size_t index : indices) {
    refs.push_back(
        {request.handlers[index].schema, request.handlers[index].table});
  }
  absl::StatusOr<std::vector<TableDescription>> tables =
      (*catalog)->DescribeTables(refs);
  if (!tables.ok()) {
    return Annotate(tables.status(),
                    absl::StrCat("reading the catalog of ", where));
  }
  if (tables->size() != indices.size()) {
    return absl::InternalError(
        absl::StrCat("the catalog of ", where, " answered ", tables->size(),
                     " descriptions for ", indices.size(), " tables"));
  }

  std::vector<Problem> problems;
  bool all_missing = true;
  for (size_t i = 0; i < indices.size(); ++i) {
    TableDescription& table = (*tables)[i];
    if (!table.status.ok()) {
      all_missing = all_missing && absl::IsNotFound(table.status);
      problems.push_back({MetadataPointer(parsed, indices[i]) + "/table",
                          std::string(table.status.message())});
      continue;
    }
    const HandlerMetadata& metadata = request.handlers[indices[i]];
    TableKey key =
        identity::KeyFromCatalog(technology, metadata, table.resolved.schema,
                                 table.resolved.table, identity_);
    entries.push_back({indices[i], std::move(table), std::move(key)});
  }
  if (!problems.empty()) {
    return ProblemsStatus(all_missing ? absl::StatusCode::kNotFound
                                      : absl::StatusCode::kInvalidArgument,
                          std::move(problems));
  }
  return entries;
}

absl::StatusOr<std::vector<NewDataSource>> Registry::Impl::BuildRecords(
    const payload::ParsedCreate& parsed,
    const std::vector<PlannedEntry>& entries,
    std::vector<Warning>& warnings) const {
  const CreateRequest& request = parsed.request;
  const NameTemplate name_template =
      request.schema_evolution ? request.schema_evolution->name_template
                               : NameTemplate();
  const bool single = request.handlers.size() == 1;
  const DataSourceSpec& spec = request.data_source;
  const std::int64_t now = NowMs();

  std::vector<Problem> problems;
  std::vector<NewDataSource> records;
  for (const PlannedEntry& entry : entries) {
    const HandlerMetadata& metadata = request.handlers[entry.index];
    const std::string pointer = MetadataPointer(parsed, entry.index);
    registry::BuiltDictionary dictionary = registry::BuildDictionary(
        request.technology, entry.table, metadata.columns, pointer);
    for (Problem& problem : dictionary.problems) {
      problems.push_back(std::move(problem));
    }
    for (Warning& warning : dictionary.warnings) {
      warnings.push_back(std::move(warning));
    }

    const naming::NameParts parts{metadata.database,
                                  entry.table.resolved.schema,
                                  entry.table.resolved.table};
    NewDataSource record;
    HandlerRecord& handler = record.handler;
    handler.technology = request.technology;
    handler.metadata = metadata;
    handler.metadata.schema = entry.table.resolved.schema;
    handler.metadata.table = entry.table.resolved.table;
    if (handler.metadata.port == 0) {
      handler.metadata.port = DefaultPort(request.technology);
    }
    handler.connection_string =
        identity::ConnectionOf(request.technology, metadata, identity_)
            .ToString();
    handler.key = entry.key;

    DataSourceRecord& source = record.data_source;
    source.name = !metadata.data_source_name.empty() ? metadata.data_source_name
                  : single && !spec.name.empty()
                      ? spec.name
                      : naming::Expand(name_template.name_format, parts);
    source.sql_table_name = !metadata.bodata_table_name.empty()
                                ? metadata.bodata_table_name
                            : single && !spec.sql_table_name.empty()
                                ? spec.sql_table_name
                                : naming::SqlName(naming::Expand(
                                      name_template.table_format, parts));
    source.sql_schema_name =
        !metadata.bodata_schema_name.empty()
            ? metadata.bodata_schema_name
            : naming::SqlName(
                  naming::Expand(name_template.sql_schema_name_format, parts));
    source.is_private = spec.is_private.value_or(true);
    source.organization =
        spec.organization.empty() ? options_.organization : spec.organization;
    source.spec = spec;
    source.schema_evolution = request.schema_evolution;
    source.policy_rules_json = request.policy_rules_json;
    source.dictionary = std::move(dictionary.columns);
    source.created_at_ms = now;
    source.updated_at_ms = now;
    source.dictionary_read_at_ms = now;
    records.push_back(std::move(record));
  }
  if (!problems.empty()) return InvalidRequest(std::move(problems));
  return records;
}

absl::StatusOr<CreateResult> Registry::Impl::Create(Technology technology,
                                                    std::string_view json) {
  absl::StatusOr<payload::ParsedCreate> parsed = Parse(technology, json);
  if (!parsed.ok()) return parsed.status();
  const CreateRequest& request = parsed->request;
  CreateResult result;
  result.warnings = std::move(parsed->warnings);
  result.connection_string =
      identity::ConnectionOf(technology, request.handlers.front(), identity_)
          .ToString();

  // Repeats are dropped twice: by the payload's own names, so that the
  // catalog is not asked twice about one table, and by the names the
  // catalog resolved, which can fold two spellings onto one table.
  std::vector<size_t> all(request.handlers.size());
  std::vector<TableKey> payload_keys;
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
    payload_keys.push_back(
        identity::KeyFromPayload(technology, request.handlers[i], identity_));
  }
  const std::vector<size_t> distinct =
      SkipRepeats(*parsed, all, payload_keys, result.warnings);
  absl::StatusOr<std::vector<PlannedEntry>> resolved =
      Resolve(*parsed, distinct);
  if (!resolved.ok()) return resolved.status();
  std::vector<size_t> resolved_indices;
  std::vector<TableKey> resolved_keys;
  for (const PlannedEntry& entry : *resolved) {
    resolved_indices.push_back(entry.index);
    resolved_keys.push_back(entry.key);
  }
  const std::vector<size_t> kept =
      SkipRepeats(*parsed, resolved_indices, resolved_keys, result.warnings);
  std::vector<PlannedEntry> entries;
  for (PlannedEntry& entry : *resolved) {
    if (std::find(kept.begin(), kept.end(), entry.index) != kept.end()) {
      entries.push_back(std::move(entry));
    }
  }

  absl::StatusOr<std::vector<NewDataSource>> records =
      BuildRecords(*parsed, entries, result.warnings);
  if (!records.ok()) return records.status();
  absl::StatusOr<std::vector<InsertOutcome>> outcomes =
      store_->InsertDataSources(*records);
  if (!outcomes.ok()) return outcomes.status();

  for (size_t i = 0; i < entries.size(); ++i) {
    const InsertOutcome& outcome = (*outcomes)[i];
    const NewDataSource& record = (*records)[i];
    const std::string table = registry::QuotedTableName(
        record.handler.metadata.schema, record.handler.metadata.table);
    if (outcome.existing_handler_id) {
      result.warnings.push_back(
          {"duplicate_in_registry", HandlerPointer(*parsed, entries[i].index),
           absl::StrCat(table, " is already registered by handler ",
                        *outcome.existing_handler_id, "; ",
                        HandlerPointer(*parsed, entries[i].index),
                        " was skipped.")});
      continue;
    }
    options_.logger.Log(
        LogLevel::kInfo,
        absl::StrCat("created data source ", outcome.data_source_id, " \"",
                     record.data_source.name, "\" (handler ",
                     outcome.handler_id, ") for ", table, " on ",
                     result.connection_string));
    CreatedDataSource created;
    created.payload_index = entries[i].index;
    created.handler_id = outcome.handler_id;
    created.data_source_id = outcome.data_source_id;
    created.name = record.data_source.name;
    created.sql_schema_name = record.data_source.sql_schema_name;
    created.sql_table_name = record.data_source.sql_table_name;
    created.schema = record.handler.metadata.schema;
    created.table = record.handler.metadata.table;
    created.dictionary = record.data_source.dictionary;
    result.created.push_back(std::move(created));
  }
  return result;
}

absl::StatusOr<ValidateResult> Registry::Impl::Validate(Technology technology,
                                                        std::string_view json) {
  absl::StatusOr<payload::ParsedCreate> parsed = Parse(technology, json);
  if (!parsed.ok()) return parsed.status();
  const CreateRequest& request = parsed->request;
  ValidateResult result;
  result.warnings = std::move(parsed->warnings);
  result.connection_string =
      identity::ConnectionOf(technology, request.handlers.front(), identity_)
          .ToString();
  std::vector<size_t> all(request.handlers.size());
  std::vector<TableKey> keys;
  for (size_t i = 0; i < all.size(); ++i) {
    all[i] = i;
    keys.push_back(
        identity::KeyFromPayload(technology, request.handlers[i], identity_));
  }
  SkipRepeats(*parsed, all, keys, result.warnings);
  return result;
}

// Reads a handler's table from the catalog now. `table_exists` is set false
// (and the status OK) when the table is gone.
absl::StatusOr<std::vector<Column>> Registry::Impl::ReadDictionary(
    const HandlerRecord& handler, bool& table_exists) {
  const std::string where = absl::StrCat(
      registry::QuotedTableName(handler.metadata.schema,
                                handler.metadata.table),
      " on ", handler.connection_string, " (handler ", handler.id, ")");
  absl::StatusOr<std::unique_ptr<Catalog>> catalog = catalogs_->Connect(
      SettingsFor(handler.technology, handler.metadata, options_));
  if (!catalog.ok()) {
    return Annotate(catalog.status(), absl::StrCat("reading ", where));
  }
  const TableRef ref{handler.metadata.schema, handler.metadata.table};
  absl::StatusOr<std::vector<TableDescription>> tables =
      (*catalog)->DescribeTables({&ref, 1});
  if (!tables.ok()) {
    return Annotate(tables.status(), absl::StrCat("reading ", where));
  }
  if (tables->size() != 1) {
    return absl::InternalError(absl::StrCat("reading ", where, ": the catalog",
                                            " answered ", tables->size(),
                                            " descriptions for one table"));
  }
  const TableDescription& table = tables->front();
  table_exists = table.status.ok();
  if (absl::IsNotFound(table.status)) return std::vector<Column>();
  if (!table.status.ok()) {
    return Annotate(table.status, absl::StrCat("reading ", where));
  }
  registry::BuiltDictionary built = registry::BuildDictionary(
      handler.technology, table, handler.metadata.columns, "");
  return std::move(built.columns);
}

absl::StatusOr<HandlerView> Registry::Impl::GetHandler(Technology technology,
                                                       HandlerId id,
                                                       bool skip_cache) {
  absl::StatusOr<HandlerRecord> handler = store_->GetHandler(id);
  if (!handler.ok()) return handler.status();
  if (handler->technology != technology) {
    return absl::NotFoundError(absl::StrCat(
        "no ", AsAbsl(TechnologyName(technology)), " handler has id ", id));
  }
  absl::StatusOr<DataSourceRecord> source =
      store_->GetDataSource(handler->data_source_id);
  if (!source.ok()) return source.status();

  if (skip_cache) {
    // TODO(#3): compare old and new dictionaries and tag changed columns.
    bool table_exists = true;
    absl::StatusOr<std::vector<Column>> dictionary =
        ReadDictionary(*handler, table_exists);
    if (!dictionary.ok()) return dictionary.status();
    const std::int64_t now = NowMs();
    if (table_exists) source->dictionary = std::move(*dictionary);
    source->healthy = table_exists;
    absl::Status saved = store_->SaveDictionary(source->id, source->dictionary,
                                                source->healthy, now);
    if (!saved.ok()) return saved;
    source->dictionary_read_at_ms = now;
    source->updated_at_ms = now;
  }

  handler->metadata.password.clear();
  for (UserFile& file : handler->metadata.user_files) file.content.clear();
  return HandlerView{std::move(*handler), std::move(*source)};
}

Registry::Registry(RegistryOptions options, std::unique_ptr<Store> store,
                   std::shared_ptr<CatalogConnector> catalogs)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(store),
                                   std::move(catalogs))) {}

Registry::~Registry() = default;

absl::StatusOr<CreateResult> Registry::Create(Technology technology,
                                              std::string_view payload_json) {
  return impl_->Create(technology, payload_json);
}

absl::StatusOr<ValidateResult> Registry::Validate(
    Technology technology, std::string_view payload_json) {
  return impl_->Validate(technology, payload_json);
}

absl::StatusOr<HandlerView> Registry::GetHandler(Technology technology,
                                                 HandlerId id,
                                                 bool skip_cache) {
  return impl_->GetHandler(technology, id, skip_cache);
}

}  // namespace dsh
