// The memory store: a map per record kind and an index per uniqueness rule,
// behind one mutex. It follows the same rules as the SQLite store (the
// shared tests run against both) and keeps nothing past the process.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "dsh/store.h"
#include "model/absl_compat.h"
#include "store/record_rules.h"
#include "store/update_check.h"

namespace dsh {
namespace {

using SqlName = std::pair<std::string, std::string>;

SqlName SqlNameOf(const DataSourceRecord& record) {
  return {record.sql_schema_name, record.sql_table_name};
}

class MemoryStore final : public Store {
 public:
  absl::StatusOr<std::vector<InsertOutcome>> InsertDataSources(
      absl::Span<const NewDataSource> entries) override {
    std::lock_guard<std::mutex> lock(mu_);

    // Decide every entry before changing anything, so that a refused call
    // leaves the store exactly as it was.
    std::vector<InsertOutcome> outcomes(entries.size());
    absl::flat_hash_map<TableKey, HandlerId> keys_of_call;
    absl::flat_hash_set<std::string> names_of_call;
    absl::flat_hash_set<SqlName> sql_names_of_call;
    HandlerId next_handler_id = last_handler_id_;
    DataSourceId next_data_source_id = last_data_source_id_;
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::optional<TableKey>& key = entries[i].handler.key;
      if (key) {
        std::optional<HandlerId> existing = FindKey(*key);
        if (!existing) {
          auto it = keys_of_call.find(*key);
          if (it != keys_of_call.end()) existing = it->second;
        }
        if (existing) {
          outcomes[i].existing_handler_id = existing;
          continue;
        }
      }

      const DataSourceRecord& data_source = entries[i].data_source;
      if (names_.contains(data_source.name) ||
          !names_of_call.insert(data_source.name).second) {
        return store::DataSourceNameTaken(data_source.name);
      }
      const SqlName sql_name = SqlNameOf(data_source);
      if (sql_names_.contains(sql_name) ||
          !sql_names_of_call.insert(sql_name).second) {
        return store::SqlTableNameTaken(sql_name.first, sql_name.second);
      }

      outcomes[i].handler_id = ++next_handler_id;
      outcomes[i].data_source_id = ++next_data_source_id;
      if (key) keys_of_call.emplace(*key, outcomes[i].handler_id);
    }

    const std::int64_t now_ms = store::NowMs();
    for (size_t i = 0; i < entries.size(); ++i) {
      if (outcomes[i].existing_handler_id) continue;
      Add(entries[i], outcomes[i], now_ms);
    }
    last_handler_id_ = next_handler_id;
    last_data_source_id_ = next_data_source_id;
    return outcomes;
  }

  absl::StatusOr<HandlerRecord> GetHandler(HandlerId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = handlers_.find(id);
    if (it == handlers_.end()) return store::HandlerNotFound(id);
    return it->second;
  }

  absl::StatusOr<DataSourceRecord> GetDataSource(DataSourceId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_sources_.find(id);
    if (it == data_sources_.end()) return store::DataSourceNotFound(id);
    return it->second;
  }

  absl::StatusOr<std::vector<std::optional<HandlerId>>> FindHandlers(
      absl::Span<const TableKey> keys) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::optional<HandlerId>> found;
    found.reserve(keys.size());
    for (const TableKey& key : keys) found.push_back(FindKey(key));
    return found;
  }

  absl::StatusOr<std::vector<HandlerRecord>> ListHandlers(
      const HandlerFilter& filter) override {
    std::optional<absl::flat_hash_set<HandlerId>> wanted;
    if (filter.ids) wanted.emplace(filter.ids->begin(), filter.ids->end());
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<HandlerRecord> found;
    for (const auto& [id, handler] : handlers_) {
      if (filter.technology && handler.technology != *filter.technology) {
        continue;
      }
      if (filter.connection_string &&
          handler.connection_string != *filter.connection_string) {
        continue;
      }
      if (wanted && !wanted->contains(id)) continue;
      found.push_back(handler);
    }
    return found;
  }

  absl::StatusOr<std::int64_t> UpdateHandlers(
      absl::Span<const HandlerUpdate> updates,
      const std::optional<std::string>& whole_connection) override {
    std::lock_guard<std::mutex> lock(mu_);
    Lookups lookups(*this);
    absl::StatusOr<std::vector<store::StoredHandler>> stored =
        store::CheckHandlerUpdates(updates, whole_connection, lookups);
    if (!stored.ok()) return stored.status();

    // Every old key and name of the call goes before any new one comes,
    // so that two updates may swap them.
    for (size_t i = 0; i < updates.size(); ++i) {
      const HandlerRecord& old = handlers_.at(updates[i].handler.id);
      if (old.key) keys_.erase(*old.key);
      if (updates[i].data_source) {
        Unindex(data_sources_.at((*stored)[i].data_source_id));
      }
    }

    const std::int64_t now_ms = store::NowMs();
    for (size_t i = 0; i < updates.size(); ++i) {
      Replace(updates[i], (*stored)[i], now_ms);
    }
    return ++last_change_id_;
  }

  absl::Status SaveDictionaries(
      absl::Span<const DictionaryUpdate> updates) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::int64_t now_ms = store::NowMs();
    for (const DictionaryUpdate& update : updates) Save(update, now_ms);
    return absl::OkStatus();
  }

  absl::Status SetDisabled(DataSourceId id, bool disabled) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_sources_.find(id);
    if (it == data_sources_.end()) return store::DataSourceNotFound(id);
    DataSourceRecord& record = it->second;
    record.disabled = disabled;
    record.updated_at_ms =
        store::NextUpdateTime(record.updated_at_ms, store::NowMs());
    return absl::OkStatus();
  }

  absl::StatusOr<DeleteResult> DeleteDataSource(DataSourceId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_sources_.find(id);
    if (it == data_sources_.end()) return store::DataSourceNotFound(id);
    DeleteResult result;
    result.data_source_id = id;
    result.handler_id = it->second.handler_id;
    Unindex(it->second);
    data_sources_.erase(it);
    auto handler = handlers_.find(result.handler_id);
    if (handler != handlers_.end()) {
      if (handler->second.key) keys_.erase(*handler->second.key);
      handlers_.erase(handler);
    }
    return result;
  }

  absl::Status SaveDictionary(DataSourceId id,
                              const std::vector<Column>& dictionary,
                              bool healthy, std::int64_t read_at_ms) override {
    DictionaryUpdate update;
    update.id = id;
    update.dictionary = dictionary;
    update.healthy = healthy;
    update.read_at_ms = read_at_ms;
    std::lock_guard<std::mutex> lock(mu_);
    if (!Save(update, store::NowMs())) return store::DataSourceNotFound(id);
    return absl::OkStatus();
  }

 private:
  std::optional<HandlerId> FindKey(const TableKey& key) const {
    auto it = keys_.find(key);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }

  void Add(const NewDataSource& entry, const InsertOutcome& outcome,
           std::int64_t now_ms) {
    HandlerRecord handler = entry.handler;
    handler.id = outcome.handler_id;
    handler.data_source_id = outcome.data_source_id;
    DataSourceRecord data_source = entry.data_source;
    data_source.id = outcome.data_source_id;
    data_source.handler_id = outcome.handler_id;
    store::StampNewRecord(&data_source, now_ms);

    if (handler.key) keys_.emplace(*handler.key, handler.id);
    Index(data_source);
    handlers_.emplace(handler.id, std::move(handler));
    data_sources_.emplace(data_source.id, std::move(data_source));
  }

  // False when the data source is gone.
  bool Save(const DictionaryUpdate& update, std::int64_t now_ms) {
    auto it = data_sources_.find(update.id);
    if (it == data_sources_.end()) return false;
    DataSourceRecord& record = it->second;
    record.dictionary = update.dictionary;
    record.healthy = update.healthy;
    record.health_message = update.health_message;
    record.dictionary_read_at_ms = update.read_at_ms;
    record.updated_at_ms = store::NextUpdateTime(record.updated_at_ms, now_ms);
    return true;
  }

  // Writes one checked update. The old keys and names of the whole call
  // are already out of the indexes.
  void Replace(const HandlerUpdate& update, const store::StoredHandler& stored,
               std::int64_t now_ms) {
    HandlerRecord handler = update.handler;
    handler.data_source_id = stored.data_source_id;
    if (handler.key) keys_.emplace(*handler.key, handler.id);
    handlers_[handler.id] = std::move(handler);

    DataSourceRecord& record = data_sources_.at(stored.data_source_id);
    const std::int64_t updated_at_ms =
        store::NextUpdateTime(record.updated_at_ms, now_ms);
    if (update.data_source) {
      const std::int64_t created_at_ms = record.created_at_ms;
      record = *update.data_source;
      record.id = stored.data_source_id;
      record.handler_id = stored.id;
      record.created_at_ms = created_at_ms;
      Index(record);
    }
    record.updated_at_ms = updated_at_ms;
  }

  void Index(const DataSourceRecord& record) {
    names_.emplace(record.name, record.id);
    sql_names_.emplace(SqlNameOf(record), record.id);
  }

  void Unindex(const DataSourceRecord& record) {
    names_.erase(record.name);
    sql_names_.erase(SqlNameOf(record));
  }

  // CheckHandlerUpdates' questions, answered from the maps. Used with mu_
  // held.
  class Lookups final : public store::UpdateLookups {
   public:
    explicit Lookups(const MemoryStore& store) : store_(store) {}

    absl::StatusOr<std::optional<store::StoredHandler>> Handler(
        HandlerId id) override {
      auto it = store_.handlers_.find(id);
      if (it == store_.handlers_.end()) {
        return std::optional<store::StoredHandler>();
      }
      return std::optional<store::StoredHandler>(store::StoredHandler{
          id, it->second.data_source_id, it->second.connection_string});
    }

    absl::StatusOr<std::vector<HandlerId>> HandlersOf(
        const std::string& connection_string) override {
      std::vector<HandlerId> ids;
      for (const auto& [id, handler] : store_.handlers_) {
        if (handler.connection_string == connection_string) ids.push_back(id);
      }
      return ids;
    }

    absl::StatusOr<std::optional<HandlerId>> KeyHolder(
        const TableKey& key) override {
      return store_.FindKey(key);
    }

    absl::StatusOr<std::optional<DataSourceId>> NameHolder(
        std::string_view name) override {
      auto it = store_.names_.find(AsAbsl(name));
      if (it == store_.names_.end()) return std::optional<DataSourceId>();
      return std::optional<DataSourceId>(it->second);
    }

    absl::StatusOr<std::optional<DataSourceId>> SqlNameHolder(
        std::string_view sql_schema_name,
        std::string_view sql_table_name) override {
      auto it = store_.sql_names_.find(
          SqlName(std::string(sql_schema_name), std::string(sql_table_name)));
      if (it == store_.sql_names_.end()) return std::optional<DataSourceId>();
      return std::optional<DataSourceId>(it->second);
    }

   private:
    const MemoryStore& store_;
  };

  std::mutex mu_;
  HandlerId last_handler_id_ = 0;
  DataSourceId last_data_source_id_ = 0;
  std::map<HandlerId, HandlerRecord> handlers_;
  std::map<DataSourceId, DataSourceRecord> data_sources_;
  absl::flat_hash_map<TableKey, HandlerId> keys_;
  std::int64_t last_change_id_ = 0;
  absl::flat_hash_map<std::string, DataSourceId> names_;
  absl::flat_hash_map<SqlName, DataSourceId> sql_names_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace dsh
