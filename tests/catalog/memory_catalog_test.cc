#include "dsh/memory_catalog.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const ConnectionString kWarehouse{"db.example.internal", 5439, "dev"};

ConnectionSettings SettingsFor(const ConnectionString& database) {
  ConnectionSettings settings;
  settings.host = database.host;
  settings.port = database.port;
  settings.database = database.database;
  settings.username = "reader";
  settings.password = "not-used";
  return settings;
}

Column IntColumn(std::string name) {
  Column column;
  column.name = std::move(name);
  column.remote_type = "integer";
  return column;
}

class MemoryCatalogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Catalog> Open(const ConnectionString& database) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        connector_.Connect(SettingsFor(database));
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  TableDescription DescribeOne(const TableRef& table) {
    std::unique_ptr<Catalog> catalog = Open(kWarehouse);
    absl::StatusOr<std::vector<TableDescription>> described =
        catalog->DescribeTables({table});
    EXPECT_TRUE(described.ok()) << described.status();
    EXPECT_EQ(described->size(), 1u);
    return described->front();
  }

  MemoryCatalogConnector connector_;
};

TEST_F(MemoryCatalogTest, DescribesATableWithItsColumnsInOrder) {
  connector_.PutTable(kWarehouse, {"sales", "orders"},
                      {IntColumn("id"), IntColumn("total")},
                      RelationKind::kPartitionedTable);

  const TableDescription description = DescribeOne({"sales", "orders"});

  ASSERT_TRUE(description.status.ok()) << description.status;
  EXPECT_EQ(description.resolved, (TableRef{"sales", "orders"}));
  EXPECT_EQ(description.kind, RelationKind::kPartitionedTable);
  EXPECT_THAT(description.columns,
              ElementsAre(IntColumn("id"), IntColumn("total")));
}

TEST_F(MemoryCatalogTest, PrefersTheExactMatchOverCaseTwins) {
  connector_.PutTable(kWarehouse, {"sales", "Orders"}, {IntColumn("upper")});
  connector_.PutTable(kWarehouse, {"sales", "orders"}, {IntColumn("lower")});

  const TableDescription description = DescribeOne({"sales", "Orders"});

  ASSERT_TRUE(description.status.ok());
  EXPECT_EQ(description.resolved, (TableRef{"sales", "Orders"}));
  EXPECT_THAT(description.columns, ElementsAre(IntColumn("upper")));
}

TEST_F(MemoryCatalogTest, TakesTheOnlyCaseInsensitiveMatch) {
  connector_.PutTable(kWarehouse, {"Sales", "Customers"}, {IntColumn("id")});

  const TableDescription description = DescribeOne({"sales", "CUSTOMERS"});

  ASSERT_TRUE(description.status.ok());
  EXPECT_EQ(description.requested, (TableRef{"sales", "CUSTOMERS"}));
  EXPECT_EQ(description.resolved, (TableRef{"Sales", "Customers"}));
}

TEST_F(MemoryCatalogTest, RefusesAnAmbiguousMatchNamingEveryCandidate) {
  connector_.PutTable(kWarehouse, {"sales", "Orders"}, {});
  connector_.PutTable(kWarehouse, {"sales", "orders"}, {});
  connector_.PutTable(kWarehouse, {"Sales", "orders"}, {});

  const TableDescription description = DescribeOne({"SALES", "ORDERS"});

  EXPECT_EQ(description.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(description.status.message(), HasSubstr("ambiguous"));
  EXPECT_THAT(description.status.message(),
              HasSubstr("\"Sales\".\"orders\", \"sales\".\"Orders\", "
                        "\"sales\".\"orders\""));
  EXPECT_THAT(description.columns, IsEmpty());
}

TEST_F(MemoryCatalogTest, ReportsAMissingTableAsNotFoundWithItsQuotedName) {
  connector_.PutTable(kWarehouse, {"sales", "orders"}, {});

  const TableDescription description = DescribeOne({"sales", "odd \"name\""});

  EXPECT_EQ(description.status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(description.status.message(),
              HasSubstr("\"sales\".\"odd \"\"name\"\"\""));
  EXPECT_THAT(description.status.message(),
              HasSubstr("db.example.internal:5439/dev"));
}

// The name is the payload's and may equal its password; the message then
// quotes neither.
TEST_F(MemoryCatalogTest, AMissingTableNamedLikeThePasswordIsNotQuoted) {
  ConnectionSettings settings = SettingsFor(kWarehouse);
  settings.password = "Canary_Orders";
  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      connector_.Connect(settings);
  ASSERT_TRUE(catalog.ok()) << catalog.status();

  absl::StatusOr<std::vector<TableDescription>> described =
      (*catalog)->DescribeTables({{"sales", "canary_orders"}});

  ASSERT_TRUE(described.ok()) << described.status();
  const absl::Status& status = (*described)[0].status;
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()),
              AllOf(Not(HasSubstr("canary")), Not(HasSubstr("Canary")),
                    HasSubstr("db.example.internal:5439/dev")));
}

TEST_F(MemoryCatalogTest, FoldsOnlyAsciiLetters) {
  connector_.PutTable(kWarehouse, {"größe", "maß"}, {});

  EXPECT_TRUE(DescribeOne({"GRößE", "MAß"}).status.ok());
  EXPECT_EQ(DescribeOne({"GRÖßE", "MAß"}).status.code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MemoryCatalogTest, AnswersEachRequestInOrderInOneCall) {
  connector_.PutTable(kWarehouse, {"a", "one"}, {IntColumn("x")});
  connector_.PutTable(kWarehouse, {"b", "two"}, {IntColumn("y")});
  std::unique_ptr<Catalog> catalog = Open(kWarehouse);

  const std::vector<TableRef> tables = {
      {"b", "two"}, {"a", "none"}, {"a", "one"}};
  absl::StatusOr<std::vector<TableDescription>> described =
      catalog->DescribeTables(tables);

  ASSERT_TRUE(described.ok());
  ASSERT_EQ(described->size(), 3u);
  EXPECT_EQ((*described)[0].resolved, (TableRef{"b", "two"}));
  EXPECT_EQ((*described)[1].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*described)[2].resolved, (TableRef{"a", "one"}));
  EXPECT_EQ(connector_.describe_calls(), 1);
}

TEST_F(MemoryCatalogTest, KeepsDatabasesApart) {
  const ConnectionString other{"db.example.internal", 5439, "prod"};
  connector_.PutTable(other, {"sales", "orders"}, {});

  EXPECT_EQ(DescribeOne({"sales", "orders"}).status.code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MemoryCatalogTest, ComparesHostsExactly) {
  connector_.PutTable({"DB.example.internal", 5439, "dev"}, {"s", "t"}, {});

  EXPECT_EQ(DescribeOne({"s", "t"}).status.code(), absl::StatusCode::kNotFound);
}

TEST_F(MemoryCatalogTest, OpenCatalogsSeeLaterChanges) {
  std::unique_ptr<Catalog> catalog = Open(kWarehouse);
  const std::vector<TableRef> orders = {{"sales", "orders"}};

  connector_.PutTable(kWarehouse, orders[0], {IntColumn("id")});
  EXPECT_TRUE((*catalog->DescribeTables(orders))[0].status.ok());

  connector_.PutTable(kWarehouse, orders[0],
                      {IntColumn("id"), IntColumn("added")});
  EXPECT_EQ((*catalog->DescribeTables(orders))[0].columns.size(), 2u);

  connector_.DropTable(kWarehouse, orders[0]);
  EXPECT_EQ((*catalog->DescribeTables(orders))[0].status.code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MemoryCatalogTest, FailsConnectsUntilCleared) {
  connector_.FailConnect(absl::UnavailableError("down for the test"));
  EXPECT_EQ(connector_.Connect(SettingsFor(kWarehouse)).status().code(),
            absl::StatusCode::kUnavailable);

  connector_.FailConnect(absl::OkStatus());
  EXPECT_TRUE(connector_.Connect(SettingsFor(kWarehouse)).ok());
}

TEST_F(MemoryCatalogTest, FailsDescribesAndStillCountsThem) {
  std::unique_ptr<Catalog> catalog = Open(kWarehouse);
  connector_.FailDescribe(absl::DeadlineExceededError("slow for the test"));

  EXPECT_EQ(catalog->DescribeTables({{"s", "t"}}).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(connector_.describe_calls(), 1);

  connector_.FailDescribe(absl::OkStatus());
  EXPECT_TRUE(catalog->DescribeTables({{"s", "t"}}).ok());
  EXPECT_EQ(connector_.describe_calls(), 2);
}

TEST_F(MemoryCatalogTest, DescribesATableWithNoColumns) {
  connector_.PutTable(kWarehouse, {"s", "hollow"}, {});

  const TableDescription description = DescribeOne({"s", "hollow"});

  EXPECT_TRUE(description.status.ok());
  EXPECT_THAT(description.columns, IsEmpty());
}

TEST_F(MemoryCatalogTest, ListsTheRelationsOfExactlyNamedSchemasInOrder) {
  connector_.PutTable(kWarehouse, {"sales", "orders"}, {});
  connector_.PutTable(kWarehouse, {"sales", "Orders"}, {});
  connector_.PutTable(kWarehouse, {"Sales", "legacy"}, {});
  connector_.PutTable(kWarehouse, {"archive", "orders"}, {},
                      RelationKind::kExternalTable);
  connector_.PutTable(kWarehouse, {"other", "orders"}, {});
  connector_.PutTable({"db.example.internal", 5439, "prod"}, {"sales", "x"},
                      {});
  std::unique_ptr<Catalog> catalog = Open(kWarehouse);

  absl::StatusOr<std::vector<TableRef>> listed = catalog->ListTables(
      std::vector<std::string>{"sales", "archive", "SALES", "sales"});

  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(TableRef{"archive", "orders"},
                                   TableRef{"sales", "Orders"},
                                   TableRef{"sales", "orders"}));
  EXPECT_EQ(connector_.list_calls(), 1);
}

TEST_F(MemoryCatalogTest, FailsListsUntilClearedAndStillCountsThem) {
  std::unique_ptr<Catalog> catalog = Open(kWarehouse);
  const std::vector<std::string> schemas = {"sales"};
  connector_.FailList(absl::PermissionDeniedError("no for the test"));

  EXPECT_EQ(catalog->ListTables(schemas).status().code(),
            absl::StatusCode::kPermissionDenied);
  connector_.FailList(absl::OkStatus());
  EXPECT_TRUE(catalog->ListTables(schemas).ok());
  EXPECT_EQ(connector_.list_calls(), 2);
  EXPECT_EQ(connector_.describe_calls(), 0);
}

TEST_F(MemoryCatalogTest, CountsConnectsAndOpenCatalogs) {
  connector_.FailConnect(absl::UnavailableError("down for the test"));
  EXPECT_FALSE(connector_.Connect(SettingsFor(kWarehouse)).ok());
  connector_.FailConnect(absl::OkStatus());

  std::unique_ptr<Catalog> first = Open(kWarehouse);
  std::unique_ptr<Catalog> second = Open(kWarehouse);
  EXPECT_EQ(connector_.open_catalogs(), 2);
  first.reset();

  EXPECT_EQ(connector_.open_catalogs(), 1);
  EXPECT_EQ(connector_.connect_calls(), 3);
}

TEST(RelationKindName, NamesEveryKind) {
  EXPECT_EQ(RelationKindName(RelationKind::kTable), "table");
  EXPECT_EQ(RelationKindName(RelationKind::kPartitionedTable),
            "partitioned_table");
  EXPECT_EQ(RelationKindName(RelationKind::kMaterializedView),
            "materialized_view");
  EXPECT_EQ(RelationKindName(RelationKind::kExternalTable), "external_table");
}

}  // namespace
}  // namespace dsh
