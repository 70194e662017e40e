// The SQLite store: one file, shared safely by every Store object and
// process that opens it. Searchable fields are columns with UNIQUE indexes
// that back up the checks InsertDataSources makes inside its write
// transaction; everything else is a blob in the store's own encoding
// (record_codec.h). docs/stores.md describes the schema and why the file
// is set up the way it is.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
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

namespace dsh {
namespace {

using store::SqliteConnection;
using store::SqliteStatement;
using store::SqliteTransaction;

// How long a call waits for another connection's write lock before it
// gives up with Unavailable. Writes are short (one fsync each), so a wait
// this long means something is stuck, not merely busy.
constexpr int kBusyTimeoutMs = 10000;

// PRAGMA application_id of a dsh store file ("dsh1"), so that a file
// belonging to something else is refused rather than written into.
constexpr std::int64_t kApplicationId = 0x64736831;

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
};
constexpr std::int64_t kSchemaVersion =
    sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kApplicationId == 1685284913);

constexpr char kFindKeySql[] =
    "SELECT id FROM handlers WHERE key_family = ?1 AND key_host = ?2 AND "
    "key_port = ?3 AND key_database = ?4 AND key_schema = ?5 AND "
    "key_table = ?6";
constexpr char kNameTakenSql[] = "SELECT 1 FROM data_sources WHERE name = ?1";
constexpr char kSqlNameTakenSql[] =
    "SELECT 1 FROM data_sources WHERE sql_schema_name = ?1 AND "
    "sql_table_name = ?2";
constexpr char kInsertDataSourceSql[] =
    "INSERT INTO data_sources (name, sql_schema_name, sql_table_name, "
    "is_private, organization, healthy, created_at_ms, updated_at_ms, "
    "dictionary_read_at_ms, details, dictionary) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id";
constexpr char kInsertHandlerSql[] =
    "INSERT INTO handlers (data_source_id, technology, connection_string, "
    "key_family, key_host, key_port, key_database, key_schema, key_table, "
    "metadata) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id";
constexpr char kGetHandlerSql[] =
    "SELECT id, data_source_id, technology, connection_string, key_family, "
    "key_host, key_port, key_database, key_schema, key_table, metadata "
    "FROM handlers WHERE id = ?1";
constexpr char kGetDataSourceSql[] =
    "SELECT d.id, h.id, d.name, d.sql_schema_name, d.sql_table_name, "
    "d.is_private, d.organization, d.healthy, d.created_at_ms, "
    "d.updated_at_ms, d.dictionary_read_at_ms, d.details, d.dictionary "
    "FROM data_sources AS d LEFT JOIN handlers AS h "
    "ON h.data_source_id = d.id WHERE d.id = ?1";
constexpr char kUpdatedAtSql[] =
    "SELECT updated_at_ms FROM data_sources WHERE id = ?1";
constexpr char kSaveDictionarySql[] =
    "UPDATE data_sources SET dictionary = ?2, healthy = ?3, "
    "dictionary_read_at_ms = ?4, updated_at_ms = ?5 WHERE id = ?1";

absl::Status FileError(const std::string& path, std::string_view doing,
                       int error) {
  const std::string message =
      absl::StrCat("SQLite store \"", path, "\": ", AsAbsl(doing), ": ",
                   std::strerror(error));
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ELOOP:
      // The path itself is wrong; trying again will not help.
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

// Serialises the create-then-close of new store files within the process.
// Closing any descriptor of a file drops every POSIX lock this process
// holds on it, so no SQLite connection may open the file while the
// creating descriptor is still open.
std::mutex& FileCreationMutex() {
  static std::mutex* const mutex = new std::mutex;
  return *mutex;
}

// Takes group and other permissions off an existing file.
absl::Status RestrictToOwner(const std::string& path, bool must_exist) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (!must_exist && errno == ENOENT) return absl::OkStatus();
    return FileError(path, "cannot read the file's permissions", errno);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SQLite store \"", path, "\": is not a regular file"));
  }
  if ((info.st_mode & 077) != 0 &&
      chmod(path.c_str(), info.st_mode & 0700) != 0) {
    return FileError(path, "cannot make the file private to its owner", errno);
  }
  return absl::OkStatus();
}

// Creates the store file with mode 0600 before SQLite sees it, since SQLite
// would create it with the process umask (often world-readable) and the
// file holds passwords. An existing file loses any group or other access.
absl::Status PrepareStoreFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(FileCreationMutex());
  const int fd =
      open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    // The umask may have taken bits away; the owner needs both.
    const int chmod_error = fchmod(fd, 0600) == 0 ? 0 : errno;
    close(fd);
    if (chmod_error != 0) {
      return FileError(path, "cannot set the new file's permissions",
                       chmod_error);
    }
    return absl::OkStatus();
  }
  if (errno != EEXIST) return FileError(path, "cannot create the file", errno);
  return RestrictToOwner(path, /*must_exist=*/true);
}

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

// Connection settings that SQLite does not keep in the file.
absl::Status Configure(SqliteConnection& db) {
  const int code = sqlite3_busy_timeout(db.db(), kBusyTimeoutMs);
  if (code != SQLITE_OK) return db.Error(code, "cannot set the busy timeout");

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

// Brings the schema up to kSchemaVersion inside one write transaction, so
// that processes opening a new file at once create it exactly once.
absl::Status Migrate(SqliteConnection& db) {
  absl::StatusOr<SqliteTransaction> transaction =
      SqliteTransaction::Begin(&db, SqliteTransaction::Mode::kImmediate);
  if (!transaction.ok()) return transaction.status();

  absl::StatusOr<std::int64_t> version =
      ReadInteger(db, "PRAGMA user_version", "cannot read the schema version");
  if (!version.ok()) return version.status();
  absl::StatusOr<std::int64_t> application =
      ReadInteger(db, "PRAGMA application_id", "cannot read the file's owner");
  if (!application.ok()) return application.status();
  absl::StatusOr<std::int64_t> objects = ReadInteger(
      db, "SELECT count(*) FROM sqlite_schema", "cannot read the schema");
  if (!objects.ok()) return objects.status();

  const bool foreign =
      *version == 0 ? *objects != 0 : *application != kApplicationId;
  if (foreign) {
    return absl::FailedPreconditionError(
        absl::StrCat("SQLite store \"", db.path(),
                     "\": is a SQLite database but not a dsh store"));
  }
  if (*version > kSchemaVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "SQLite store \"", db.path(), "\": has schema version ", *version,
        ", newer than the newest this build knows (", kSchemaVersion, ")"));
  }
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

// The columns of kGetHandlerSql.
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
  record.created_at_ms = row.Int(8);
  record.updated_at_ms = row.Int(9);
  record.dictionary_read_at_ms = row.Int(10);

  if (row.Type(11) != SQLITE_BLOB || row.Type(12) != SQLITE_BLOB) {
    return Corrupt(path, "data source", record.id, "a blob column is damaged");
  }
  absl::Status decoded = store::DecodeDataSourceDetails(row.Blob(11), &record);
  if (decoded.ok()) {
    decoded = store::DecodeDictionary(row.Blob(12), &record.dictionary);
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
    absl::StatusOr<SqliteStatement> select = db_->Prepare(kGetHandlerSql);
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
      absl::StatusOr<std::optional<HandlerId>> handler = FindKey(key);
      if (!handler.ok()) return handler.status();
      found.push_back(*handler);
    }
    const absl::Status ended = transaction->Commit();
    if (!ended.ok()) return ended;
    return found;
  }

  absl::Status SaveDictionary(DataSourceId id,
                              const std::vector<Column>& dictionary,
                              bool healthy, std::int64_t read_at_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    absl::StatusOr<SqliteTransaction> transaction = SqliteTransaction::Begin(
        db_.get(), SqliteTransaction::Mode::kImmediate);
    if (!transaction.ok()) return transaction.status();

    std::int64_t updated_at_ms = 0;
    {
      absl::StatusOr<SqliteStatement> select = db_->Prepare(kUpdatedAtSql);
      if (!select.ok()) return select.status();
      select->BindInt(1, id);
      absl::StatusOr<bool> row = select->Step("cannot read a data source");
      if (!row.ok()) return row.status();
      if (!*row) return store::DataSourceNotFound(id);
      updated_at_ms = select->Int(0);
    }

    absl::StatusOr<SqliteStatement> update = db_->Prepare(kSaveDictionarySql);
    if (!update.ok()) return update.status();
    update->BindInt(1, id);
    update->BindBlob(2, store::EncodeDictionary(dictionary));
    update->BindInt(3, healthy ? 1 : 0);
    update->BindInt(4, read_at_ms);
    update->BindInt(5, store::NextUpdateTime(updated_at_ms, store::NowMs()));
    const absl::Status saved = update->Run("cannot save a dictionary");
    if (!saved.ok()) return saved;
    return transaction->Commit();
  }

 private:
  absl::StatusOr<std::optional<HandlerId>> FindKey(const TableKey& key) {
    absl::StatusOr<SqliteStatement> select = db_->Prepare(kFindKeySql);
    if (!select.ok()) return select.status();
    BindKey(*select, 1, key);
    absl::StatusOr<bool> row = select->Step("cannot look up a table key");
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<HandlerId>();
    return std::optional<HandlerId>(select->Int(0));
  }

  // True when `sql` with `values` bound finds a row.
  absl::StatusOr<bool> Exists(const char* sql,
                              std::initializer_list<std::string_view> values) {
    absl::StatusOr<SqliteStatement> select = db_->Prepare(sql);
    if (!select.ok()) return select.status();
    int index = 1;
    for (std::string_view value : values) select->BindText(index++, value);
    return select->Step("cannot look up a name");
  }

  absl::Status InsertOne(const NewDataSource& entry, std::int64_t now_ms,
                         InsertOutcome* outcome) {
    if (entry.handler.key) {
      absl::StatusOr<std::optional<HandlerId>> existing =
          FindKey(*entry.handler.key);
      if (!existing.ok()) return existing.status();
      if (*existing) {
        outcome->existing_handler_id = *existing;
        return absl::OkStatus();
      }
    }

    DataSourceRecord data_source = entry.data_source;
    absl::StatusOr<bool> taken = Exists(kNameTakenSql, {data_source.name});
    if (!taken.ok()) return taken.status();
    if (*taken) return store::DataSourceNameTaken(data_source.name);
    taken = Exists(kSqlNameTakenSql,
                   {data_source.sql_schema_name, data_source.sql_table_name});
    if (!taken.ok()) return taken.status();
    if (*taken) {
      return store::SqlTableNameTaken(data_source.sql_schema_name,
                                      data_source.sql_table_name);
    }

    store::StampNewRecord(&data_source, now_ms);
    absl::StatusOr<std::int64_t> data_source_id = InsertDataSource(data_source);
    if (!data_source_id.ok()) return data_source_id.status();
    absl::StatusOr<std::int64_t> handler_id =
        InsertHandler(entry.handler, *data_source_id);
    if (!handler_id.ok()) return handler_id.status();
    outcome->handler_id = *handler_id;
    outcome->data_source_id = *data_source_id;
    return absl::OkStatus();
  }

  absl::StatusOr<std::int64_t> InsertDataSource(
      const DataSourceRecord& record) {
    absl::StatusOr<SqliteStatement> insert = db_->Prepare(kInsertDataSourceSql);
    if (!insert.ok()) return insert.status();
    insert->BindText(1, record.name);
    insert->BindText(2, record.sql_schema_name);
    insert->BindText(3, record.sql_table_name);
    insert->BindInt(4, record.is_private ? 1 : 0);
    insert->BindText(5, record.organization);
    insert->BindInt(6, record.healthy ? 1 : 0);
    insert->BindInt(7, record.created_at_ms);
    insert->BindInt(8, record.updated_at_ms);
    insert->BindInt(9, record.dictionary_read_at_ms);
    insert->BindBlob(10, store::EncodeDataSourceDetails(record));
    insert->BindBlob(11, store::EncodeDictionary(record.dictionary));
    return InsertedId(*insert, "cannot insert a data source");
  }

  absl::StatusOr<std::int64_t> InsertHandler(const HandlerRecord& handler,
                                             DataSourceId data_source_id) {
    absl::StatusOr<SqliteStatement> insert = db_->Prepare(kInsertHandlerSql);
    if (!insert.ok()) return insert.status();
    insert->BindInt(1, data_source_id);
    insert->BindText(2, TechnologyName(handler.technology));
    insert->BindText(3, handler.connection_string);
    BindKey(*insert, 4, handler.key);
    insert->BindBlob(10, store::EncodeHandlerMetadata(handler.metadata));
    return InsertedId(*insert, "cannot insert a handler");
  }

  // Reads the id an INSERT ... RETURNING id gives back.
  static absl::StatusOr<std::int64_t> InsertedId(SqliteStatement& insert,
                                                 std::string_view doing) {
    absl::StatusOr<bool> row = insert.Step(doing);
    if (!row.ok()) return row.status();
    if (!*row)
      return absl::InternalError(
          absl::StrCat(AsAbsl(doing), ": no id came back"));
    const std::int64_t id = insert.Int(0);
    // Finish the statement so that the row is written before the next one.
    const absl::Status done = insert.Run(doing);
    if (!done.ok()) return done;
    return id;
  }

  std::mutex mu_;
  std::unique_ptr<SqliteConnection> db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path) {
  absl::Status status = PrepareStoreFile(path);
  if (!status.ok()) return status;

  absl::StatusOr<std::unique_ptr<SqliteConnection>> db =
      SqliteConnection::Open(path);
  if (!db.ok()) return db.status();
  status = Configure(**db);
  if (status.ok()) status = Migrate(**db);

  // SQLite gives the -wal and -shm files the main file's mode; this makes
  // sure of it, since the WAL holds copies of recently written rows.
  if (status.ok()) status = RestrictToOwner(path + "-wal", false);
  if (status.ok()) status = RestrictToOwner(path + "-shm", false);
  if (!status.ok()) return status;
  return std::unique_ptr<Store>(new SqliteStore(std::move(*db)));
}

}  // namespace dsh
