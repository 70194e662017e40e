#include "store/sqlite_connection.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "model/absl_compat.h"

namespace dsh::store {

std::string SqliteFileName(const std::string& path) {
  // A relative name gets "./", which no URI or special name starts with.
  return (!path.empty() && path.front() == '/') ? path
                                                : absl::StrCat("./", path);
}

absl::Status SqliteStatus(int code, std::string_view path,
                          std::string_view doing,
                          std::string_view sqlite_message) {
  const std::string message =
      absl::StrCat("SQLite store \"", AsAbsl(path), "\": ", AsAbsl(doing), ": ",
                   AsAbsl(sqlite_message));
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return absl::UnavailableError(message);
    case SQLITE_CONSTRAINT:
      // A UNIQUE index caught a taken key or name; any other constraint
      // failing means a record the store should never have built.
      if (code == SQLITE_CONSTRAINT_UNIQUE ||
          code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::InternalError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return absl::InternalError(
          absl::StrCat(message, " (the file is damaged or not a dsh store)"));
    default:
      return absl::InternalError(message);
  }
}

SqliteStatement::SqliteStatement(SqliteConnection* connection,
                                 sqlite3_stmt* statement)
    : connection_(connection), statement_(statement) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      bind_error_(other.bind_error_) {}

SqliteStatement::~SqliteStatement() {
  if (statement_ == nullptr) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void SqliteStatement::BindInt(int index, std::int64_t value) {
  const int code = sqlite3_bind_int64(statement_, index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = code;
}

void SqliteStatement::BindText(int index, std::string_view value) {
  // A null pointer would bind SQL NULL; an empty text must stay text.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int code = sqlite3_bind_text64(statement_, index, data, value.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_error_ == SQLITE_OK) bind_error_ = code;
}

void SqliteStatement::BindBlob(int index, std::string_view value) {
  // A zero-length blob still binds as a blob, never as NULL.
  const int code = value.empty()
                       ? sqlite3_bind_zeroblob(statement_, index, 0)
                       : sqlite3_bind_blob64(statement_, index, value.data(),
                                             value.size(), SQLITE_TRANSIENT);
  if (bind_error_ == SQLITE_OK) bind_error_ = code;
}

void SqliteStatement::BindNull(int index) {
  const int code = sqlite3_bind_null(statement_, index);
  if (bind_error_ == SQLITE_OK) bind_error_ = code;
}

absl::StatusOr<bool> SqliteStatement::Step(std::string_view doing) {
  if (bind_error_ != SQLITE_OK) {
    return SqliteStatus(bind_error_, connection_->path(), doing,
                        sqlite3_errstr(bind_error_));
  }
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return connection_->Error(code, doing);
}

absl::Status SqliteStatement::Run(std::string_view doing) {
  while (true) {
    absl::StatusOr<bool> row = Step(doing);
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

bool SqliteStatement::IsNull(int column) const {
  return Type(column) == SQLITE_NULL;
}

int SqliteStatement::Type(int column) const {
  return sqlite3_column_type(statement_, column);
}

std::int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string SqliteStatement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (text == nullptr || size <= 0) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

std::string_view SqliteStatement::Blob(int column) const {
  const void* blob = sqlite3_column_blob(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (blob == nullptr || size <= 0) return std::string_view();
  return std::string_view(static_cast<const char*>(blob),
                          static_cast<size_t>(size));
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, const std::string& file) {
  const std::string name = SqliteFileName(file);
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(
      name.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  if (code != SQLITE_OK) {
    const std::string message =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close_v2(db);
    return SqliteStatus(code, path, "cannot open the file", message);
  }
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db, path));
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

absl::Status SqliteConnection::Exec(const std::string& sql,
                                    std::string_view doing) {
  const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return Error(code, doing);
  return absl::OkStatus();
}

absl::StatusOr<SqliteStatement> SqliteConnection::Prepare(
    const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    const int code =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) {
      sqlite3_finalize(statement);
      return Error(code, "cannot prepare a statement");
    }
    it = statements_.emplace(sql, statement).first;
  }
  return SqliteStatement(this, it->second.get());
}

absl::Status SqliteConnection::Error(int code, std::string_view doing) const {
  return SqliteStatus(code, path_, doing, sqlite3_errmsg(db_));
}

absl::StatusOr<SqliteTransaction> SqliteTransaction::Begin(
    SqliteConnection* connection, Mode mode) {
  const absl::Status begun = connection->Exec(
      mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED",
      "cannot begin a transaction");
  if (!begun.ok()) return begun;
  return SqliteTransaction(connection);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept
    : connection_(other.connection_),
      open_(std::exchange(other.open_, false)) {}

SqliteTransaction::~SqliteTransaction() {
  // SQLite may already have rolled back after an I/O error; a second
  // rollback then fails harmlessly.
  if (open_ && !sqlite3_get_autocommit(connection_->db())) {
    sqlite3_exec(connection_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

absl::Status SqliteTransaction::Commit() {
  absl::Status committed =
      connection_->Exec("COMMIT", "cannot commit the transaction");
  if (committed.ok()) open_ = false;
  return committed;
}

}  // namespace dsh::store
