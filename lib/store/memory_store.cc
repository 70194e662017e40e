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
#include "store/record_rules.h"

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

  absl::Status SaveDictionary(DataSourceId id,
                              const std::vector<Column>& dictionary,
                              bool healthy, std::int64_t read_at_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = data_sources_.find(id);
    if (it == data_sources_.end()) return store::DataSourceNotFound(id);
    DataSourceRecord& record = it->second;
    record.dictionary = dictionary;
    record.healthy = healthy;
    record.dictionary_read_at_ms = read_at_ms;
    record.updated_at_ms =
        store::NextUpdateTime(record.updated_at_ms, store::NowMs());
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
    names_.insert(data_source.name);
    sql_names_.insert(SqlNameOf(data_source));
    handlers_.emplace(handler.id, std::move(handler));
    data_sources_.emplace(data_source.id, std::move(data_source));
  }

  std::mutex mu_;
  HandlerId last_handler_id_ = 0;
  DataSourceId last_data_source_id_ = 0;
  std::map<HandlerId, HandlerRecord> handlers_;
  std::map<DataSourceId, DataSourceRecord> data_sources_;
  absl::flat_hash_map<TableKey, HandlerId> keys_;
  absl::flat_hash_set<std::string> names_;
  absl::flat_hash_set<SqlName> sql_names_;
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore() {
  return std::make_unique<MemoryStore>();
}

}  // namespace dsh
