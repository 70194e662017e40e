// The PostgreSQL catalog against a real server: tests/catalog/awkward.sql
// for names, types and relation kinds, then round trips, timeouts and every
// way a connection can fail.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dsh/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/catalog_test_support.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::catalog_testing::Col;
using ::dsh::catalog_testing::ConnectOrDie;
using ::dsh::catalog_testing::LoadOnce;
using ::dsh::catalog_testing::LoggedStatements;
using ::dsh::catalog_testing::LogSince;
using ::dsh::catalog_testing::LogSize;
using ::dsh::catalog_testing::PsqlRelation;
using ::dsh::catalog_testing::RelationsPerPsql;
using ::dsh::testing::PostgresServer;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kAwkwardSql =
    std::string(DSH_SOURCE_DIR) + "/tests/catalog/awkward.sql";

class PostgresCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.ok()) << "PostgreSQL 15 is needed: " << server.status();
    server_ = *server;
    ASSERT_TRUE(LoadOnce(*server_, "awkward", {kAwkwardSql}).ok());
    catalog_ = ConnectOrDie(*server_, "awkward");
    ASSERT_NE(catalog_, nullptr);
  }

  std::vector<TableDescription> Describe(std::vector<TableRef> tables) {
    absl::StatusOr<std::vector<TableDescription>> described =
        catalog_->DescribeTables(tables);
    EXPECT_TRUE(described.ok()) << described.status();
    if (!described.ok()) return {};
    EXPECT_EQ(described->size(), tables.size());
    return *std::move(described);
  }

  TableDescription DescribeOne(TableRef table) {
    std::vector<TableDescription> described = Describe({std::move(table)});
    return described.empty() ? TableDescription() : described.front();
  }

  PostgresServer* server_ = nullptr;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(PostgresCatalogTest, DescribesColumnsInOrderWithTypeTextAndKeys) {
  const TableDescription orders = DescribeOne({"shop", "orders"});

  ASSERT_TRUE(orders.status.ok()) << orders.status;
  EXPECT_EQ(orders.resolved, (TableRef{"shop", "orders"}));
  EXPECT_EQ(orders.kind, RelationKind::kTable);
  EXPECT_THAT(orders.columns,
              ElementsAre(Col("order_id", "bigint", "bigint", false, true),
                          Col("note", "character varying(256)", "text"),
                          Col("placed_at", "timestamp(3) with time zone",
                              "timestamptz")));
}

TEST_F(PostgresCatalogTest, ExactCaseWinsOverItsCaseTwins) {
  const std::vector<TableDescription> described =
      Describe({{"shop", "Orders"}, {"shop", "orders"}, {"Shop", "orders"}});

  ASSERT_EQ(described.size(), 3u);
  EXPECT_EQ(described[0].resolved, (TableRef{"shop", "Orders"}));
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("id", "integer", "integer", false, true),
                          Col("Total", "numeric(12,2)", "decimal", false)));
  EXPECT_EQ(described[1].resolved, (TableRef{"shop", "orders"}));
  EXPECT_EQ(described[2].resolved, (TableRef{"Shop", "orders"}));
  EXPECT_THAT(described[2].columns,
              ElementsAre(Col("legacy_id", "integer", "integer")));
}

TEST_F(PostgresCatalogTest, TakesTheOnlyCaseInsensitiveMatch) {
  const TableDescription customers = DescribeOne({"SHOP", "customers"});

  ASSERT_TRUE(customers.status.ok()) << customers.status;
  EXPECT_EQ(customers.requested, (TableRef{"SHOP", "customers"}));
  EXPECT_EQ(customers.resolved, (TableRef{"shop", "Customers"}));
  EXPECT_EQ(customers.columns.size(), 2u);
}

TEST_F(PostgresCatalogTest, RefusesAnAmbiguousMatchNamingEveryCandidate) {
  const TableDescription orders = DescribeOne({"shop", "ORDERS"});

  EXPECT_EQ(orders.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(orders.status.message(),
              AllOf(HasSubstr("ambiguous"), HasSubstr("\"shop\".\"ORDERS\""),
                    HasSubstr("\"Shop\".\"orders\", \"shop\".\"Orders\", "
                              "\"shop\".\"orders\"")));
  EXPECT_THAT(orders.columns, IsEmpty());
}

TEST_F(PostgresCatalogTest, ReportsAMissingTableAsNotFound) {
  const std::vector<TableDescription> described = Describe(
      {{"shop", "nope"}, {"nowhere", "orders"}, {"shop", "order_numbers"}});

  ASSERT_EQ(described.size(), 3u);
  for (const TableDescription& description : described) {
    EXPECT_EQ(description.status.code(), absl::StatusCode::kNotFound)
        << description.requested.table;
  }
  EXPECT_THAT(described[0].status.message(),
              AllOf(HasSubstr("\"shop\".\"nope\""),
                    HasSubstr(absl::StrCat("127.0.0.1:", server_->port(),
                                           "/awkward"))));
}

TEST_F(PostgresCatalogTest, SkipsDroppedColumns) {
  EXPECT_THAT(DescribeOne({"shop", "dropped"}).columns,
              ElementsAre(Col("first_col", "integer", "integer"),
                          Col("last_col", "date", "date")));
}

TEST_F(PostgresCatalogTest, FindsATableWithNoColumns) {
  const TableDescription hollow = DescribeOne({"shop", "hollow"});

  EXPECT_TRUE(hollow.status.ok()) << hollow.status;
  EXPECT_EQ(hollow.resolved, (TableRef{"shop", "hollow"}));
  EXPECT_THAT(hollow.columns, IsEmpty());
}

TEST_F(PostgresCatalogTest, MapsTypesThroughDomainsEnumsAndArrays) {
  EXPECT_THAT(
      DescribeOne({"shop", "kinds"}).columns,
      ElementsAre(Col("tags", "text[]", "array"),
                  Col("grid", "integer[]", "array"),
                  Col("codes", "character varying(20)[]", "array"),
                  Col("price", "shop.amount", "decimal", false),
                  Col("refund", "shop.refund", "decimal"),
                  Col("feeling", "shop.mood", "text"),
                  Col("feelings", "shop.mood[]", "array"),
                  Col("pair", "shop.money_pair", "json"),
                  Col("span", "int4range", "text"), Col("doc", "jsonb", "json"),
                  Col("ident", "uuid", "uuid"),
                  Col("stamp", "timestamp(3) with time zone", "timestamptz"),
                  Col("clock", "time(2) without time zone", "time"),
                  Col("wait", "interval day to second(3)", "interval"),
                  Col("flags", "bit varying(5)", "text"),
                  Col("code", "character(3)", "text"),
                  Col("ratio", "double precision", "float"),
                  Col("blob", "bytea", "bytea")));
}

TEST_F(PostgresCatalogTest, ReadsEveryRelationKind) {
  const std::vector<TableDescription> described =
      Describe({{"shop", "events"},
                {"shop", "events_2024"},
                {"shop", "order_notes"},
                {"shop", "order_count"},
                {"shop", "imported"}});

  ASSERT_EQ(described.size(), 5u);
  EXPECT_EQ(described[0].kind, RelationKind::kPartitionedTable);
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("id", "bigint", "bigint", false, true),
                          Col("happened", "date", "date", false, true),
                          Col("payload", "json", "json")));
  EXPECT_EQ(described[1].kind, RelationKind::kTable);
  EXPECT_EQ(described[1].columns, described[0].columns);
  EXPECT_EQ(described[2].kind, RelationKind::kView);
  EXPECT_THAT(described[2].columns,
              ElementsAre(Col("order_id", "bigint", "bigint"),
                          Col("note", "character varying(256)", "text")));
  EXPECT_EQ(described[3].kind, RelationKind::kMaterializedView);
  EXPECT_THAT(described[3].columns,
              ElementsAre(Col("orders", "bigint", "bigint")));
  EXPECT_EQ(described[4].kind, RelationKind::kForeignTable);
  EXPECT_THAT(described[4].columns,
              ElementsAre(Col("line", "text", "text", false)));
}

TEST_F(PostgresCatalogTest, ReadsNamesThatNeedQuoting) {
  const std::vector<TableDescription> described =
      Describe({{"Größe", "Maß €"},
                {"odd.schema", "a.b"},
                {"odd.schema", "say \"hi\""}});

  ASSERT_EQ(described.size(), 3u);
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("Straße", "text", "text"),
                          Col("naïve", "integer", "integer", false, true)));
  EXPECT_THAT(described[1].columns,
              ElementsAre(Col("x.y", "integer", "integer")));
  EXPECT_THAT(described[2].columns,
              ElementsAre(Col("it's", "text", "text"),
                          Col("two words", "text", "text")));
}

TEST_F(PostgresCatalogTest, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(DescribeOne({"größe", "MAß €"}).resolved,
            (TableRef{"Größe", "Maß €"}));
  EXPECT_EQ(DescribeOne({"GRÖßE", "Maß €"}).status.code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PostgresCatalogTest, TellsTheSameTableNameInTwoSchemasApart) {
  const std::vector<TableDescription> described =
      Describe({{"public", "orders"}, {"shop", "orders"}});

  ASSERT_EQ(described.size(), 2u);
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("public_id", "smallint", "integer")));
  EXPECT_EQ(described[1].columns.size(), 3u);
}

TEST_F(PostgresCatalogTest, AnswersTablesWithANulByteWithoutAsking) {
  const TableDescription odd = DescribeOne({"shop", std::string("a\0b", 3)});

  EXPECT_EQ(odd.status.code(), absl::StatusCode::kNotFound);
}

TEST_F(PostgresCatalogTest, AnswersAnEmptyRequestWithNothing) {
  absl::StatusOr<std::vector<TableDescription>> described =
      catalog_->DescribeTables({});

  ASSERT_TRUE(described.ok());
  EXPECT_THAT(*described, IsEmpty());
}

// Every relation of the awkward schema, in one call, against psql.
TEST_F(PostgresCatalogTest, MatchesWhatPsqlReportsForEveryRelation) {
  absl::StatusOr<std::vector<PsqlRelation>> expected =
      RelationsPerPsql(*server_, "awkward");
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_GE(expected->size(), 15u);
  std::vector<TableRef> tables;
  for (const PsqlRelation& relation : *expected) {
    tables.push_back(relation.name);
  }

  const std::vector<TableDescription> described = Describe(tables);

  ASSERT_EQ(described.size(), expected->size());
  for (size_t i = 0; i < described.size(); ++i) {
    const PsqlRelation& want = (*expected)[i];
    const TableDescription& got = described[i];
    SCOPED_TRACE(absl::StrCat(want.name.schema, ".", want.name.table));
    ASSERT_TRUE(got.status.ok()) << got.status;
    EXPECT_EQ(got.resolved, want.name);
    ASSERT_EQ(got.columns.size(), want.columns.size());
    for (size_t c = 0; c < got.columns.size(); ++c) {
      EXPECT_EQ(got.columns[c].name, want.columns[c].name);
      EXPECT_EQ(got.columns[c].remote_type, want.columns[c].remote_type);
      EXPECT_EQ(got.columns[c].nullable, want.columns[c].nullable);
      EXPECT_EQ(got.columns[c].primary_key, want.columns[c].primary_key);
    }
  }
}

// Partitions are left out: their parent stands for them, and schema
// monitoring would otherwise register every partition on its own.
TEST_F(PostgresCatalogTest, ListsEveryRelationKindOfExactlyNamedSchemas) {
  absl::StatusOr<std::vector<TableRef>> listed =
      catalog_->ListTables(std::vector<std::string>{"shop", "Shop", "SHOP"});

  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(
      *listed,
      ElementsAre(TableRef{"Shop", "orders"}, TableRef{"shop", "Customers"},
                  TableRef{"shop", "Orders"}, TableRef{"shop", "dropped"},
                  TableRef{"shop", "events"}, TableRef{"shop", "hollow"},
                  TableRef{"shop", "imported"}, TableRef{"shop", "kinds"},
                  TableRef{"shop", "order_count"},
                  TableRef{"shop", "order_notes"}, TableRef{"shop", "orders"}));
}

TEST_F(PostgresCatalogTest, ListsNamesThatNeedQuotingAndSkipsOddSchemas) {
  const std::vector<std::string> schemas = {
      "odd.schema",         "Größe",     "nowhere", std::string("a\0b", 3),
      std::string(64, 's'), "odd.schema"};

  absl::StatusOr<std::vector<TableRef>> listed = catalog_->ListTables(schemas);

  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(TableRef{"Größe", "Maß €"},
                                   TableRef{"odd.schema", "a.b"},
                                   TableRef{"odd.schema", "say \"hi\""}));
}

TEST_F(PostgresCatalogTest, ListsNothingForNoSchemas) {
  absl::StatusOr<std::vector<TableRef>> listed = catalog_->ListTables({});

  ASSERT_TRUE(listed.ok());
  EXPECT_THAT(*listed, IsEmpty());
}

TEST_F(PostgresCatalogTest, DescribesWhatItLists) {
  absl::StatusOr<std::vector<TableRef>> listed = catalog_->ListTables(
      std::vector<std::string>{"shop", "Shop", "public", "Größe"});
  ASSERT_TRUE(listed.ok()) << listed.status();

  const std::vector<TableDescription> described = Describe(*listed);

  ASSERT_EQ(described.size(), listed->size());
  for (const TableDescription& description : described) {
    EXPECT_TRUE(description.status.ok()) << description.status;
    EXPECT_EQ(description.resolved, description.requested);
  }
}

// PostgreSQL cuts a longer name to 63 bytes when it is created, so no
// relation bears a longer one.
TEST_F(PostgresCatalogTest, RefusesNamesLongerThan63BytesSayingWhy) {
  ASSERT_TRUE(server_->CreateDatabase("long_names").ok());
  const std::string longest(63, 'n');
  ASSERT_TRUE(server_
                  ->RunSql("long_names", absl::StrCat("CREATE TABLE public.",
                                                      longest, " (id integer)"))
                  .ok());
  std::unique_ptr<Catalog> catalog = ConnectOrDie(*server_, "long_names");
  ASSERT_NE(catalog, nullptr);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"public", longest}, {"public", longest + "n"}});

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ((*described)[0].resolved, (TableRef{"public", longest}));
  EXPECT_EQ((*described)[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT((*described)[1].status.message(),
              AllOf(HasSubstr("table name is 64 bytes long"),
                    HasSubstr("PostgreSQL keeps names of at most 63 bytes")));
}

TEST_F(PostgresCatalogTest, TypeTextDoesNotDependOnTheLoginsSearchPath) {
  ASSERT_TRUE(server_->CreateDatabase("pathy").ok());
  ASSERT_TRUE(server_
                  ->RunSql("pathy",
                           "CREATE SCHEMA s;"
                           "CREATE DOMAIN s.amount AS numeric(8,2);"
                           "CREATE TABLE s.t (a s.amount);"
                           "ALTER DATABASE pathy SET search_path = s")
                  .ok());
  std::unique_ptr<Catalog> catalog = ConnectOrDie(*server_, "pathy");
  ASSERT_NE(catalog, nullptr);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"s", "t"}});

  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_THAT((*described)[0].columns,
              ElementsAre(Col("a", "s.amount", "decimal")));
}

TEST_F(PostgresCatalogTest, DescribesManyTablesInOneRoundTrip) {
  ASSERT_TRUE(server_->CreateDatabase("roundtrip").ok());
  ASSERT_TRUE(server_
                  ->RunSql("roundtrip",
                           "DO $$ BEGIN FOR i IN 1..60 LOOP"
                           "  EXECUTE format('CREATE TABLE public.t%s "
                           "(id integer PRIMARY KEY, v text)', i);"
                           " END LOOP; END $$")
                  .ok());
  ASSERT_TRUE(server_
                  ->RunSql("postgres",
                           "ALTER DATABASE roundtrip SET log_statement = 'all'")
                  .ok());
  std::vector<TableRef> tables;
  for (int i = 1; i <= 60; ++i)
    tables.push_back({"public", absl::StrCat("t", i)});

  const std::streamoff before = LogSize(*server_);
  std::unique_ptr<Catalog> catalog = ConnectOrDie(*server_, "roundtrip");
  ASSERT_NE(catalog, nullptr);
  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables(tables);
  ASSERT_TRUE(catalog->DescribeTables({}).ok());

  ASSERT_TRUE(described.ok()) << described.status();
  for (const TableDescription& description : *described) {
    EXPECT_EQ(description.columns.size(), 2u) << description.requested.table;
  }
  const std::string log = LogSince(*server_, before);
  EXPECT_EQ(LoggedStatements(log, "roundtrip").size(), 1u) << log;
  EXPECT_THAT(log, HasSubstr("pg_catalog.pg_class"));
  EXPECT_THAT(log, Not(HasSubstr("information_schema")));
}

TEST_F(PostgresCatalogTest, TimesOutAsDeadlineExceeded) {
  ConnectionSettings settings = server_->Settings("awkward");
  settings.statement_timeout_ms = 1;
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  // Enough names that parsing them alone outlasts a millisecond.
  std::vector<TableRef> tables(200000, TableRef{"shop", "orders"});

  absl::StatusOr<std::vector<TableDescription>> described =
      (*catalog)->DescribeTables(tables);

  EXPECT_EQ(described.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(described.status().message(),
              AllOf(HasSubstr("statement timeout of 1 ms"),
                    HasSubstr(absl::StrCat("127.0.0.1:", server_->port(),
                                           "/awkward"))));
}

TEST_F(PostgresCatalogTest, ReportsALostConnectionAsUnavailable) {
  ASSERT_TRUE(server_->CreateDatabase("lost").ok());
  std::unique_ptr<Catalog> catalog = ConnectOrDie(*server_, "lost");
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(server_
                  ->RunSql("postgres",
                           "SELECT pg_catalog.pg_terminate_backend(pid)"
                           "  FROM pg_catalog.pg_stat_activity"
                           " WHERE datname = 'lost'"
                           "   AND application_name = 'dsh'")
                  .ok());

  const std::vector<TableRef> tables = {{"public", "t"}};
  absl::StatusOr<std::vector<TableDescription>> first =
      catalog->DescribeTables(tables);
  absl::StatusOr<std::vector<TableDescription>> second =
      catalog->DescribeTables(tables);

  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(first.status().message(), HasSubstr("/lost"));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(PostgresCatalogTest, ReportsAMissingDatabaseAsNotFound) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(server_->Settings("no_such_db"));

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(catalog.status().message(), HasSubstr("no_such_db"));
}

TEST_F(PostgresCatalogTest, RefusesTlsFromAServerWithoutIt) {
  ConnectionSettings settings = server_->Settings("awkward");
  settings.ssl = true;

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(catalog.status().message(),
              AllOf(HasSubstr("TLS"), HasSubstr("does not support SSL"),
                    HasSubstr(absl::StrCat("127.0.0.1:", server_->port()))));
}

// A port that nothing listens on: bound, so that no one else takes it
// during the test, but never listening. A silent port listens, so that
// connections are made, but never answers them.
class ClosedPort {
 public:
  explicit ClosedPort(bool silent = false) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (fd_ >= 0 &&
        bind(fd_, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port_ = ntohs(address.sin_port);
    }
    if (silent && port_ != 0 && listen(fd_, 4) != 0) port_ = 0;
  }
  ~ClosedPort() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(PostgresCatalogConnectTest, ReportsAnUnreachableServerAsUnavailable) {
  ClosedPort closed;
  ASSERT_NE(closed.port(), 0);
  ConnectionSettings settings;
  settings.technology = Technology::kPostgresql;
  settings.host = "127.0.0.1";
  settings.port = closed.port();
  settings.database = "shop";
  settings.username = "postgres";
  settings.password = "canary-unreachable-7Qx";
  settings.ssl = false;

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(
      catalog.status().message(),
      AllOf(HasSubstr(absl::StrCat("127.0.0.1:", closed.port(), "/shop")),
            Not(HasSubstr("canary-unreachable-7Qx"))));
}

TEST(PostgresCatalogConnectTest, GivesUpOnASilentServerAfterTheTimeout) {
  ClosedPort silent(/*silent=*/true);
  ASSERT_NE(silent.port(), 0);
  ConnectionSettings settings;
  settings.technology = Technology::kPostgresql;
  settings.host = "127.0.0.1";
  settings.port = silent.port();
  settings.database = "shop";
  settings.username = "postgres";
  settings.password = "canary-silent-2Vb";
  settings.ssl = false;
  settings.connect_timeout_seconds = 1;

  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);
  const auto waited = std::chrono::steady_clock::now() - start;

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(
      catalog.status().message(),
      AllOf(HasSubstr(absl::StrCat("127.0.0.1:", silent.port(), "/shop")),
            HasSubstr("no answer within 1 second"),
            Not(HasSubstr("canary-silent"))));
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST(PostgresCatalogConnectTest, RefusesSettingsLibpqWouldMisread) {
  ConnectionSettings settings;
  settings.host = "127.0.0.1";
  settings.port = 5432;
  settings.database = "shop";
  auto connect = [&settings]() {
    return NewPostgresCatalogConnector()->Connect(settings).status().code();
  };

  settings.host = "/var/run/postgresql";
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
  settings.host = "a.example,b.example";
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
  settings.host = "";
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
  settings.host = "db.example FATAL:  28P01: x";
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
  settings.host = "127.0.0.1";
  settings.port = 70000;
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
  settings.port = 5432;
  settings.database = "";
  EXPECT_EQ(connect(), absl::StatusCode::kInvalidArgument);
}

// A server of its own, whose TCP logins need a password.
class PasswordTest : public ::testing::Test {
 protected:
  static constexpr char kPassword[] = "canary-Pw'\\ \"9zK";

  static void SetUpTestSuite() {
    PostgresServer::Options options;
    options.password = kPassword;
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static PostgresServer* server_;
};

PostgresServer* PasswordTest::server_ = nullptr;

TEST_F(PasswordTest, ConnectsWithTheRightPassword) {
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(server_->Settings("postgres"));

  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE((*catalog)->DescribeTables({{"pg_catalog", "pg_class"}}).ok());
}

TEST_F(PasswordTest, RefusesAWrongPasswordWithoutEchoingIt) {
  ConnectionSettings settings = server_->Settings("postgres");
  settings.password = "wrong-canary-Hq3'\\x";

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(
      catalog.status().message(),
      AllOf(HasSubstr("\"postgres\""),
            HasSubstr(absl::StrCat("127.0.0.1:", server_->port(), "/postgres")),
            Not(HasSubstr("wrong-canary")), Not(HasSubstr("Hq3"))));
}

TEST_F(PasswordTest, RefusesAMissingPassword) {
  ConnectionSettings settings = server_->Settings("postgres");
  settings.password.clear();

  EXPECT_EQ(NewPostgresCatalogConnector()->Connect(settings).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace dsh
