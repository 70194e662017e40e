// The SQLite store: one file, shared safely by every Store object and
// process that opens it. Searchable fields are columns with UNIQUE indexes
// that back up the checks InsertDataSources and UpdateHandlers make inside
// their write transactions; everything else is a blob in the store's own
// encoding (record_codec.h). docs/stores.md describes the schema and why the
// file is set up the way it is.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/store.h"
#include "model/absl_compat.h"
#include "store/record_codec.h"
#include "store/record_rules.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_file.h"
#include "store/update_check.h"

namespace dsh {
namespace {

using store::kApplicationId;
using store::kBusyTimeoutMs;
using store::SqliteConnection;
using store::SqliteStatement;
using store::SqliteTransaction;

// Schema migrations: kMigrations[i] takes the file from version i to i + 1
// (PRAGMA user_version). A released step is never edited; a change of
// schema, or of the record encoding, is a new step appended here.
//
// AUTOINCREMENT makes SQLite remember the largest id ever given out
// (in sqlite_sequence), so that an id is never handed out again, even
// after the row holding the largest id is deleted.
constexpr const char* kMigrations[] = {
    // Version 1.
    R"sql(
CREATE TABLE data_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  sql_schema_name TEXT NOT NULL,
  sql_table_name TEXT NOT NULL,
  is_private INTEGER NOT NULL CHECK (is_private IN (0, 1)),
  organization TEXT NOT NULL,
  healthy INTEGER NOT NULL CHECK (healthy IN (0, 1)),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  dictionary_read_at_ms INTEGER NOT NULL,
  details BLOB NOT NULL,
  dictionary BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX data_sources_by_name ON data_sources (name);
CREATE UNIQUE INDEX data_sources_by_sql_name
  ON data_sources (sql_schema_name, sql_table_name);
CREATE TABLE handlers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data_source_id INTEGER NOT NULL UNIQUE
    REFERENCES data_sources (id) ON DELETE CASCADE,
  technology TEXT NOT NULL CHECK (technology IN ('redshift', 'postgresql')),
  connection_string TEXT NOT NULL,
  key_family TEXT CHECK (key_family IN ('redshift', 'postgresql')),
  key_host TEXT,
  key_port INTEGER,
  key_database TEXT,
  key_schema TEXT,
  key_table TEXT,
  metadata BLOB NOT NULL,
  CHECK ((key_family IS NULL) = (key_host IS NULL)
     AND (key_family IS NULL) = (key_port IS NULL)
     AND (key_family IS NULL) = (key_database IS NULL)
     AND (key_family IS NULL) = (key_schema IS NULL)
     AND (key_family IS NULL) = (key_table IS NULL))
) STRICT;
CREATE UNIQUE INDEX handlers_by_table_key ON handlers
  (key_family, key_host, key_port, key_database, key_schema, key_table);
CREATE INDEX handlers_by_connection ON handlers (connection_string);
PRAGMA application_id = 1685284913;
)sql",
    // Version 2: a data source's health message and disabled flag, and the
    // counter UpdateHandlers takes its change ids from. The counter is a
    // row, bumped inside each update's transaction, so that its ids
    // increase across every process sharing the file and a rolled-back
    // update gives none out.
    R"sql(
ALTER TABLE data_sources
  ADD COLUMN health_message TEXT NOT NULL DEFAULT '';
ALTER TABLE data_sources
  ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_change_id INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, last_change_id) VALUES (1, 0);
)sql",
};
constexpr std::int64_t kSchemaVersion =
    sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kApplicationId == 1685284913);

constexpr char kFindKeySql[] =
    "SELECT id FROM handlers WHERE key_family = ?1 AND key_host = ?2 AND "
    "key_port = ?3 AND key_database = ?4 AND key_schema = ?5 AND "
    "key_table = ?6";
constexpr char kNameHolderSql[] = "SELECT id FROM data_sources WHERE name = ?1";
constexpr char kSqlNameHolderSql[] =
    "SELECT id FROM data_sources WHERE sql_schema_name = ?1 AND "
    "sql_table_name = ?2";
// ?1, the id, is NULL for a new data source (SQLite then picks the next
// one) and the kept id when an update writes the row again.
constexpr char kInsertDataSourceSql[] =
    "INSERT INTO data_sources (id, name, sql_schema_name, sql_table_name, "
    "is_private, organization, healthy, health_message, disabled, "
    "created_at_ms, updated_at_ms, dictionary_read_at_ms, details, "
    "dictionary) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "RETURNING id";
// ?1 as above.
constexpr char kInsertHandlerSql[] =
    "INSERT INTO handlers (id, data_source_id, technology, "
    "connection_string, key_family, key_host, key_port, key_database, "
    "key_schema, key_table, metadata) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id";
constexpr char kHandlerColumns[] =
    "SELECT id, data_source_id, technology, connection_string, key_family, "
    "key_host, key_port, key_database, key_schema, key_table, metadata "
    "FROM handlers";
constexpr char kGetDataSourceSql[] =
    "SELECT d.id, h.id, d.name, d.sql_schema_name, d.sql_table_name, "
    "d.is_private, d.organization, d.healthy, d.health_message, d.disabled, "
    "d.created_at_ms, d.updated_at_ms, d.dictionary_read_at_ms, d.details, "
    "d.dictionary "
    "FROM data_sources AS d LEFT JOIN handlers AS h "
    "ON h.data_source_id = d.id WHERE d.id = ?1";
constexpr char kTimesSql[] =
    "SELECT created_at_ms, updated_at_ms FROM data_sources WHERE id = ?1";
constexpr char kSaveDictionarySql[] =
    "UPDATE data_sources SET dictionary = ?2, healthy = ?3, "
    "health_message = ?4, dictionary_read_at_ms = ?5, updated_at_ms = ?6 "
    "WHERE id = ?1";
constexpr char kSetDisabledSql[] =
    "UPDATE data_sources SET disabled = ?2, updated_at_ms = ?3 WHERE id = ?1";
constexpr char kSetUpdatedAtSql[] =
    "UPDATE data_sources SET updated_at_ms = ?2 WHERE id = ?1";
constexpr char kStoredHandlerSql[] =
    "SELECT data_source_id, connection_string FROM handlers WHERE id = ?1";
constexpr char kHandlersOfSql[] =
    "SELECT id FROM handlers WHERE connection_string = ?1";
constexpr char kDeleteHandlerSql[] = "DELETE FROM handlers WHERE id = ?1";
// The data source's handler goes with it (ON DELETE CASCADE).
constexpr char kDeleteDataSourceSql[] =
    "DELETE FROM data_sources WHERE id = ?1";
constexpr char kHandlerOfDataSourceSql[] =
    "SELECT d.id, h.id FROM data_sources AS d LEFT JOIN handlers AS h "
    "ON h.data_source_id = d.id WHERE d.id = ?1";
constexpr char kNextChangeIdSql[] =
    "UPDATE change_counter SET last_change_id = last_change_id + 1 "
    "WHERE id = 1 RETURNING last_change_id";

absl::StatusOr<std::int64_t> ReadInteger(SqliteConnection& db,
                                         const std::string& sql,
                                         std::string_view doing) {
  absl::StatusOr<SqliteStatement> statement = db.Prepare(sql);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step(doing);
  if (!row.ok()) return row.status();
  return *row ? statement->Int(0) : 0;
}

// Sets WAL mode and returns the mode the file is in afterwards. Switching
// needs the file to itself, and SQLite reports a conflict at once instead
// of calling the busy handler, so that case is retried here for as long as
// the busy timeout allows: processes opening a new file together all get
// in.
absl::StatusOr<std::string> SwitchToWal(SqliteConnection& db) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(kBusyTimeoutMs);
  while (true) {
    absl::StatusOr<SqliteStatement> pragma =
        db.Prepare("PRAGMA journal_mode=WAL");
    if (!pragma.ok()) return pragma.status();
    absl::StatusOr<bool> row = pragma->Step("cannot switch to WAL mode");
    if (row.ok()) return *row ? pragma->Text(0) : std::string();
    const int code = sqlite3_extended_errcode(db.db()) & 0xff;
    const bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
    if (!busy || std::chrono::steady_clock::now() >= deadline) {
      return row.status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Connection settings that SQLite does not keep in the file. Switching to
// WAL writes to it, so this comes after the file is known to be dsh's.
absl::Status Configure(SqliteConnection& db) {
  // WAL lets readers go on while a write commits, and several processes
  // share the file through its -shm index. The mode is kept in the file.
  absl::StatusOr<std::string> mode = SwitchToWal(db);
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return absl::UnavailableError(absl::StrCat(
        "SQLite store \"", db.path(), "\": cannot switch to WAL mode (", *mode,
        "); the file system may not support shared memory"));
  }

  // FULL syncs the WAL on every commit: without it, a commit acknowledged
  // just before a power cut may be lost. foreign_keys ties each handler to
  // its data source; secure_delete overwrites freed pages, which may have
  // held a password.
  return db.Exec(
      "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA secure_delete=ON;",
      "cannot configure the connection");
}

// Refuses the file unless it is empty or a dsh store this build can read,
// and returns its schema version. Runs inside the caller's transaction and
// writes nothing.
absl::StatusOr<std::int64_t> CheckOwner(SqliteConnection& db) {
  absl::StatusOr<std::int64_t> version =
      ReadInteger(db, "PRAGMA user_version", "cannot read the schema version");
  if (!version.ok()) return version.status();
  absl::StatusOr<std::int64_t> application =
      ReadInteger(db, "PRAGMA application_id", "cannot read the file's owner");
  if (!application.ok()) return application.status();
  absl::StatusOr<std::int64_t> objects = ReadInteger(
      db, "SELECT count(*) FROM sqlite_schema", "cannot read the schema");
  if (!objects.ok()) return objects.status();

  const store::FileOwner owner =
      store::JudgeOwner(*application, *version, *objects == 0, kSchemaVersion);
  const absl::Status refused =
      store::RefuseUnlessOurs(owner, db.path(), *version, kSchemaVersion);
  if (!refused.ok()) return refused;
  return owner == store::FileOwner::kNobody ? 0 : *version;
}

// For a file whose first page could not tell whose it is: SQLite reads
// the whole file as it stands (with its -wal or -journal) and decides,
// before anything is changed.
absl::Status CheckOwnerBeforeWriting(SqliteConnection& db) {
  absl::StatusOr<SqliteTransaction> transaction =
      SqliteTransaction::Begin(&db, SqliteTransaction::Mode::kDeferred);
  if (!transaction.ok()) return transaction.status();
  const absl::StatusOr<std::int64_t> version = CheckOwner(db);
  if (!version.ok()) return version.status();
  return transaction->Commit();
}

// Brings the schema up to kSchemaVersion inside one write transaction, so
// that processes opening a new file at once create it exactly once.
absl::Status Migrate(SqliteConnection& db) {
  absl::StatusOr<SqliteTransaction> transaction =
      SqliteTransaction::Begin(&db, SqliteTransaction::Mode::kImmediate);
  if (!transaction.ok()) return transaction.status();

  // The file was judged before it was opened; this sees it again under the
  // write lock, in case another process changed it since.
  const absl::StatusOr<std::int64_t> version = CheckOwner(db);
  if (!version.ok()) return version.status();
  if (*version == kSchemaVersion) return transaction->Commit();

  for (std::int64_t step = *version; step < kSchemaVersion; ++step) {
    const std::string doing =
        absl::StrCat("cannot upgrade the schema to version ", step + 1);
    const absl::Status applied = db.Exec(kMigrations[step], doing);
    if (!applied.ok()) return applied;
  }
  const absl::Status stamped =
      db.Exec(absl::StrCat("PRAGMA user_version = ", kSchemaVersion),
              "cannot record the schema version");
  if (!stamped.ok()) return stamped;
  return transaction->Commit();
}

absl::Status Corrupt(const std::string& path, std::string_view record,
                     std::int64_t id, std::string_view problem) {
  return absl::InternalError(absl::StrCat("SQLite store \"", path,
                                          "\": ", AsAbsl(record), " ", id, ": ",
                                          AsAbsl(problem)));
}

// The columns of kHandlerColumns.
absl::StatusOr<HandlerRecord> HandlerFromRow(const SqliteStatement& row,
                                             const std::string& path) {
  HandlerRecord handler;
  handler.id = row.Int(0);
  handler.data_source_id = row.Int(1);
  const std::optional<Technology> technology = ParseTechnology(row.Text(2));
  if (!technology)
    return Corrupt(path, "handler", handler.id, "unknown technology");
  handler.technology = *technology;
  handler.connection_string = row.Text(3);

  if (!row.IsNull(4)) {
    TableKey key;
    const std::optional<Technology> family = ParseTechnology(row.Text(4));
    const std::int64_t port = row.Int(6);
    if (!family || port < 0 || port > std::numeric_limits<int>::max()) {
      return Corrupt(path, "handler", handler.id, "damaged table key");
    }
    key.family = *family;
    key.host = row.Text(5);
    key.port = static_cast<int>(port);
    key.database = row.Text(7);
    key.schema = row.Text(8);
    key.table = row.Text(9);
    handler.key = std::move(key);
  }

  if (row.Type(10) != SQLITE_BLOB) {
    return Corrupt(path, "handler", handler.id, "metadata is not a blob");
  }
  const absl::Status decoded =
      store::DecodeHandlerMetadata(row.Blob(10), &handler.metadata);
  if (!decoded.ok()) {
    return Corrupt(path, "handler", handler.id, AsStd(decoded.message()));
  }
  return handler;
}

// The columns of kGetDataSourceSql.
absl::StatusOr<DataSourceRecord> DataSourceFromRow(const SqliteStatement& row,
                                                   const std::string& path) {
  DataSourceRecord record;
  record.id = row.Int(0);
  if (row.IsNull(1)) {
    return Corrupt(path, "data source", record.id, "has no handler");
  }
  record.handler_id = row.Int(1);
  record.name = row.Text(2);
  record.sql_schema_name = row.Text(3);
  record.sql_table_name = row.Text(4);
  record.is_private = row.Int(5) != 0;
  record.organization = row.Text(6);
  record.healthy = row.Int(7) != 0;
  record.health_message = row.Text(8);
  record.disabled = row.Int(9) != 0;
  record.created_at_ms = row.Int(10);
  record.updated_at_ms = row.Int(11);
  record.dictionary_read_at_ms = row.Int(12);

  if (row.Type(13) != SQLITE_BLOB || row.Type(14) != SQLITE_BLOB) {
    return Corrupt(path, "data source", record.id, "a blob column is damaged");
  }
  absl::Status decoded = store::DecodeDataSourceDetails(row.Blob(13), &record);
  if (decoded.ok()) {
    decoded = store::DecodeDictionary(row.Blob(14), &record.dictionary);
  }
  if (!decoded.ok()) {
    return Corrupt(path, "data source", record.id, AsStd(decoded.message()));
  }
  return record;
}

void BindKey(SqliteStatement& statement, int first,
             const std::optional<TableKey>& key) {
  if (!key) {
    for (int i = 0; i < 6; ++i) statement.BindNull(first + i);
    return;
  }
  statement.BindText(first, TechnologyName(key->family));
  statement.BindText(first + 1, key->host);
  statement.BindInt(first + 2, key->port);
  statement.BindText(first + 3, key->database);
  statement.BindText(first + 4, key->schema);
  statement.BindText(first + 5, key->table);
}

// The one integer column of the first row `select` gives, or nullopt when
// it gives none.
absl::StatusOr<std::optional<std::int64_t>> FirstId(SqliteStatement& select,
                                                    std::string_view doing) {
  absl::StatusOr<bool> row = select.Step(doing);
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(select.Int(0));
}

absl::StatusOr<std::optional<HandlerId>> FindKey(SqliteConnection& db,
                                                 const TableKey& key) {
  absl::StatusOr<SqliteStatement> select = db.Prepare(kFindKeySql);
  if (!select.ok()) return select.status();
  BindKey(*select, 1, key);
  return FirstId(*select, "cannot look up a table key");
}

// The id of the first row `sql` finds with `values` bound as text.
absl::StatusOr<std::optional<std::int64_t>> FindId(
    SqliteConnection& db, const char* sql,
    std::initializer_list<std::string_view> values) {
  absl::StatusOr<SqliteStatement> select = db.Prepare(sql);
  if (!select.ok()) return select.status();
  int index = 1;
  for (std::string_view value : values) select->BindText(index++, value);
  return FirstId(*select, "cannot look up a name");
}

// Runs `sql`, whose one parameter is `id`, to the end.
absl::Status RunWithId(SqliteConnection& db, const char* sql, std::int64_t id,
                       std::string_view doing) {
  absl::StatusOr<SqliteStatement> statement = db.Prepare(sql);
  if (!statement.ok()) return statement.status();
  statement->BindInt(1, id);
  return statement->Run(doing);
}

// Reads the id a statement ending in RETURNING gives back, and finishes the
// statement so that its row is written before the next one.
absl::StatusOr<std::int64_t> ReturnedId(SqliteStatement& statement,
                                        std::string_view doing) {
  absl::StatusOr<bool> row = statement.Step(doing);
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::InternalError(
        absl::StrCat(AsAbsl(doing), ": no id came back"));
  }
  const std::int64_t id = statement.Int(0);
  const absl::Status done = statement.Run(doing);
  if (!done.ok()) return done;
  return id;
}

struct StoredTimes {
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

// nullopt when there is no such data source.
absl::StatusOr<std::optional<StoredTimes>> ReadTimes(SqliteConnection& db,
                                                     DataSourceId id) {
  absl::StatusOr<SqliteStatement> select = db.Prepare(kTimesSql);
  if (!select.ok()) return select.status();
  select->BindInt(1, id);
  absl::StatusOr<bool> row = select->Step("cannot read a data source");
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<StoredTimes>();
  return std::optional<StoredTimes>(
      StoredTimes{select->Int(0), select->Int(1)});
}

// Writes `record` as a new row, with `id` when given and the next id the
// table has never given out otherwise. Returns the row's id.
absl::StatusOr<DataSourceId> WriteDataSource(SqliteConnection& db,
                                             const DataSourceRecord& record,
                                             std::optional<DataSourceId> id) {
  absl::StatusOr<SqliteStatement> insert = db.Prepare(kInsertDataSourceSql);
  if (!insert.ok()) return insert.status();
  if (id) {
    insert->BindInt(1, *id);
  } else {
    insert->BindNull(1);
  }
  insert->BindText(2, record.name);
  insert->BindText(3, record.sql_schema_name);
  insert->BindText(4, record.sql_table_name);
  insert->BindInt(5, record.is_private ? 1 : 0);
  insert->BindText(6, record.organization);
  insert->BindInt(7, record.healthy ? 1 : 0);
  insert->BindText(8, record.health_message);
  insert->BindInt(9, record.disabled ? 1 : 0);
  insert->BindInt(10, record.created_at_ms);
  insert->BindInt(11, record.updated_at_ms);
  insert->BindInt(12, record.dictionary_read_at_ms);
  insert->BindBlob(13, store::EncodeDataSourceDetails(record));
  insert->BindBlob(14, store::EncodeDictionary(record.dictionary));
  return ReturnedId(*insert, "cannot write a data source");
}

// The same for a handler of the data source `data_source_id`.
absl::StatusOr<HandlerId> WriteHandler(SqliteConnection& db,
                                       const HandlerRecord& handler,
                                       DataSourceId data_source_id,
                                       std::optional<HandlerId> id) {
  absl::StatusOr<SqliteStatement> insert = db.Prepare(kInsertHandlerSql);
  if (!insert.ok()) return insert.status();
  if (id) {
    insert->BindInt(1, *id);
  } else {
    insert->BindNull(1);
  }
  insert->BindInt(2, data_source_id);
  insert->BindText(3, TechnologyName(handler.technology));
  insert->BindText(4, handler.connection_string);
  BindKey(*insert, 5, handler.key);
  insert->BindBlob(11, store::EncodeHandlerMetadata(handler.metadata));
  return ReturnedId(*insert, "cannot write a handler");
}

// CheckHandlerUpdates' questions, answered by queries inside the caller's
// write transaction.
class SqliteLookups final : public store::UpdateLookups {
 public:
  explicit SqliteLookups(SqliteConnection& db) : db_(db) {}

  absl::StatusOr<std::optional<store::StoredHandler>> Handler(
      HandlerId id) override {
    absl::StatusOr<SqliteStatement> select = db_.Prepare(kStoredHandlerSql);
    if (!select.ok()) return select.status();
    select->BindInt(1, id);
    absl::StatusOr<bool> row = select->Step("cannot read a handler");
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<store::StoredHandler>();
    return std::optional<store::StoredHandler>(
        store::StoredHandler{id, select->Int(0), select->Text(1)});
  }

  absl::StatusOr<std::vector<HandlerId>> HandlersOf(
      const std::string& connection_string) override {
    absl::StatusOr<SqliteStatement> select = db_.Prepare(kHandlersOfSql);
    if (!select.ok()) return select.status();
    select->BindText(1, connection_string);
    std::vector<HandlerId> ids;
    while (true) {
      absl::StatusOr<bool> row =
          select->Step("cannot list the handlers of a connection");
      if (!row.ok()) return row.status();
      if (!*row) return ids;
      ids.push_back(select->Int(0));
    }
  }

  absl::StatusOr<std::optional<HandlerId>> KeyHolder(
      const TableKey& key) override {
    return FindKey(db_, key);
  }

  absl::StatusOr<std::optional<DataSourceId>> NameHolder(
      std::string_view name) override {
    return FindId(db_, kNameHolderSql, {name});
  }

  absl::StatusOr<std::optional<DataSourceId>> SqlNameHolder(
      std::string_view sql_schema_name,
      std::string_view sql_table_name) override {
    return FindId(db_, kSqlNameHolderSql, {sql_schema_name, sql_table_name});
  }

 private:
  SqliteConnection& db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<SqliteConnection> db)
      : db_(std::move(db)) {}

  absl::StatusOr<std::vector<InsertOutcome>> InsertDataSources(
      absl::Span<const NewDataSource> entries) override {
    std::lock_guard<std::mutex> lock(mu_);
    // IMMEDIATE takes the file's write lock before the first check, so no
    // other connection can register the same key or name between the
    // check and the insert.
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();

    // Earlier entries of this call are already inserted when later ones
    // are checked, so a repeat within the call is found like any other.
    const std::int64_t now_ms = store::NowMs();
    std::vector<InsertOutcome> outcomes(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      absl::Status inserted = InsertOne(entries[i], now_ms, &outcomes[i]);
      if (!inserted.ok()) return inserted;
    }

    const absl::Status committed = transaction->Commit();
    if (!committed.ok()) return committed;
    return outcomes;
  }

  absl::StatusOr<HandlerRecord> GetHandler(HandlerId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteStatement> select = db_->Prepare(HandlerByIdSql());
    if (!select.ok()) return select.status();
    select->BindInt(1, id);
    absl::StatusOr<bool> row = select->Step("cannot read a handler");
    if (!row.ok()) return row.status();
    if (!*row) return store::HandlerNotFound(id);
    return HandlerFromRow(*select, db_->path());
  }

  absl::StatusOr<DataSourceRecord> GetDataSource(DataSourceId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteStatement> select = db_->Prepare(kGetDataSourceSql);
    if (!select.ok()) return select.status();
    select->BindInt(1, id);
    absl::StatusOr<bool> row = select->Step("cannot read a data source");
    if (!row.ok()) return row.status();
    if (!*row) return store::DataSourceNotFound(id);
    return DataSourceFromRow(*select, db_->path());
  }

  absl::StatusOr<std::vector<std::optional<HandlerId>>> FindHandlers(
      absl::Span<const TableKey> keys) override {
    std::lock_guard<std::mutex> lock(mu_);
    // One snapshot for every key, so the answer is one moment's truth.
    absl::StatusOr<SqliteTransaction> transaction =
        SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred);
    if (!transaction.ok()) return transaction.status();
    std::vector<std::optional<HandlerId>> found;
    found.reserve(keys.size());
    for (const TableKey& key : keys) {
      absl::StatusOr<std::optional<HandlerId>> handler = FindKey(*db_, key);
      if (!handler.ok()) return handler.status();
      found.push_back(*handler);
    }
    const absl::Status ended = transaction->Commit();
    if (!ended.ok()) return ended;
    return found;
  }

  absl::StatusOr<std::vector<HandlerRecord>> ListHandlers(
      const HandlerFilter& filter) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction =
        SqliteTransaction::Begin(db_.get(), SqliteTransaction::Mode::kDeferred);
    if (!transaction.ok()) return transaction.status();
    absl::StatusOr<std::vector<HandlerRecord>> found =
        filter.ids ? ListByIds(*filter.ids, filter) : ListByFields(filter);
    if (!found.ok()) return found.status();
    const absl::Status ended = transaction->Commit();
    if (!ended.ok()) return ended;
    return found;
  }

  absl::StatusOr<std::int64_t> UpdateHandlers(
      absl::Span<const HandlerUpdate> updates,
      const std::optional<std::string>& whole_connection) override {
    std::lock_guard<std::mutex> lock(mu_);
    // The check and the writes share one write lock, so that a bulk change
    // sees exactly the handlers its connection has when it commits: an
    // insert on the connection lands wholly before (and the check fails)
    // or wholly after.
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();

    SqliteLookups lookups(*db_);
    absl::StatusOr<std::vector<store::StoredHandler>> stored =
        store::CheckHandlerUpdates(updates, whole_connection, lookups);
    if (!stored.ok()) return stored.status();
    const absl::Status applied = ApplyUpdates(updates, *stored);
    if (!applied.ok()) return applied;

    absl::StatusOr<SqliteStatement> next = db_->Prepare(kNextChangeIdSql);
    if (!next.ok()) return next.status();
    absl::StatusOr<std::int64_t> change_id =
        ReturnedId(*next, "cannot take a change id");
    if (!change_id.ok()) return change_id.status();

    const absl::Status committed = transaction->Commit();
    if (!committed.ok()) return committed;
    return *change_id;
  }

  absl::Status SaveDictionaries(
      absl::Span<const DictionaryUpdate> updates) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();
    const std::int64_t now_ms = store::NowMs();
    for (const DictionaryUpdate& update : updates) {
      absl::StatusOr<bool> saved = SaveOne(update, now_ms);
      if (!saved.ok()) return saved.status();
    }
    return transaction->Commit();
  }

  absl::Status SetDisabled(DataSourceId id, bool disabled) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();

    absl::StatusOr<std::optional<StoredTimes>> times = ReadTimes(*db_, id);
    if (!times.ok()) return times.status();
    if (!*times) return store::DataSourceNotFound(id);
    absl::StatusOr<SqliteStatement> update = db_->Prepare(kSetDisabledSql);
    if (!update.ok()) return update.status();
    update->BindInt(1, id);
    update->BindInt(2, disabled ? 1 : 0);
    update->BindInt(
        3, store::NextUpdateTime((*times)->updated_at_ms, store::NowMs()));
    const absl::Status set = update->Run("cannot set the disabled flag");
    if (!set.ok()) return set;
    return transaction->Commit();
  }

  absl::StatusOr<DeleteResult> DeleteDataSource(DataSourceId id) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();

    DeleteResult result;
    result.data_source_id = id;
    {
      absl::StatusOr<SqliteStatement> select =
          db_->Prepare(kHandlerOfDataSourceSql);
      if (!select.ok()) return select.status();
      select->BindInt(1, id);
      absl::StatusOr<bool> row = select->Step("cannot read a data source");
      if (!row.ok()) return row.status();
      if (!*row) return store::DataSourceNotFound(id);
      // A data source without a handler is damage; deleting it repairs
      // that, so it is not refused.
      result.handler_id = select->IsNull(1) ? 0 : select->Int(1);
    }
    // AUTOINCREMENT keeps both ids from being given out again.
    const absl::Status deleted = RunWithId(*db_, kDeleteDataSourceSql, id,
                                           "cannot delete a data source");
    if (!deleted.ok()) return deleted;
    const absl::Status committed = transaction->Commit();
    if (!committed.ok()) return committed;
    return result;
  }

  absl::Status SaveDictionary(DataSourceId id,
                              const std::vector<Column>& dictionary,
                              bool healthy, std::int64_t read_at_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();
    DictionaryUpdate update;
    update.id = id;
    update.dictionary = dictionary;
    update.healthy = healthy;
    update.read_at_ms = read_at_ms;
    absl::StatusOr<bool> saved = SaveOne(update, store::NowMs());
    if (!saved.ok()) return saved.status();
    if (!*saved) return store::DataSourceNotFound(id);
    return transaction->Commit();
  }

 private:
  static std::string HandlerByIdSql() {
    return absl::StrCat(kHandlerColumns, " WHERE id = ?1");
  }

  // Each id once, in id order; unknown ids are left out.
  absl::StatusOr<std::vector<HandlerRecord>> ListByIds(
      std::vector<HandlerId> ids, const HandlerFilter& filter) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    const std::string sql = HandlerByIdSql();
    std::vector<HandlerRecord> found;
    for (HandlerId id : ids) {
      absl::StatusOr<SqliteStatement> select = db_->Prepare(sql);
      if (!select.ok()) return select.status();
      select->BindInt(1, id);
      absl::StatusOr<bool> row = select->Step("cannot read a handler");
      if (!row.ok()) return row.status();
      if (!*row) continue;
      absl::StatusOr<HandlerRecord> handler =
          HandlerFromRow(*select, db_->path());
      if (!handler.ok()) return handler.status();
      if (filter.technology && handler->technology != *filter.technology) {
        continue;
      }
      if (filter.connection_string &&
          handler->connection_string != *filter.connection_string) {
        continue;
      }
      found.push_back(*std::move(handler));
    }
    return found;
  }

  // One query whose WHERE holds only the fields that are set, so that the
  // connection string index serves a bulk change's listing.
  absl::StatusOr<std::vector<HandlerRecord>> ListByFields(
      const HandlerFilter& filter) {
    std::string sql = kHandlerColumns;
    const char* glue = " WHERE ";
    if (filter.technology) {
      absl::StrAppend(&sql, glue, "technology = ?1");
      glue = " AND ";
    }
    if (filter.connection_string) {
      absl::StrAppend(&sql, glue, "connection_string = ?2");
    }
    absl::StrAppend(&sql, " ORDER BY id");

    absl::StatusOr<SqliteStatement> select = db_->Prepare(sql);
    if (!select.ok()) return select.status();
    if (filter.technology) {
      select->BindText(1, TechnologyName(*filter.technology));
    }
    if (filter.connection_string) {
      select->BindText(2, *filter.connection_string);
    }
    std::vector<HandlerRecord> found;
    while (true) {
      absl::StatusOr<bool> row = select->Step("cannot list handlers");
      if (!row.ok()) return row.status();
      if (!*row) return found;
      absl::StatusOr<HandlerRecord> handler =
          HandlerFromRow(*select, db_->path());
      if (!handler.ok()) return handler.status();
      found.push_back(*std::move(handler));
    }
  }

  // Writes checked updates. Every row the call rewrites is deleted before
  // any is written again with its old id, so that the UNIQUE indexes
  // (which SQLite checks row by row, never at commit) only ever see the
  // final keys and names: two updates may swap them.
  absl::Status ApplyUpdates(absl::Span<const HandlerUpdate> updates,
                            const std::vector<store::StoredHandler>& stored) {
    std::vector<StoredTimes> times;
    times.reserve(updates.size());
    for (const store::StoredHandler& handler : stored) {
      absl::StatusOr<std::optional<StoredTimes>> read =
          ReadTimes(*db_, handler.data_source_id);
      if (!read.ok()) return read.status();
      if (!*read) {
        return Corrupt(db_->path(), "handler", handler.id,
                       "its data source is missing");
      }
      times.push_back(**read);
    }

    for (size_t i = 0; i < updates.size(); ++i) {
      // A data source's row takes its handler's with it.
      const absl::Status deleted =
          updates[i].data_source
              ? RunWithId(*db_, kDeleteDataSourceSql, stored[i].data_source_id,
                          "cannot replace a data source")
              : RunWithId(*db_, kDeleteHandlerSql, stored[i].id,
                          "cannot replace a handler");
      if (!deleted.ok()) return deleted;
    }

    const std::int64_t now_ms = store::NowMs();
    for (size_t i = 0; i < updates.size(); ++i) {
      const std::int64_t updated_at_ms =
          store::NextUpdateTime(times[i].updated_at_ms, now_ms);
      absl::Status written;
      if (updates[i].data_source) {
        DataSourceRecord record = *updates[i].data_source;
        record.created_at_ms = times[i].created_at_ms;
        record.updated_at_ms = updated_at_ms;
        written =
            WriteDataSource(*db_, record, stored[i].data_source_id).status();
      } else {
        absl::StatusOr<SqliteStatement> touch = db_->Prepare(kSetUpdatedAtSql);
        if (!touch.ok()) return touch.status();
        touch->BindInt(1, stored[i].data_source_id);
        touch->BindInt(2, updated_at_ms);
        written = touch->Run("cannot stamp a data source");
      }
      if (written.ok()) {
        written = WriteHandler(*db_, updates[i].handler,
                               stored[i].data_source_id, stored[i].id)
                      .status();
      }
      if (!written.ok()) return written;
    }
    return absl::OkStatus();
  }

  // False when the data source is gone.
  absl::StatusOr<bool> SaveOne(const DictionaryUpdate& update,
                               std::int64_t now_ms) {
    absl::StatusOr<std::optional<StoredTimes>> times =
        ReadTimes(*db_, update.id);
    if (!times.ok()) return times.status();
    if (!*times) return false;
    absl::StatusOr<SqliteStatement> save = db_->Prepare(kSaveDictionarySql);
    if (!save.ok()) return save.status();
    save->BindInt(1, update.id);
    save->BindBlob(2, store::EncodeDictionary(update.dictionary));
    save->BindInt(3, update.healthy ? 1 : 0);
    save->BindText(4, update.health_message);
    save->BindInt(5, update.read_at_ms);
    save->BindInt(6, store::NextUpdateTime((*times)->updated_at_ms, now_ms));
    const absl::Status saved = save->Run("cannot save a dictionary");
    if (!saved.ok()) return saved;
    return true;
  }

  absl::Status InsertOne(const NewDataSource& entry, std::int64_t now_ms,
                         InsertOutcome* outcome) {
    if (entry.handler.key) {
      absl::StatusOr<std::optional<HandlerId>> existing =
          FindKey(*db_, *entry.handler.key);
      if (!existing.ok()) return existing.status();
      if (*existing) {
        outcome->existing_handler_id = *existing;
        return absl::OkStatus();
      }
    }

    DataSourceRecord data_source = entry.data_source;
    absl::StatusOr<std::optional<DataSourceId>> taken =
        FindId(*db_, kNameHolderSql, {data_source.name});
    if (!taken.ok()) return taken.status();
    if (*taken) return store::DataSourceNameTaken(data_source.name);
    taken = FindId(*db_, kSqlNameHolderSql,
                   {data_source.sql_schema_name, data_source.sql_table_name});
    if (!taken.ok()) return taken.status();
    if (*taken) {
      return store::SqlTableNameTaken(data_source.sql_schema_name,
                                      data_source.sql_table_name);
    }

    store::StampNewRecord(&data_source, now_ms);
    absl::StatusOr<DataSourceId> data_source_id =
        WriteDataSource(*db_, data_source, std::nullopt);
    if (!data_source_id.ok()) return data_source_id.status();
    absl::StatusOr<HandlerId> handler_id =
        WriteHandler(*db_, entry.handler, *data_source_id, std::nullopt);
    if (!handler_id.ok()) return handler_id.status();
    outcome->handler_id = *handler_id;
    outcome->data_source_id = *data_source_id;
    return absl::OkStatus();
  }

  std::mutex mu_;
  std::unique_ptr<SqliteConnection> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path) {
  // Nothing changes the file, its mode included, until it is known to be
  // new, empty, or a dsh store this build can read.
  absl::StatusOr<store::StoreFile> file =
      store::PrepareStoreFile(path, kSchemaVersion);
  if (!file.ok()) return file.status();

  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(path, file->name);
  if (!db.ok()) return db.status();
  const int code = sqlite3_busy_timeout((*db)->db(), kBusyTimeoutMs);
  absl::Status status = code == SQLITE_OK
                            ? absl::OkStatus()
                            : (*db)->Error(code, "cannot set the busy timeout");
  if (status.ok() && !file->judged) {
    status = CheckOwnerBeforeWriting(**db);
    if (status.ok()) status = store::RestrictToOwner(path, file->name, true);
  }
  if (status.ok()) status = Configure(**db);
  if (status.ok()) status = Migrate(**db);

  // SQLite gives the -wal and -shm files the main file's mode; this makes
  // sure of it, since the WAL holds copies of recently written rows.
  for (const char* suffix : {"-wal", "-shm"}) {
    const std::string name = absl::StrCat(file->name, suffix);
    if (status.ok()) status = store::RestrictToOwner(name, name, false);
  }
  if (!status.ok()) return status;
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db)));
}

}  // namespace dsh
