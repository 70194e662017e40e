// What the PostgreSQL catalog tests share: databases loaded once per
// process and an independent reading of the catalog through psql.
#ifndef DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_
#define DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_

#include <ios>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dsh/catalog.h"
#include "tests/support/postgres_server.h"

namespace dsh {

// Readable failure messages for the catalog's value types.
void PrintTo(const TableRef& table, std::ostream* os);
void PrintTo(const Column& column, std::ostream* os);

namespace catalog_testing {

// A column as a test expects it.
Column Col(std::string name, std::string remote_type, std::string data_type,
           bool nullable = true, bool primary_key = false);

// Creates `database` on `server` and runs each SQL file in it, once per
// process and server; later calls return the first outcome.
absl::Status LoadOnce(const testing::PostgresServer& server,
                      const std::string& database,
                      const std::vector<std::string>& files);

// Every table, partitioned table, view, materialized view and foreign table
// outside the system schemas of `database`, with its columns as psql
// reports them through pg_attribute and pg_constraint (a path the catalog
// does not take), format_type printed with search_path = pg_catalog.
struct PsqlRelation {
  TableRef name;
  char kind = 'r';
  std::vector<Column> columns;  // data_type left empty.
};
absl::StatusOr<std::vector<PsqlRelation>> RelationsPerPsql(
    const testing::PostgresServer& server, const std::string& database);

// Connects to `database` on `server`, failing the test when it cannot.
std::unique_ptr<Catalog> ConnectOrDie(const testing::PostgresServer& server,
                                      const std::string& database);

// The size of the server log now, and the log from `from` on.
std::streamoff LogSize(const testing::PostgresServer& server);
std::string LogSince(const testing::PostgresServer& server,
                     std::streamoff from);

// The statements logged for `database` (which needs log_statement = all)
// in `log`, each as its first line.
std::vector<std::string> LoggedStatements(const std::string& log,
                                          const std::string& database);

// The process ids of the server's backends serving dsh catalogs in
// `database`, sorted; empty on error (which fails the test).
std::vector<std::string> DshBackends(const testing::PostgresServer& server,
                                     const std::string& database);

// Waits up to ten seconds for DshBackends to have `count` entries (a
// backend leaves pg_stat_activity a moment after its client hangs up),
// and returns the last answer.
std::vector<std::string> WaitForDshBackends(
    const testing::PostgresServer& server, const std::string& database,
    size_t count);

// Ends every dsh backend in `database` with pg_terminate_backend.
absl::Status TerminateDshBackends(const testing::PostgresServer& server,
                                  const std::string& database);

}  // namespace catalog_testing
}  // namespace dsh

#endif  // DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_
