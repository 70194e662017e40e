// Schema monitoring: detectRemoteChanges refreshes data sources and, where
// schemaEvolution is enabled, follows the monitored schemas: new tables
// become data sources, data sources whose table is gone are disabled.

#include <map>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "registry/registry_impl.h"

namespace dsh {
namespace {

using registry::Annotate;
using registry::SettingsFor;

// A handler whose data source asks for its schemas to be watched.
struct Watch {
  const HandlerRecord* handler = nullptr;
  DataSourceRecord source;
  std::vector<std::string> schemas;
};

// Watches that share a connection and a set of schemas are served by one
// listing; the key holds the password, so it stays in memory.
using WatchKey = std::tuple<std::string, std::string, std::string, bool,
                            std::vector<std::string>>;

WatchKey KeyOf(const Watch& watch) {
  const HandlerMetadata& m = watch.handler->metadata;
  return {watch.handler->connection_string, m.username, m.password, m.ssl,
          watch.schemas};
}

// A create request registering `tables` the way `model` was registered:
// same connection and data source settings, names from the templates,
// owned by the schema's owner profile.
payload::ParsedCreate RequestFor(const HandlerRecord& model,
                                 const DataSourceRecord& model_source,
                                 const std::vector<TableRef>& tables) {
  payload::ParsedCreate parsed;
  CreateRequest& request = parsed.request;
  request.technology = model.technology;
  request.schema_evolution = model_source.schema_evolution;
  request.policy_rules_json = model_source.policy_rules_json;
  request.data_source = model_source.spec;
  request.data_source.name.clear();
  request.data_source.sql_table_name.clear();
  request.data_source.is_private = model_source.is_private;
  request.data_source.organization = model_source.organization;
  if (model_source.schema_evolution->owner_profile_id) {
    request.data_source.owner = {
        Principals{{*model_source.schema_evolution->owner_profile_id}, {}}};
  }
  for (const TableRef& table : tables) {
    HandlerMetadata metadata = model.metadata;
    metadata.schema = table.schema;
    metadata.table = table.table;
    metadata.data_source_name.clear();
    metadata.bodata_schema_name.clear();
    metadata.bodata_table_name.clear();
    metadata.columns.reset();
    request.handlers.push_back(std::move(metadata));
    parsed.handler_pointers.push_back(
        absl::StrCat("schema ", table.schema, ", table ", table.table));
  }
  return parsed;
}

}  // namespace

absl::StatusOr<DetectChangesResult> Registry::Impl::DetectRemoteChanges(
    std::string_view body, const RefreshProgress& progress) {
  absl::StatusOr<payload::ParsedDetectChanges> parsed =
      payload::ParseDetectChangesRequest(body);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->problems.empty()) {
    return InvalidRequest(std::move(parsed->problems));
  }
  absl::StatusOr<std::vector<HandlerRecord>> all =
      store_->ListHandlers(HandlerFilter());
  if (!all.ok()) return all.status();
  std::vector<HandlerRecord> handlers;
  if (parsed->data_source_ids) {
    const absl::flat_hash_set<DataSourceId> wanted(
        parsed->data_source_ids->begin(), parsed->data_source_ids->end());
    absl::flat_hash_set<DataSourceId> found;
    for (HandlerRecord& handler : *all) {
      if (wanted.contains(handler.data_source_id)) {
        found.insert(handler.data_source_id);
        handlers.push_back(std::move(handler));
      }
    }
    std::vector<DataSourceId> missing;
    for (DataSourceId id : *parsed->data_source_ids) {
      if (!found.contains(id)) missing.push_back(id);
    }
    if (!missing.empty()) {
      return absl::NotFoundError(
          absl::StrCat("no data source has id ", absl::StrJoin(missing, ", ")));
    }
  } else {
    handlers = std::move(*all);
  }

  DetectChangesResult result;
  result.refreshed = refresher_.Refresh(handlers, progress);

  // Which data sources watch their schemas, and which of those lost their
  // table in this refresh.
  std::map<WatchKey, std::vector<Watch>> watches;
  for (size_t i = 0; i < handlers.size(); ++i) {
    absl::StatusOr<DataSourceRecord> source =
        store_->GetDataSource(handlers[i].data_source_id);
    if (!source.ok()) continue;  // Deleted meanwhile.
    const std::optional<SchemaEvolution>& evolution = source->schema_evolution;
    if (!evolution || evolution->disabled) continue;
    const RefreshOutcome& outcome = result.refreshed[i];
    if (!outcome.error_code && outcome.healthy == source->disabled) {
      absl::Status flagged = store_->SetDisabled(source->id, !outcome.healthy);
      if (!flagged.ok()) return flagged;
      if (!outcome.healthy) result.disabled.push_back(source->id);
    }
    Watch watch{&handlers[i], *source,
                evolution->schemas.empty()
                    ? std::vector<std::string>{handlers[i].metadata.schema}
                    : evolution->schemas};
    WatchKey key = KeyOf(watch);
    watches[std::move(key)].push_back(std::move(watch));
  }

  for (const auto& [key, group] : watches) {
    const Watch& model = group.front();
    const HandlerRecord& handler = *model.handler;
    absl::StatusOr<std::unique_ptr<Catalog>> catalog = catalogs_->Connect(
        SettingsFor(handler.technology, handler.metadata, options_));
    absl::StatusOr<std::vector<TableRef>> tables =
        catalog.ok() ? (*catalog)->ListTables(model.schemas)
                     : absl::StatusOr<std::vector<TableRef>>(catalog.status());
    if (!tables.ok()) {
      result.warnings.push_back(
          {"monitoring_failed", "",
           absl::StrCat("could not list the monitored schemas on ",
                        handler.connection_string, ": ",
                        tables.status().message())});
      continue;
    }
    std::vector<TableKey> keys;
    for (const TableRef& table : *tables) {
      keys.push_back(identity::KeyFromCatalog(handler.technology,
                                              handler.metadata, table.schema,
                                              table.table, identity_));
    }
    absl::StatusOr<std::vector<std::optional<HandlerId>>> registered =
        store_->FindHandlers(keys);
    if (!registered.ok()) return registered.status();
    std::vector<TableRef> fresh;
    for (size_t i = 0; i < tables->size(); ++i) {
      if (!(*registered)[i]) fresh.push_back((*tables)[i]);
    }
    if (fresh.empty()) continue;

    absl::StatusOr<CreateResult> created =
        Register(RequestFor(handler, model.source, fresh));
    if (!created.ok()) {
      result.warnings.push_back(
          {"monitoring_failed", "",
           absl::StrCat("could not register ", fresh.size(), " new tables on ",
                        handler.connection_string, ": ",
                        created.status().message())});
      continue;
    }
    for (CreatedDataSource& source : created->created) {
      result.created.push_back(std::move(source));
    }
    for (Warning& warning : created->warnings) {
      result.warnings.push_back(std::move(warning));
    }
  }
  return result;
}

}  // namespace dsh
