// What the PostgreSQL catalog tests share: databases loaded once per
// process and an independent reading of the catalog through psql.
#ifndef DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_
#define DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_

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

}  // namespace catalog_testing
}  // namespace dsh

#endif  // DSH_TESTS_CATALOG_CATALOG_TEST_SUPPORT_H_
