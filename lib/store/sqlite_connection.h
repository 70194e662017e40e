// Owning wrappers over the SQLite C API for the SQLite store: a connection
// that keeps its prepared statements, one use of a statement, and a
// transaction that rolls back unless committed. Every failure comes back as
// an absl::Status naming the store file. Nothing here is thread-safe; the
// store serialises calls on a connection.
#ifndef DSH_LIB_STORE_SQLITE_CONNECTION_H_
#define DSH_LIB_STORE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dsh::store {

// How long a call waits for another connection's lock before it gives up
// with Unavailable. Writes are short (one fsync each), so a wait this long
// means something is stuck, not merely busy.
inline constexpr int kBusyTimeoutMs = 10000;

// The name to give SQLite for the file `path`, so that it is always read
// as a plain path: with URI names compiled in, "file:..." would be parsed
// as a URI, and ":memory:" would open no file at all.
std::string SqliteFileName(const std::string& path);

// The status for SQLite result code `code` met while `doing` something on
// the store file `path`. Busy, locked, I/O, full-disk and permission
// failures are Unavailable (the caller may retry); a corrupt file or one
// that is not a database is Internal; a UNIQUE constraint is
// AlreadyExists. `code` may be an extended result code. The message names
// the file.
absl::Status SqliteStatus(int code, std::string_view path,
                          std::string_view doing,
                          std::string_view sqlite_message);

class SqliteConnection;

// One use of a prepared statement: bind, step, read columns. When it goes,
// the statement is reset and its bindings cleared, so that it holds no
// read lock and keeps no copy of a bound password.
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection* connection, sqlite3_stmt* statement);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters count from 1. A failed bind is reported by the next Step.
  void BindInt(int index, std::int64_t value);
  void BindText(int index, std::string_view value);
  void BindBlob(int index, std::string_view value);
  void BindNull(int index);

  // True when a row is ready to read, false when the statement is done.
  absl::StatusOr<bool> Step(std::string_view doing);

  // Steps to the end, for statements that return no rows.
  absl::Status Run(std::string_view doing);

  // Columns of the current row count from 0.
  bool IsNull(int column) const;
  int Type(int column) const;
  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  // Valid until the next Step or until this object goes.
  std::string_view Blob(int column) const;

 private:
  SqliteConnection* connection_;
  sqlite3_stmt* statement_;
  int bind_error_ = SQLITE_OK;
};

// An open database connection, closed when it goes.
class SqliteConnection {
 public:
  // Opens the existing file `file` for reading and writing (never
  // creating it: the caller creates it with the permissions it wants).
  // `path` is what the caller was given, named in every message; `file` is
  // the same file, or the one `path` links to. Both are file names, never
  // URIs or ":memory:".
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, const std::string& file);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  const std::string& path() const { return path_; }
  sqlite3* db() const { return db_; }

  // Runs statements that return nothing the caller needs (schema,
  // pragmas that set, transaction control).
  absl::Status Exec(const std::string& sql, std::string_view doing);

  // `sql` prepared once per connection and kept for later calls. The
  // statement must be used by one caller at a time.
  absl::StatusOr<SqliteStatement> Prepare(const std::string& sql);

  // The status for `code` with this connection's last error message.
  absl::Status Error(int code, std::string_view doing) const;

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const {
      sqlite3_finalize(statement);
    }
  };

  SqliteConnection(sqlite3* db, std::string path)
      : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  absl::flat_hash_map<std::string,
                      std::unique_ptr<sqlite3_stmt, StatementDeleter>>
      statements_;
};

// A transaction, rolled back when it goes uncommitted, so that every early
// return of a failing operation leaves the file as it was.
class SqliteTransaction {
 public:
  enum class Mode {
    // Takes the write lock at once: a write transaction never has to
    // upgrade a read snapshot, which in WAL mode fails without waiting.
    kImmediate,
    // A read snapshot.
    kDeferred,
  };

  static absl::StatusOr<SqliteTransaction> Begin(SqliteConnection* connection,
                                                 Mode mode);

  SqliteTransaction(SqliteTransaction&& other) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  absl::Status Commit();

 private:
  explicit SqliteTransaction(SqliteConnection* connection)
      : connection_(connection) {}

  SqliteConnection* connection_;
  bool open_ = true;
};

}  // namespace dsh::store

#endif  // DSH_LIB_STORE_SQLITE_CONNECTION_H_
