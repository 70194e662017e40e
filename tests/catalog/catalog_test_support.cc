#include "tests/catalog/catalog_test_support.h"

#include <chrono>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace dsh {

void PrintTo(const TableRef& table, std::ostream* os) {
  *os << '"' << table.schema << "\".\"" << table.table << '"';
}

void PrintTo(const Column& column, std::ostream* os) {
  *os << "{" << column.name << ", \"" << column.remote_type << "\" -> "
      << column.data_type << (column.nullable ? "" : ", not null")
      << (column.primary_key ? ", key" : "") << "}";
}

namespace catalog_testing {

Column Col(std::string name, std::string remote_type, std::string data_type,
           bool nullable, bool primary_key) {
  Column column;
  column.name = std::move(name);
  column.remote_type = std::move(remote_type);
  column.data_type = std::move(data_type);
  column.nullable = nullable;
  column.primary_key = primary_key;
  return column;
}

absl::Status LoadOnce(const testing::PostgresServer& server,
                      const std::string& database,
                      const std::vector<std::string>& files) {
  static std::mutex mutex;
  static auto* loaded =
      new std::map<std::pair<const testing::PostgresServer*, std::string>,
                   absl::Status>();
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_pair(&server, database);
  const auto found = loaded->find(key);
  if (found != loaded->end()) return found->second;

  absl::Status status = server.CreateDatabase(database);
  for (const std::string& file : files) {
    if (!status.ok()) break;
    status = server.RunSqlFile(database, file);
  }
  loaded->emplace(key, status);
  return status;
}

absl::StatusOr<std::vector<PsqlRelation>> RelationsPerPsql(
    const testing::PostgresServer& server, const std::string& database) {
  absl::StatusOr<std::vector<std::vector<std::string>>> rows = server.Query(
      database,
      "SET search_path = pg_catalog;"
      "SELECT n.nspname, c.relname, c.relkind, a.attname,"
      "       pg_catalog.format_type(a.atttypid, a.atttypmod),"
      "       a.attnotnull,"
      "       coalesce(a.attnum = ANY (pk.conkey), false)"
      "  FROM pg_catalog.pg_class c"
      "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      "  LEFT JOIN pg_catalog.pg_attribute a"
      "    ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
      "  LEFT JOIN pg_catalog.pg_constraint pk"
      "    ON pk.conrelid = c.oid AND pk.contype = 'p'"
      " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
      "   AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
      "   AND n.nspname NOT LIKE 'pg\\_toast%'"
      " ORDER BY n.nspname, c.relname, a.attnum");
  if (!rows.ok()) return rows.status();

  std::vector<PsqlRelation> relations;
  for (const std::vector<std::string>& row : *rows) {
    if (row.size() != 7) {
      return absl::InternalError("psql returned a row of the wrong width");
    }
    TableRef name{row[0], row[1]};
    if (relations.empty() || !(relations.back().name == name)) {
      relations.push_back({name, row[2].empty() ? '?' : row[2][0], {}});
    }
    if (row[3].empty()) continue;  // A relation with no columns.
    relations.back().columns.push_back(
        Col(row[3], row[4], "", row[5] != "t", row[6] == "t"));
  }
  return relations;
}

std::unique_ptr<Catalog> ConnectOrDie(const testing::PostgresServer& server,
                                      const std::string& database) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(server.Settings(database));
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? *std::move(catalog) : nullptr;
}

std::streamoff LogSize(const testing::PostgresServer& server) {
  std::ifstream log(server.log_path(), std::ios::ate);
  return log.tellg();
}

std::string LogSince(const testing::PostgresServer& server,
                     std::streamoff from) {
  std::ifstream log(server.log_path());
  log.seekg(from);
  return std::string(std::istreambuf_iterator<char>(log), {});
}

std::vector<std::string> LoggedStatements(const std::string& log,
                                          const std::string& database) {
  std::vector<std::string> statements;
  const std::string who = absl::StrCat(" postgres@", database, " ");
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, who) &&
        (absl::StrContains(line, "LOG:  statement: ") ||
         absl::StrContains(line, "LOG:  execute "))) {
      statements.emplace_back(line);
    }
  }
  return statements;
}

namespace {

// `text` as a SQL string literal.
std::string Literal(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

}  // namespace

std::vector<std::string> DshBackends(const testing::PostgresServer& server,
                                     const std::string& database) {
  absl::StatusOr<std::vector<std::vector<std::string>>> rows = server.Query(
      "postgres",
      absl::StrCat("SELECT pid FROM pg_catalog.pg_stat_activity"
                   " WHERE datname = ",
                   Literal(database),
                   " AND application_name = 'dsh' ORDER BY pid::text"));
  EXPECT_TRUE(rows.ok()) << rows.status();
  std::vector<std::string> pids;
  if (!rows.ok()) return pids;
  for (const std::vector<std::string>& row : *rows) pids.push_back(row[0]);
  return pids;
}

std::vector<std::string> WaitForDshBackends(
    const testing::PostgresServer& server, const std::string& database,
    size_t count) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<std::string> pids = DshBackends(server, database);
  while (pids.size() != count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pids = DshBackends(server, database);
  }
  return pids;
}

absl::Status TerminateDshBackends(const testing::PostgresServer& server,
                                  const std::string& database) {
  return server.RunSql(
      "postgres",
      absl::StrCat("SELECT pg_catalog.pg_terminate_backend(pid)"
                   "  FROM pg_catalog.pg_stat_activity"
                   " WHERE datname = ",
                   Literal(database), " AND application_name = 'dsh'"));
}

}  // namespace catalog_testing
}  // namespace dsh
