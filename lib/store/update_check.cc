#include "store/update_check.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"
#include "store/record_rules.h"

namespace dsh::store {
namespace {

using SqlName = std::pair<std::string, std::string>;

absl::Status RepeatedHandler(HandlerId id) {
  return absl::InvalidArgumentError(
      absl::StrCat("handler ", id, " appears more than once in one update"));
}

absl::Status WrongLink(HandlerId id, std::string_view field, std::int64_t given,
                       std::int64_t stored) {
  return absl::InvalidArgumentError(absl::StrCat(
      "handler ", id, ": the update gives ", AsAbsl(field), " ", given,
      " but the stored one is ", stored, "; an update cannot change ids"));
}

absl::Status NotCovered(const std::string& connection_string, HandlerId id) {
  return absl::AbortedError(absl::StrCat(
      "handler ", id, " has connection \"", connection_string,
      "\" but is not among the updates; the connection changed meanwhile, "
      "read its handlers again"));
}

absl::Status NotOfConnection(const std::string& connection_string,
                             HandlerId id) {
  return absl::AbortedError(absl::StrCat(
      "handler ", id, " is among the updates but no longer has connection \"",
      connection_string,
      "\" (it is gone or has moved); the connection changed meanwhile, read "
      "its handlers again"));
}

// Aborted unless the ids of `updates` are exactly the handlers of the
// connection. Both sides are compared sorted, so the first difference
// found is the lowest id that differs.
absl::Status CheckCoverage(absl::Span<const HandlerUpdate> updates,
                           const std::string& connection_string,
                           UpdateLookups& lookups) {
  absl::StatusOr<std::vector<HandlerId>> current =
      lookups.HandlersOf(connection_string);
  if (!current.ok()) return current.status();
  std::vector<HandlerId> wanted;
  wanted.reserve(updates.size());
  for (const HandlerUpdate& update : updates) {
    wanted.push_back(update.handler.id);
  }
  std::sort(current->begin(), current->end());
  std::sort(wanted.begin(), wanted.end());

  auto have = current->begin();
  auto want = wanted.begin();
  while (have != current->end() || want != wanted.end()) {
    if (want == wanted.end() || (have != current->end() && *have < *want)) {
      return NotCovered(connection_string, *have);
    }
    if (have == current->end() || *want < *have) {
      return NotOfConnection(connection_string, *want);
    }
    ++have;
    ++want;
  }
  return absl::OkStatus();
}

absl::Status CheckLinks(const HandlerUpdate& update,
                        const StoredHandler& stored) {
  const HandlerRecord& handler = update.handler;
  if (handler.data_source_id != 0 &&
      handler.data_source_id != stored.data_source_id) {
    return WrongLink(handler.id, "data source id", handler.data_source_id,
                     stored.data_source_id);
  }
  if (!update.data_source) return absl::OkStatus();
  const DataSourceRecord& data_source = *update.data_source;
  if (data_source.id != 0 && data_source.id != stored.data_source_id) {
    return WrongLink(handler.id, "data source id", data_source.id,
                     stored.data_source_id);
  }
  if (data_source.handler_id != 0 && data_source.handler_id != handler.id) {
    return WrongLink(handler.id, "data source handler id",
                     data_source.handler_id, handler.id);
  }
  return absl::OkStatus();
}

// AlreadyExists unless every new key is free once the call is applied:
// not held by a handler outside the call, nor given to two updates.
absl::Status CheckKeys(absl::Span<const HandlerUpdate> updates,
                       const absl::flat_hash_set<HandlerId>& updated,
                       UpdateLookups& lookups) {
  absl::flat_hash_map<TableKey, HandlerId> keys_of_call;
  for (const HandlerUpdate& update : updates) {
    const HandlerRecord& handler = update.handler;
    if (!handler.key) continue;
    auto [it, inserted] = keys_of_call.emplace(*handler.key, handler.id);
    if (!inserted) {
      return TableAlreadyRegistered(handler.id, *handler.key, it->second);
    }
    absl::StatusOr<std::optional<HandlerId>> holder =
        lookups.KeyHolder(*handler.key);
    if (!holder.ok()) return holder.status();
    if (*holder && !updated.contains(**holder)) {
      return TableAlreadyRegistered(handler.id, *handler.key, **holder);
    }
  }
  return absl::OkStatus();
}

// The same for the names of the data sources the call replaces.
absl::Status CheckNames(absl::Span<const HandlerUpdate> updates,
                        const std::vector<StoredHandler>& stored,
                        UpdateLookups& lookups) {
  absl::flat_hash_set<DataSourceId> replaced;
  for (size_t i = 0; i < updates.size(); ++i) {
    if (updates[i].data_source) replaced.insert(stored[i].data_source_id);
  }

  absl::flat_hash_set<std::string> names_of_call;
  absl::flat_hash_set<SqlName> sql_names_of_call;
  for (const HandlerUpdate& update : updates) {
    if (!update.data_source) continue;
    const DataSourceRecord& data_source = *update.data_source;

    absl::StatusOr<std::optional<DataSourceId>> holder =
        lookups.NameHolder(data_source.name);
    if (!holder.ok()) return holder.status();
    if ((*holder && !replaced.contains(**holder)) ||
        !names_of_call.insert(data_source.name).second) {
      return DataSourceNameTaken(data_source.name);
    }

    holder = lookups.SqlNameHolder(data_source.sql_schema_name,
                                   data_source.sql_table_name);
    if (!holder.ok()) return holder.status();
    if ((*holder && !replaced.contains(**holder)) ||
        !sql_names_of_call
             .emplace(data_source.sql_schema_name, data_source.sql_table_name)
             .second) {
      return SqlTableNameTaken(data_source.sql_schema_name,
                               data_source.sql_table_name);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<StoredHandler>> CheckHandlerUpdates(
    absl::Span<const HandlerUpdate> updates,
    const std::optional<std::string>& whole_connection,
    UpdateLookups& lookups) {
  absl::flat_hash_set<HandlerId> updated;
  for (const HandlerUpdate& update : updates) {
    if (!updated.insert(update.handler.id).second) {
      return RepeatedHandler(update.handler.id);
    }
  }

  if (whole_connection) {
    const absl::Status covered =
        CheckCoverage(updates, *whole_connection, lookups);
    if (!covered.ok()) return covered;
  }

  std::vector<StoredHandler> stored;
  stored.reserve(updates.size());
  for (const HandlerUpdate& update : updates) {
    absl::StatusOr<std::optional<StoredHandler>> found =
        lookups.Handler(update.handler.id);
    if (!found.ok()) return found.status();
    if (!*found) return HandlerNotFound(update.handler.id);
    const absl::Status linked = CheckLinks(update, **found);
    if (!linked.ok()) return linked;
    stored.push_back(std::move(**found));
  }

  absl::Status free = CheckKeys(updates, updated, lookups);
  if (free.ok()) free = CheckNames(updates, stored, lookups);
  if (!free.ok()) return free;
  return stored;
}

}  // namespace dsh::store
