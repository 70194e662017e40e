// Create and validate: a payload's tables become data sources.

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsh/error.h"
#include "naming/name_template.h"
#include "registry/dictionary.h"
#include "registry/registry_impl.h"

namespace dsh {
namespace {

using registry::Annotate;
using registry::NowMs;
using registry::SettingsFor;

const std::string& HandlerPointer(const payload::ParsedCreate& parsed,
                                  size_t index) {
  return parsed.handler_pointers[index];
}

std::string MetadataPointer(const payload::ParsedCreate& parsed, size_t index) {
  return absl::StrCat(HandlerPointer(parsed, index), "/metadata");
}

}  // namespace

payload::ParseOptions Registry::Impl::ParseOptionsFor(
    Technology technology) const {
  payload::ParseOptions parse_options;
  parse_options.technology = technology;
  parse_options.strict = options_.strict;
  return parse_options;
}

absl::StatusOr<payload::ParsedCreate> Registry::Impl::Parse(
    Technology technology, std::string_view json) const {
  absl::StatusOr<payload::ParsedCreate> parsed =
      payload::ParseCreateRequest(json, ParseOptionsFor(technology));
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

  const DataSourceSpec& spec = parsed->request.data_source;
  if (parsed->request.handlers.size() > 1) {
    for (const auto& [field, value] :
         {std::pair{"name", &spec.name},
          std::pair{"sqlTableName", &spec.sql_table_name}}) {
      if (value->empty()) continue;
      parsed->warnings.push_back(
          {"ignored_field", absl::StrCat("/dataSource/", field),
           absl::StrCat("dataSource.", field,
                        " applies only to a payload with one handler; each "
                        "data source takes it from its handler's metadata "
                        "or the name template")});
    }
  }
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
// Describes the tables of `indices` and keys them by the names the catalog
// stores. Handlers that connect the same way (one payload may carry more
// than one password) share one round trip; every set of credentials is
// tried, so none is stored unproven.
absl::StatusOr<std::vector<PlannedEntry>> Registry::Impl::Resolve(
    const payload::ParsedCreate& parsed, const std::vector<size_t>& indices) {
  const CreateRequest& request = parsed.request;
  std::map<registry::ConnectionIdentity, std::vector<size_t>> groups;
  for (size_t index : indices) {
    groups[registry::IdentityOf(SettingsFor(request.technology,
                                            request.handlers[index], options_))]
        .push_back(index);
  }

  std::vector<PlannedEntry> entries;
  std::vector<std::pair<size_t, Problem>> problems;  // By handler index.
  bool all_missing = true;
  for (const auto& [identity, members] : groups) {
    absl::StatusOr<std::vector<TableDescription>> tables =
        DescribeGroup(parsed, members);
    if (!tables.ok()) return tables.status();
    for (size_t i = 0; i < members.size(); ++i) {
      TableDescription& table = (*tables)[i];
      if (!table.status.ok()) {
        all_missing = all_missing && absl::IsNotFound(table.status);
        problems.push_back({members[i],
                            {MetadataPointer(parsed, members[i]) + "/table",
                             std::string(table.status.message())}});
        continue;
      }
      TableKey key = identity::KeyFromCatalog(
          request.technology, request.handlers[members[i]],
          table.resolved.schema, table.resolved.table, identity_);
      entries.push_back({members[i], std::move(table), std::move(key)});
    }
  }
  if (!problems.empty()) {
    std::sort(problems.begin(), problems.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Problem> ordered;
    for (auto& [index, problem] : problems)
      ordered.push_back(std::move(problem));
    return ProblemsStatus(all_missing ? absl::StatusCode::kNotFound
                                      : absl::StatusCode::kInvalidArgument,
                          std::move(ordered));
  }
  std::sort(entries.begin(), entries.end(),
            [](const PlannedEntry& a, const PlannedEntry& b) {
              return a.index < b.index;
            });
  return entries;
}

// One catalog round trip for handlers that connect the same way.
absl::StatusOr<std::vector<TableDescription>> Registry::Impl::DescribeGroup(
    const payload::ParsedCreate& parsed, const std::vector<size_t>& members) {
  const CreateRequest& request = parsed.request;
  const HandlerMetadata& first = request.handlers[members.front()];
  const std::string where = absl::StrCat(
      identity::ConnectionOf(request.technology, first, identity_).ToString(),
      " with the credentials of ", HandlerPointer(parsed, members.front()));

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      catalogs_->Connect(SettingsFor(request.technology, first, options_));
  if (!catalog.ok()) {
    return Annotate(catalog.status(), absl::StrCat("connecting to ", where));
  }
  std::vector<TableRef> refs;
  for (size_t index : members) {
    refs.push_back(
        {request.handlers[index].schema, request.handlers[index].table});
  }
  absl::StatusOr<std::vector<TableDescription>> tables =
      (*catalog)->DescribeTables(refs);
  if (!tables.ok()) {
    return Annotate(tables.status(),
                    absl::StrCat("reading the catalog of ", where));
  }
  if (tables->size() != members.size()) {
    return absl::InternalError(
        absl::StrCat("the catalog of ", where, " answered ", tables->size(),
                     " descriptions for ", members.size(), " tables"));
  }
  return tables;
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

std::vector<TableKey> Registry::Impl::PayloadKeys(
    const CreateRequest& request) const {
  std::vector<TableKey> keys;
  for (const HandlerMetadata& handler : request.handlers) {
    keys.push_back(
        identity::KeyFromPayload(request.technology, handler, identity_));
  }
  return keys;
}

absl::StatusOr<CreateResult> Registry::Impl::Create(Technology technology,
                                                    std::string_view json) {
  absl::StatusOr<payload::ParsedCreate> parsed = Parse(technology, json);
  if (!parsed.ok()) return parsed.status();
  return Register(std::move(*parsed));
}

absl::StatusOr<CreateResult> Registry::Impl::Register(
    payload::ParsedCreate parsed) {
  const CreateRequest& request = parsed.request;
  CreateResult result;
  result.warnings = std::move(parsed.warnings);
  result.connection_string =
      identity::ConnectionOf(request.technology, request.handlers.front(),
                             identity_)
          .ToString();

  // Repeats are dropped twice: by the payload's own names, so that the
  // catalog is not asked twice about one table, and by the names the
  // catalog resolved, which can fold two spellings onto one table.
  std::vector<size_t> all(request.handlers.size());
  std::iota(all.begin(), all.end(), 0);
  const std::vector<size_t> distinct =
      SkipRepeats(parsed, all, PayloadKeys(request), result.warnings);
  absl::StatusOr<std::vector<PlannedEntry>> resolved =
      Resolve(parsed, distinct);
  if (!resolved.ok()) return resolved.status();
  std::vector<size_t> resolved_indices;
  std::vector<TableKey> resolved_keys;
  for (const PlannedEntry& entry : *resolved) {
    resolved_indices.push_back(entry.index);
    resolved_keys.push_back(entry.key);
  }
  const std::vector<size_t> kept =
      SkipRepeats(parsed, resolved_indices, resolved_keys, result.warnings);
  std::vector<PlannedEntry> entries;
  for (PlannedEntry& entry : *resolved) {
    if (std::find(kept.begin(), kept.end(), entry.index) != kept.end()) {
      entries.push_back(std::move(entry));
    }
  }

  absl::StatusOr<std::vector<NewDataSource>> records =
      BuildRecords(parsed, entries, result.warnings);
  if (!records.ok()) return records.status();
  absl::StatusOr<std::vector<InsertOutcome>> outcomes =
      store_->InsertDataSources(*records);
  if (!outcomes.ok()) return outcomes.status();

  for (size_t i = 0; i < entries.size(); ++i) {
    const InsertOutcome& outcome = (*outcomes)[i];
    const NewDataSource& record = (*records)[i];
    const std::string& pointer = HandlerPointer(parsed, entries[i].index);
    const std::string table = registry::QuotedTableName(
        record.handler.metadata.schema, record.handler.metadata.table);
    if (outcome.existing_handler_id) {
      result.warnings.push_back(
          {"duplicate_in_registry", pointer,
           absl::StrCat(table, " is already registered by handler ",
                        *outcome.existing_handler_id, "; ", pointer,
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
  std::iota(all.begin(), all.end(), 0);
  SkipRepeats(*parsed, all, PayloadKeys(request), result.warnings);
  return result;
}

}  // namespace dsh
