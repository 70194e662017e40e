// What the PostgreSQL catalog reports when the database changes under it
// or refuses it: relations dropped or renamed between two calls, and a
// login without privileges, on a server whose logins need a password.
// Lost sessions and timeouts are in postgres_catalog_test.cc and
// catalog_pool_test.cc.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/catalog_test_support.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::catalog_testing::Col;
using ::dsh::catalog_testing::ConnectOrDie;
using ::dsh::testing::PostgresServer;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class CatalogChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.ok()) << "PostgreSQL 15 is needed: " << server.status();
    server_ = *server;
  }

  // A new database holding `sql`, and a catalog on it.
  std::unique_ptr<Catalog> Fresh(const std::string& database,
                                 const std::string& sql) {
    EXPECT_TRUE(server_->CreateDatabase(database).ok());
    EXPECT_TRUE(server_->RunSql(database, sql).ok());
    return ConnectOrDie(*server_, database);
  }

  PostgresServer* server_ = nullptr;
};

TEST_F(CatalogChangeTest, ATableDroppedAfterListingIsNotFoundAlone) {
  std::unique_ptr<Catalog> catalog = Fresh("dropping",
                                           "CREATE SCHEMA s;"
                                           "CREATE TABLE s.a (x integer);"
                                           "CREATE TABLE s.b (y integer);"
                                           "CREATE TABLE s.c (z integer)");
  ASSERT_NE(catalog, nullptr);
  absl::StatusOr<std::vector<TableRef>> listed =
      catalog->ListTables(std::vector<std::string>{"s"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_THAT(*listed, ElementsAre(TableRef{"s", "a"}, TableRef{"s", "b"},
                                   TableRef{"s", "c"}));
  ASSERT_TRUE(server_->RunSql("dropping", "DROP TABLE s.b").ok());

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables(*listed);

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_THAT((*described)[0].columns,
              ElementsAre(Col("x", "integer", "integer")));
  EXPECT_EQ((*described)[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT((*described)[1].status.message(), HasSubstr("\"s\".\"b\""));
  EXPECT_THAT((*described)[2].columns,
              ElementsAre(Col("z", "integer", "integer")));
}

TEST_F(CatalogChangeTest, ARenamedSchemaIsNotFoundByItsOldName) {
  std::unique_ptr<Catalog> catalog =
      Fresh("renaming",
            "CREATE SCHEMA old_name;"
            "CREATE TABLE old_name.t (id integer PRIMARY KEY)");
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->DescribeTables({{"old_name", "t"}}).ok());
  ASSERT_TRUE(
      server_->RunSql("renaming", "ALTER SCHEMA old_name RENAME TO new_name")
          .ok());

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"old_name", "t"}, {"new_name", "t"}});
  absl::StatusOr<std::vector<TableRef>> listed =
      catalog->ListTables(std::vector<std::string>{"old_name"});

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ((*described)[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*described)[1].resolved, (TableRef{"new_name", "t"}));
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());
}

TEST_F(CatalogChangeTest, SeesAColumnAddedBetweenTwoCalls) {
  std::unique_ptr<Catalog> catalog =
      Fresh("altering", "CREATE TABLE public.t (id integer)");
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->DescribeTables({{"public", "t"}}).ok());
  ASSERT_TRUE(server_
                  ->RunSql("altering",
                           "ALTER TABLE public.t ADD COLUMN note varchar(10)")
                  .ok());

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"public", "t"}});

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_THAT((*described)[0].columns,
              ElementsAre(Col("id", "integer", "integer"),
                          Col("note", "character varying(10)", "text")));
}

// A server of its own whose logins need a password, with a login that
// owns nothing and is granted nothing.
class PrivilegeTest : public ::testing::Test {
 protected:
  static constexpr char kPassword[] = "admin-canary-Zr8";
  static constexpr char kReaderPassword[] = "reader-canary-Kd2'x";

  static void SetUpTestSuite() {
    PostgresServer::Options options;
    options.password = kPassword;
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();
    const absl::Status setup = server_->RunSql(
        "postgres",
        "CREATE ROLE reader LOGIN PASSWORD 'reader-canary-Kd2''x';"
        "CREATE SCHEMA secret;"
        "CREATE TABLE secret.payroll ("
        "  employee_id integer PRIMARY KEY,"
        "  salary numeric(10,2) NOT NULL);"
        "REVOKE ALL ON SCHEMA secret FROM PUBLIC;"
        "REVOKE ALL ON secret.payroll FROM PUBLIC");
    ASSERT_TRUE(setup.ok()) << setup;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static ConnectionSettings Reader(const std::string& database) {
    ConnectionSettings settings = server_->Settings(database);
    settings.username = "reader";
    settings.password = kReaderPassword;
    return settings;
  }

  static PostgresServer* server_;
};

PostgresServer* PrivilegeTest::server_ = nullptr;

// pg_catalog is readable by every login, so a table whose data a login
// may not select is still found and described: the catalog reports what
// exists, not what the login may read.
TEST_F(PrivilegeTest, DescribesATableTheLoginMayNotRead) {
  ASSERT_FALSE(
      server_
          ->RunSql("postgres", "SET ROLE reader; SELECT * FROM secret.payroll")
          .ok());
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(Reader("postgres"));
  ASSERT_TRUE(catalog.ok()) << catalog.status();

  absl::StatusOr<std::vector<TableDescription>> described =
      (*catalog)->DescribeTables({{"secret", "payroll"}});
  absl::StatusOr<std::vector<TableRef>> listed =
      (*catalog)->ListTables(std::vector<std::string>{"secret"});

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_THAT((*described)[0].columns,
              ElementsAre(Col("employee_id", "integer", "integer", false, true),
                          Col("salary", "numeric(10,2)", "decimal", false)));
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(TableRef{"secret", "payroll"}));
}

// A database that closes its catalog to ordinary logins refuses the read;
// that is PermissionDenied, and the login's password stays out of it.
TEST_F(PrivilegeTest, ReportsACatalogClosedToTheLoginAsPermissionDenied) {
  ASSERT_TRUE(server_->CreateDatabase("locked").ok());
  ASSERT_TRUE(server_
                  ->RunSql("locked",
                           "CREATE TABLE public.t (id integer);"
                           "REVOKE SELECT ON pg_catalog.pg_class FROM PUBLIC")
                  .ok());
  absl::StatusOr<std::unique_ptr<Catalog>> reader =
      NewPostgresCatalogConnector()->Connect(Reader("locked"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::unique_ptr<Catalog>> owner =
      NewPostgresCatalogConnector()->Connect(server_->Settings("locked"));
  ASSERT_TRUE(owner.ok()) << owner.status();

  const absl::Status described =
      (*reader)->DescribeTables({{"public", "t"}}).status();
  const absl::Status listed =
      (*reader)->ListTables(std::vector<std::string>{"public"}).status();

  EXPECT_EQ(described.code(), absl::StatusCode::kPermissionDenied) << described;
  EXPECT_THAT(
      std::string(described.message()),
      AllOf(HasSubstr(absl::StrCat("127.0.0.1:", server_->port(), "/locked")),
            HasSubstr("pg_class"), Not(HasSubstr("canary"))));
  EXPECT_EQ(listed.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE((*owner)->DescribeTables({{"public", "t"}}).ok());
}

TEST_F(PrivilegeTest, APooledSessionNeverServesAWrongPassword) {
  std::shared_ptr<CatalogConnector> pool =
      NewPooledCatalogConnector(NewPostgresCatalogConnector());
  absl::StatusOr<std::unique_ptr<Catalog>> right =
      pool->Connect(Reader("postgres"));
  ASSERT_TRUE(right.ok()) << right.status();
  ASSERT_TRUE((*right)->DescribeTables({{"secret", "payroll"}}).ok());
  right->reset();  // Parked, logged in as reader.

  ConnectionSettings wrong = Reader("postgres");
  wrong.password = "wrong-canary-Lm5";
  absl::StatusOr<std::unique_ptr<Catalog>> refused = pool->Connect(wrong);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()),
              Not(HasSubstr("canary")));
  EXPECT_TRUE(pool->Connect(Reader("postgres")).ok());
}

}  // namespace
}  // namespace dsh
