// Tools for the SQLite store tests: a raw connection to a store file, for
// looking at it and changing it behind the store's back, and whole reads
// and writes on the pipes that forked test processes talk over.
#ifndef DSH_TESTS_STORE_SQLITE_TEST_SUPPORT_H_
#define DSH_TESTS_STORE_SQLITE_TEST_SUPPORT_H_

#include <sqlite3.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dsh::store_test {

// A plain connection to the store file, for looking at it and damaging it
// behind the store's back.
class RawFile {
 public:
  explicit RawFile(const std::string& path) {
    EXPECT_EQ(
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
    sqlite3_busy_timeout(db_, 10000);
  }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;
  ~RawFile() { sqlite3_close_v2(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // Every row of `sql`, each column as SQLite quotes it.
  std::string Rows(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr),
              SQLITE_OK)
        << sql;
    std::string out;
    while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const unsigned char* text = sqlite3_column_text(statement, i);
        absl::StrAppend(
            &out, text ? reinterpret_cast<const char*>(text) : "NULL", "|");
      }
      out += "\n";
    }
    sqlite3_finalize(statement);
    return out;
  }

  // The whole content of the store's tables, blobs as hex.
  std::string Dump() {
    return Rows(
               "SELECT id, name, sql_schema_name, sql_table_name, "
               "is_private, organization, healthy, health_message, disabled, "
               "created_at_ms, updated_at_ms, dictionary_read_at_ms, "
               "hex(details), hex(dictionary) FROM data_sources ORDER BY id") +
           Rows(
               "SELECT id, data_source_id, technology, connection_string, "
               "key_family, key_host, key_port, key_database, key_schema, "
               "key_table, hex(metadata) FROM handlers ORDER BY id") +
           Rows("SELECT name, seq FROM sqlite_sequence ORDER BY name") +
           Rows("SELECT id, last_change_id FROM change_counter");
  }

 private:
  sqlite3* db_ = nullptr;
};

// Writes or reads exactly `size` bytes; false when the pipe broke first.
inline bool WriteAll(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = write(fd, bytes, size);
    if (written <= 0) return false;
    bytes += written;
    size -= static_cast<size_t>(written);
  }
  return true;
}

inline bool ReadAll(int fd, void* data, size_t size) {
  char* bytes = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = read(fd, bytes, size);
    if (got <= 0) return false;
    bytes += got;
    size -= static_cast<size_t>(got);
  }
  return true;
}

}  // namespace dsh::store_test

#endif  // DSH_TESTS_STORE_SQLITE_TEST_SUPPORT_H_
