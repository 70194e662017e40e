// Where a registry keeps its handlers and data sources. A Store is the only
// thing that decides ids and the only thing that can see every registered
// table at once, so duplicate and name refusal happen inside its
// transactions.
#ifndef DSH_STORE_H_
#define DSH_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "dsh/export.h"
#include "dsh/model.h"

namespace dsh {

// A handler and its data source to be inserted together. Ids are left 0;
// the store assigns them.
struct NewDataSource {
  HandlerRecord handler;
  DataSourceRecord data_source;
};

// What became of one NewDataSource.
struct InsertOutcome {
  // Set when the entry was inserted.
  HandlerId handler_id = 0;
  DataSourceId data_source_id = 0;
  // Set instead when a handler with the same table key already existed; the
  // entry was skipped.
  std::optional<HandlerId> existing_handler_id;
};

// A replacement of one handler and, optionally, of its data source. Ids
// must be set; they are not changed.
struct HandlerUpdate {
  HandlerRecord handler;
  std::optional<DataSourceRecord> data_source;
};

// A dictionary read from the catalog, saved with its data source's health.
struct DictionaryUpdate {
  DataSourceId id = 0;
  std::vector<Column> dictionary;
  bool healthy = true;
  std::string health_message;
  std::int64_t read_at_ms = 0;
};

// Which handlers ListHandlers returns; every set field must match.
struct HandlerFilter {
  std::optional<Technology> technology;
  std::optional<std::string> connection_string;
  std::optional<std::vector<HandlerId>> ids;
};

// Thread-safe; several Store objects (and processes) may open the same
// SQLite file or PostgreSQL database at once.
class DSH_EXPORT Store {
 public:
  virtual ~Store() = default;

  // In one transaction: skips every entry whose table key is already
  // registered (reporting the existing handler), assigns ids to the rest and
  // inserts them. Fails with AlreadyExists, writing nothing, when a data
  // source name, or an (sql_schema_name, sql_table_name) pair, is taken;
  // the message names it. Outcomes come back in the order of `entries`.
  // When this returns OK the change is durable.
  virtual absl::StatusOr<std::vector<InsertOutcome>> InsertDataSources(
      absl::Span<const NewDataSource> entries) = 0;

  // NotFound when there is no such id.
  virtual absl::StatusOr<HandlerRecord> GetHandler(HandlerId id) = 0;
  virtual absl::StatusOr<DataSourceRecord> GetDataSource(DataSourceId id) = 0;

  // The handler registered for each key, or nullopt, in the order of `keys`.
  virtual absl::StatusOr<std::vector<std::optional<HandlerId>>> FindHandlers(
      absl::Span<const TableKey> keys) = 0;

  // Handlers matching `filter`, in id order, with their secrets.
  virtual absl::StatusOr<std::vector<HandlerRecord>> ListHandlers(
      const HandlerFilter& filter) = 0;

  // In one transaction, replaces every handler of `updates` (and the data
  // sources given with them). NotFound, writing nothing, when an id is
  // gone; AlreadyExists when a new table key belongs to another handler
  // (the message names it) or a new name is taken. When
  // `whole_connection` is set, the updates must cover exactly the handlers
  // whose connection string it is, else Aborted (someone changed the
  // connection meanwhile; retry). Returns a change id, strictly increasing
  // across calls and processes. Durable when it returns OK.
  virtual absl::StatusOr<std::int64_t> UpdateHandlers(
      absl::Span<const HandlerUpdate> updates,
      const std::optional<std::string>& whole_connection) = 0;

  // Saves refreshed dictionaries in one transaction, bumping each data
  // source's updated time. Ids that are gone are skipped, not an error: a
  // data source deleted while its table was read stays deleted.
  virtual absl::Status SaveDictionaries(
      absl::Span<const DictionaryUpdate> updates) = 0;

  // Sets or clears a data source's disabled flag. NotFound when absent.
  virtual absl::Status SetDisabled(DataSourceId id, bool disabled) = 0;

  // Removes a data source and its handler; their ids are never reused and
  // the table key is free again. NotFound when absent.
  virtual absl::StatusOr<DeleteResult> DeleteDataSource(DataSourceId id) = 0;

  // Replaces a data source's dictionary, health and read time, and bumps its
  // updated time. NotFound when there is no such data source.
  virtual absl::Status SaveDictionary(DataSourceId id,
                                      const std::vector<Column>& dictionary,
                                      bool healthy,
                                      std::int64_t read_at_ms) = 0;
};

// Nothing survives the process.
DSH_EXPORT std::unique_ptr<Store> NewMemoryStore();

// A SQLite file, created readable and writable by its owner only, in WAL
// mode with synchronous commits: an acknowledged change survives a crash.
DSH_EXPORT absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path);

}  // namespace dsh

#endif  // DSH_STORE_H_
