// The Redshift dialect against a real PostgreSQL that carries Redshift's
// late-binding view function, svv_external_columns and types under their
// Redshift names (tests/catalog/redshift_fakes.sql): the dialect's own
// statements travel over the wire and the server answers them.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catalog/dialect.h"
#include "dsh/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/catalog_test_support.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::catalog_testing::Col;
using ::dsh::catalog_testing::LoadOnce;
using ::dsh::catalog_testing::LoggedStatements;
using ::dsh::catalog_testing::LogSince;
using ::dsh::catalog_testing::LogSize;
using ::dsh::testing::PostgresServer;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kFakesSql =
    std::string(DSH_SOURCE_DIR) + "/tests/catalog/redshift_fakes.sql";

// The fakes name this database in svv_external_columns.
constexpr char kDatabase[] = "redshift";

ConnectionSettings RedshiftSettings(const PostgresServer& server,
                                    const std::string& database) {
  ConnectionSettings settings = server.Settings(database);
  settings.technology = Technology::kRedshift;
  return settings;
}

class RedshiftCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.ok()) << "PostgreSQL 15 is needed: " << server.status();
    server_ = *server;
    ASSERT_TRUE(LoadOnce(*server_, kDatabase, {kFakesSql}).ok());
    catalog_ = Connect(kDatabase);
    ASSERT_NE(catalog_, nullptr);
  }

  std::unique_ptr<Catalog> Connect(const std::string& database) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        NewPostgresCatalogConnector()->Connect(
            RedshiftSettings(*server_, database));
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
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

  std::vector<TableRef> List(std::vector<std::string> schemas) {
    absl::StatusOr<std::vector<TableRef>> listed =
        catalog_->ListTables(schemas);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *std::move(listed) : std::vector<TableRef>();
  }

  PostgresServer* server_ = nullptr;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(RedshiftCatalogTest, DescribesALocalTableWithItsPrimaryKey) {
  const TableDescription orders = DescribeOne({"sales", "orders"});

  ASSERT_TRUE(orders.status.ok()) << orders.status;
  EXPECT_EQ(orders.resolved, (TableRef{"sales", "orders"}));
  EXPECT_EQ(orders.kind, RelationKind::kTable);
  EXPECT_THAT(
      orders.columns,
      ElementsAre(Col("order_id", "bigint", "bigint", false, true),
                  Col("note", "character varying(256)", "text"),
                  Col("total", "numeric(12,2)", "decimal", false),
                  Col("placed", "timestamp without time zone", "timestamp")));
}

TEST_F(RedshiftCatalogTest, MapsRedshiftTypesOfLocalColumns) {
  EXPECT_THAT(
      DescribeOne({"sales", "documents"}).columns,
      ElementsAre(Col("doc_id", "integer", "integer", false, true),
                  Col("body", "super", "json"), Col("raw", "varbyte", "bytea"),
                  Col("shape", "geometry", "geometry"),
                  Col("place", "geography", "geography"),
                  Col("visitors", "hllsketch", "text"),
                  Col("opened", "time with time zone", "timetz"),
                  Col("stamped", "timestamp with time zone", "timestamptz")));
}

TEST_F(RedshiftCatalogTest, DescribesAnOrdinaryViewFromPgAttribute) {
  const TableDescription view = DescribeOne({"sales", "big_orders"});

  EXPECT_EQ(view.kind, RelationKind::kView);
  EXPECT_THAT(view.columns,
              ElementsAre(Col("order_id", "bigint", "bigint"),
                          Col("total", "numeric(12,2)", "decimal")));
}

TEST_F(RedshiftCatalogTest, DescribesALateBindingViewInColumnOrder) {
  const TableDescription feed = DescribeOne({"sales", "order_feed"});

  ASSERT_TRUE(feed.status.ok()) << feed.status;
  EXPECT_EQ(feed.resolved, (TableRef{"sales", "order_feed"}));
  EXPECT_EQ(feed.kind, RelationKind::kLateBindingView);
  EXPECT_THAT(
      feed.columns,
      ElementsAre(Col("order_id", "bigint", "bigint"),
                  Col("note", "character varying(256)", "text"),
                  Col("details", "super", "json"),
                  Col("placed", "timestamp without time zone", "timestamp"),
                  Col("region", "geography", "geography")));
}

TEST_F(RedshiftCatalogTest, TakesLateBindingColumnsFromTheFunctionAlone) {
  const TableDescription stale = DescribeOne({"sales", "stale_feed"});

  EXPECT_EQ(stale.kind, RelationKind::kLateBindingView);
  EXPECT_THAT(stale.columns,
              ElementsAre(Col("fresh_column", "integer", "integer")));
}

TEST_F(RedshiftCatalogTest, KeepsLateBindingViewsOfTwoSchemasApart) {
  const std::vector<TableDescription> described =
      Describe({{"archive", "order_feed"}, {"sales", "order_feed"}});

  ASSERT_EQ(described.size(), 2u);
  EXPECT_EQ(described[0].resolved, (TableRef{"archive", "order_feed"}));
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("archived_id", "integer", "integer")));
  EXPECT_EQ(described[1].columns.size(), 5u);
}

TEST_F(RedshiftCatalogTest, DescribesAnExternalTableWithSpectrumTypes) {
  const TableDescription clicks = DescribeOne({"spectrum", "clicks"});

  ASSERT_TRUE(clicks.status.ok()) << clicks.status;
  EXPECT_EQ(clicks.kind, RelationKind::kExternalTable);
  EXPECT_THAT(
      clicks.columns,
      ElementsAre(
          Col("click_id", "bigint", "bigint", false),
          Col("url", "string", "text"), Col("price", "decimal(8,2)", "decimal"),
          Col("ratio", "double", "float"), Col("flagged", "boolean", "boolean"),
          Col("tiny", "tinyint", "integer"), Col("code", "char(3)", "text"),
          Col("label", "varchar(20)", "text"), Col("day", "date", "date"),
          Col("seen", "timestamp", "timestamp"),
          Col("small", "smallint", "integer"), Col("f", "float", "float"),
          Col("r", "real", "float"), Col("n", "int", "integer"),
          Col("attrs", "struct<a:int,b:string>", "json"),
          Col("tags", "array<string>", "array"),
          Col("year", "int", "integer", false),
          Col("month", "int", "integer", false)));
}

TEST_F(RedshiftCatalogTest, KeepsExternalTablesOfTwoSchemasApart) {
  const std::vector<TableDescription> described =
      Describe({{"spectrum_archive", "clicks"}, {"spectrum", "clicks"}});

  ASSERT_EQ(described.size(), 2u);
  EXPECT_THAT(described[0].columns,
              ElementsAre(Col("old_id", "bigint", "bigint")));
  EXPECT_EQ(described[1].columns.size(), 18u);
}

TEST_F(RedshiftCatalogTest, IgnoresOtherDatabasesExternalColumns) {
  const std::vector<TableDescription> described =
      Describe({{"sales", "orders"},
                {"spectrum", "remote_only"},
                {"spectrum", "clicks"}});

  ASSERT_EQ(described.size(), 3u);
  EXPECT_EQ(described[0].kind, RelationKind::kTable);
  EXPECT_EQ(described[0].columns.size(), 4u);
  EXPECT_EQ(described[1].status.code(), absl::StatusCode::kNotFound);
  for (const Column& column : described[2].columns) {
    EXPECT_NE(column.name, "foreign_id");
  }
}

TEST_F(RedshiftCatalogTest, ResolvesNamesByTheSameRules) {
  const std::vector<TableDescription> described =
      Describe({{"reports", "Daily"},
                {"reports", "daily"},
                {"reports", "DAILY"},
                {"REPORTS", "weekly"},
                {"Spectrum", "pageviews"},
                {"SALES", "Orders"}});

  ASSERT_EQ(described.size(), 6u);
  EXPECT_THAT(described[0].columns, ElementsAre(Col("Day", "date", "date")));
  EXPECT_EQ(described[1].columns.size(), 2u);
  EXPECT_EQ(described[2].status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(described[2].status.message(),
              AllOf(HasSubstr("ambiguous"),
                    HasSubstr("\"reports\".\"Daily\", \"reports\".\"daily\"")));
  EXPECT_EQ(described[3].resolved, (TableRef{"reports", "Weekly"}));
  EXPECT_EQ(described[3].kind, RelationKind::kLateBindingView);
  EXPECT_EQ(described[4].resolved, (TableRef{"spectrum", "PageViews"}));
  EXPECT_EQ(described[4].kind, RelationKind::kExternalTable);
  EXPECT_EQ(described[5].resolved, (TableRef{"sales", "orders"}));
}

TEST_F(RedshiftCatalogTest, ReportsMissingRelationsOfEveryKindAsNotFound) {
  const std::vector<TableDescription> described =
      Describe({{"sales", "nope"},
                {"spectrum", "nope"},
                {"nowhere", "order_feed"},
                {"archive", "orders"}});

  for (const TableDescription& description : described) {
    EXPECT_EQ(description.status.code(), absl::StatusCode::kNotFound)
        << description.requested.schema << "." << description.requested.table;
  }
}

TEST_F(RedshiftCatalogTest, DescribesEveryKindInOneStatement) {
  ASSERT_TRUE(server_
                  ->RunSql("postgres",
                           "ALTER DATABASE redshift SET log_statement = 'all'")
                  .ok());
  std::unique_ptr<Catalog> catalog = Connect(kDatabase);
  ASSERT_NE(catalog, nullptr);
  const std::streamoff before = LogSize(*server_);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables({{"sales", "orders"},
                               {"sales", "order_feed"},
                               {"spectrum", "clicks"},
                               {"reports", "weekly"}});

  ASSERT_TRUE(described.ok()) << described.status();
  for (const TableDescription& description : *described) {
    EXPECT_TRUE(description.status.ok()) << description.status;
  }
  const std::string log = LogSince(*server_, before);
  EXPECT_EQ(LoggedStatements(log, kDatabase).size(), 1u) << log;
  EXPECT_THAT(log, AllOf(HasSubstr("pg_catalog.pg_get_late_binding_view_cols"),
                         HasSubstr("pg_catalog.svv_external_columns"),
                         Not(HasSubstr("information_schema"))));
}

TEST_F(RedshiftCatalogTest, ListsEveryKindOnceInSchemaAndNameOrder) {
  EXPECT_THAT(
      List({"spectrum", "sales", "reports", "nowhere"}),
      ElementsAre(
          TableRef{"reports", "Daily"}, TableRef{"reports", "Weekly"},
          TableRef{"reports", "daily"}, TableRef{"sales", "big_orders"},
          TableRef{"sales", "documents"}, TableRef{"sales", "order_feed"},
          TableRef{"sales", "orders"}, TableRef{"sales", "stale_feed"},
          TableRef{"spectrum", "PageViews"}, TableRef{"spectrum", "clicks"}));
}

TEST_F(RedshiftCatalogTest, ListsOnlyExactlyNamedSchemas) {
  EXPECT_THAT(List({"SALES", "Spectrum"}), IsEmpty());
  EXPECT_THAT(List({}), IsEmpty());
}

TEST_F(RedshiftCatalogTest, DescribesWhatItLists) {
  const std::vector<TableRef> listed = List({"sales", "spectrum", "archive"});
  ASSERT_FALSE(listed.empty());

  const std::vector<TableDescription> described = Describe(listed);

  ASSERT_EQ(described.size(), listed.size());
  for (const TableDescription& description : described) {
    EXPECT_TRUE(description.status.ok()) << description.status;
    EXPECT_EQ(description.resolved, description.requested);
  }
}

TEST_F(RedshiftCatalogTest, AsksForNamesUpTo127Bytes) {
  const std::string longest(127, 'a');
  const std::string too_long(128, 'a');

  const std::vector<TableDescription> described =
      Describe({{"sales", longest}, {"sales", too_long}, {too_long, "orders"}});

  ASSERT_EQ(described.size(), 3u);
  EXPECT_EQ(described[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(described[0].status.message(), Not(HasSubstr("bytes long")));
  EXPECT_EQ(described[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(described[1].status.message(),
              AllOf(HasSubstr("table name is 128 bytes long"),
                    HasSubstr("Redshift keeps names of at most 127 bytes")));
  EXPECT_THAT(described[2].status.message(),
              HasSubstr("schema name is 128 bytes long"));
}

TEST_F(RedshiftCatalogTest, SplitsAVeryLongRequestIntoFewStatements) {
  ASSERT_TRUE(server_
                  ->RunSql("postgres",
                           "ALTER DATABASE redshift SET log_statement = 'all'")
                  .ok());
  std::unique_ptr<Catalog> catalog = Connect(kDatabase);
  ASSERT_NE(catalog, nullptr);
  std::vector<TableRef> tables;
  for (int i = 0; i < 6000; ++i) {
    tables.push_back({"sales", absl::StrCat("missing_", i)});
  }
  tables[0] = {"sales", "orders"};
  tables[3999] = {"spectrum", "clicks"};
  tables[4000] = {"sales", "order_feed"};
  tables[5999] = {"SALES", "ORDERS"};
  const std::streamoff before = LogSize(*server_);

  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables(tables);

  ASSERT_TRUE(described.ok()) << described.status();
  ASSERT_EQ(described->size(), tables.size());
  EXPECT_EQ((*described)[0].columns.size(), 4u);
  EXPECT_EQ((*described)[3999].kind, RelationKind::kExternalTable);
  EXPECT_EQ((*described)[4000].kind, RelationKind::kLateBindingView);
  EXPECT_EQ((*described)[5999].resolved, (TableRef{"sales", "orders"}));
  EXPECT_EQ((*described)[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LoggedStatements(LogSince(*server_, before), kDatabase).size(), 2u);
}

TEST_F(RedshiftCatalogTest, TimesOutAsDeadlineExceeded) {
  ASSERT_TRUE(LoadOnce(*server_, "redshift_slow", {kFakesSql}).ok());
  ASSERT_TRUE(server_
                  ->RunSql("redshift_slow",
                           "INSERT INTO redshift_fake.slow VALUES (true)")
                  .ok());
  ConnectionSettings settings = RedshiftSettings(*server_, "redshift_slow");
  settings.statement_timeout_ms = 200;
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      NewPostgresCatalogConnector()->Connect(settings);
  ASSERT_TRUE(catalog.ok()) << catalog.status();

  absl::StatusOr<std::vector<TableDescription>> described =
      (*catalog)->DescribeTables({{"sales", "order_feed"}});

  EXPECT_EQ(described.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(described.status().message(),
              HasSubstr("statement timeout of 200 ms"));
}

TEST_F(RedshiftCatalogTest, SaysWhenTheServerIsNoRedshiftCluster) {
  ASSERT_TRUE(server_->CreateDatabase("plain_postgresql").ok());
  std::unique_ptr<Catalog> catalog = Connect("plain_postgresql");
  ASSERT_NE(catalog, nullptr);

  const absl::Status described =
      catalog->DescribeTables({{"public", "t"}}).status();
  const absl::Status listed =
      catalog->ListTables(std::vector<std::string>{"public"}).status();

  EXPECT_EQ(described.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(described.message(), AllOf(HasSubstr("no Redshift cluster"),
                                         HasSubstr("postgresql technology"),
                                         HasSubstr("/plain_postgresql")));
  EXPECT_EQ(listed.code(), absl::StatusCode::kFailedPrecondition);
}

// The dialect's statements, read as text: every name is a parameter, and
// each Redshift record set is filtered on its own schema column.
TEST(RedshiftDialectTest, FiltersEachRecordSetOnItsOwnSchemaColumn) {
  const catalog_internal::CatalogDialect& dialect =
      catalog_internal::DialectFor(Technology::kRedshift);
  const std::vector<TableRef> tables = {{"Sales'; --", "orders"}};

  const catalog_internal::Statement describe = dialect.describe(tables);
  const catalog_internal::Statement list =
      dialect.list(std::vector<std::string>{"Sales'; --"});

  EXPECT_THAT(describe.parameters, ElementsAre("Sales'; --", "orders"));
  EXPECT_THAT(describe.text,
              AllOf(Not(HasSubstr("Sales")),
                    HasSubstr("WHERE pg_catalog.lower(l.view_schema) IN ("),
                    HasSubstr("WHERE pg_catalog.lower(e.schemaname) IN (")));
  EXPECT_THAT(list.parameters, ElementsAre("Sales'; --"));
  EXPECT_THAT(list.text, AllOf(Not(HasSubstr("Sales")),
                               HasSubstr("WHERE l.view_schema IN ("),
                               HasSubstr("WHERE e.schemaname IN (")));
}

TEST(RedshiftDialectTest, SendsEachDistinctNameOnce) {
  const catalog_internal::Statement describe =
      catalog_internal::DialectFor(Technology::kRedshift)
          .describe(std::vector<TableRef>{
              {"s", "a"}, {"s", "b"}, {"s", "a"}, {"t", "a"}});

  EXPECT_THAT(describe.parameters, ElementsAre("s", "t", "a", "b"));
}

}  // namespace
}  // namespace dsh
