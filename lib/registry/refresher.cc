#include "registry/refresher.h"

#include <chrono>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dsh/error.h"
#include "identity/table_key.h"
#include "model/absl_compat.h"
#include "registry/change_detection.h"
#include "registry/dictionary.h"

namespace dsh::registry {
namespace {

RefreshOutcome FailedOutcome(const HandlerRecord& handler,
                             const absl::Status& status) {
  RefreshOutcome outcome;
  outcome.handler_id = handler.id;
  outcome.data_source_id = handler.data_source_id;
  outcome.error_code = std::string(ErrorCodeName(status));
  outcome.error_message = std::string(status.message());
  return outcome;
}

std::string Where(const HandlerRecord& handler) {
  return absl::StrCat(
      QuotedTableName(handler.metadata.schema, handler.metadata.table), " on ",
      handler.connection_string);
}

}  // namespace

ConnectionIdentity IdentityOf(const ConnectionSettings& s) {
  return {s.technology, s.host,     s.port, s.database,
          s.username,   s.password, s.ssl,  s.ca_bundle_pem};
}

std::int64_t NowMs() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
}

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
  // The host as the payload spells it may carry white space, a trailing
  // dot or IPv6 brackets, none of which libpq takes; aliases are not
  // applied, since an alias may be the only name that reaches the server.
  settings.host = identity::CanonicalHost(metadata.hostname, {});
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

Refresher::Refresher(Store& store, std::shared_ptr<CatalogConnector> catalogs,
                     const RegistryOptions& options)
    : store_(store), catalogs_(std::move(catalogs)), options_(options) {}

std::vector<RefreshOutcome> Refresher::Refresh(
    const std::vector<HandlerRecord>& handlers, const Progress& progress) {
  // Claim the handlers nobody else is reading; wait for the others.
  std::vector<const HandlerRecord*> owned;
  std::vector<std::size_t> owned_at;
  std::vector<std::promise<RefreshOutcome>> promises;
  std::vector<std::pair<std::size_t, std::shared_future<RefreshOutcome>>>
      waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < handlers.size(); ++i) {
      const auto found = in_flight_.find(handlers[i].id);
      if (found != in_flight_.end()) {
        waiting.emplace_back(i, found->second);
        continue;
      }
      promises.emplace_back();
      in_flight_.emplace(handlers[i].id, promises.back().get_future().share());
      owned.push_back(&handlers[i]);
      owned_at.push_back(i);
    }
  }

  std::vector<RefreshOutcome> read = ReadAndSave(owned, progress);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = 0; i < owned.size(); ++i) {
      promises[i].set_value(read[i]);
      in_flight_.erase(owned[i]->id);
    }
  }

  std::vector<RefreshOutcome> outcomes(handlers.size());
  for (std::size_t i = 0; i < owned.size(); ++i) {
    outcomes[owned_at[i]] = std::move(read[i]);
  }
  for (auto& [index, future] : waiting) outcomes[index] = future.get();
  return outcomes;
}

std::vector<RefreshOutcome> Refresher::ReadAndSave(
    const std::vector<const HandlerRecord*>& handlers,
    const Progress& progress) {
  std::vector<RefreshOutcome> outcomes(handlers.size());
  std::map<ConnectionIdentity, Group> groups;
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    ConnectionSettings settings =
        SettingsFor(handlers[i]->technology, handlers[i]->metadata, options_);
    Group& group = groups[IdentityOf(settings)];
    if (group.members.empty()) group.settings = std::move(settings);
    group.members.push_back(i);
  }

  std::vector<DictionaryUpdate> updates;
  std::vector<std::size_t> updated;  // Outcome index of each update.
  std::size_t done = 0;
  for (const auto& [identity, group] : groups) {
    ReadGroup(group, handlers, outcomes, updates, updated);
    done += group.members.size();
    if (progress) progress(done, handlers.size());
  }

  const absl::Status saved = store_.SaveDictionaries(updates);
  if (!saved.ok()) {
    const absl::Status failed =
        Annotate(saved, "saving refreshed dictionaries");
    for (std::size_t index : updated) {
      outcomes[index] = FailedOutcome(*handlers[index], failed);
    }
  }
  return outcomes;
}

void Refresher::ReadGroup(const Group& group,
                          const std::vector<const HandlerRecord*>& handlers,
                          std::vector<RefreshOutcome>& outcomes,
                          std::vector<DictionaryUpdate>& updates,
                          std::vector<std::size_t>& updated) {
  const HandlerRecord& first = *handlers[group.members.front()];
  auto fail_all = [&](const absl::Status& status) {
    options_.logger.Log(
        LogLevel::kWarning,
        absl::StrCat("refresh of ", group.members.size(), " data sources on ",
                     first.connection_string, " failed: ", status.message()));
    for (std::size_t index : group.members) {
      outcomes[index] = FailedOutcome(*handlers[index], status);
    }
  };

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      catalogs_->Connect(group.settings);
  if (!catalog.ok()) {
    return fail_all(
        Annotate(catalog.status(),
                 absl::StrCat("connecting to ", first.connection_string)));
  }
  std::vector<TableRef> refs;
  for (std::size_t index : group.members) {
    refs.push_back(
        {handlers[index]->metadata.schema, handlers[index]->metadata.table});
  }
  absl::StatusOr<std::vector<TableDescription>> tables =
      (*catalog)->DescribeTables(refs);
  if (tables.ok() && tables->size() != refs.size()) {
    tables = absl::InternalError(
        absl::StrCat("the catalog answered ", tables->size(),
                     " descriptions for ", refs.size(), " tables"));
  }
  if (!tables.ok()) {
    return fail_all(Annotate(
        tables.status(),
        absl::StrCat("reading the catalog of ", first.connection_string)));
  }

  const std::int64_t now = NowMs();
  for (std::size_t k = 0; k < group.members.size(); ++k) {
    const std::size_t index = group.members[k];
    const HandlerRecord& handler = *handlers[index];
    const TableDescription& table = (*tables)[k];
    RefreshOutcome& outcome = outcomes[index];
    outcome.handler_id = handler.id;
    outcome.data_source_id = handler.data_source_id;

    absl::StatusOr<DataSourceRecord> source =
        store_.GetDataSource(handler.data_source_id);
    if (!source.ok()) {
      outcome = FailedOutcome(handler, source.status());
      continue;
    }
    DictionaryUpdate update;
    update.id = source->id;
    update.read_at_ms = now;
    if (absl::IsNotFound(table.status)) {
      // The table is gone: say so, keep what the data source had.
      outcome.healthy = false;
      update.healthy = false;
      update.health_message = absl::StrCat(Where(handler),
                                           " no longer exists; the data "
                                           "source keeps its dictionary");
      update.dictionary = source->dictionary;
      outcome.warnings.push_back({"table_missing", "", update.health_message});
      options_.logger.Log(LogLevel::kWarning,
                          absl::StrCat("data source ", source->id, ": ",
                                       update.health_message));
    } else if (!table.status.ok()) {
      outcome = FailedOutcome(
          handler,
          Annotate(table.status, absl::StrCat("reading ", Where(handler))));
      continue;
    } else {
      BuiltDictionary built = BuildDictionary(handler.technology, table,
                                              handler.metadata.columns, "");
      DictionaryDiff diff = DiffDictionaries(source->dictionary, built.columns);
      outcome.changes = std::move(diff.changes);
      outcome.warnings = std::move(built.warnings);
      update.dictionary = std::move(diff.dictionary);
      if (!outcome.changes.empty()) {
        options_.logger.Log(
            LogLevel::kInfo,
            absl::StrCat("data source ", source->id, " (", Where(handler),
                         "): ", outcome.changes.size(), " column changes"));
      }
    }
    updates.push_back(std::move(update));
    updated.push_back(index);
  }
}

}  // namespace dsh::registry
