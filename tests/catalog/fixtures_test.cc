// The PostgreSQL catalog on two published sample schemas, Pagila and
// TICKIT, loaded from the fixtures folder beside the repository.
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
using ::dsh::catalog_testing::LoadOnce;
using ::dsh::catalog_testing::PsqlRelation;
using ::dsh::catalog_testing::RelationsPerPsql;
using ::dsh::testing::PostgresServer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FixtureSchemaTest : public ::testing::Test {
 protected:
  // Loads `file` (relative to the fixtures folder) into `database` and
  // connects to it; skips when the fixtures are absent.
  void Load(const std::string& database, const std::string& file) {
    const std::string fixtures = testing::FixturesDir();
    if (fixtures.empty()) {
      GTEST_SKIP() << "fixtures folder " << DSH_FIXTURES_DIR
                   << " is absent (set DSH_FIXTURES_DIR)";
    }
    absl::StatusOr<PostgresServer*> server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.ok()) << "PostgreSQL 15 is needed: " << server.status();
    server_ = *server;
    const absl::Status loaded =
        LoadOnce(*server_, database, {absl::StrCat(fixtures, "/", file)});
    ASSERT_TRUE(loaded.ok()) << loaded;
    database_ = database;
    catalog_ = ConnectOrDie(*server_, database);
    ASSERT_NE(catalog_, nullptr);
  }

  // Describes every relation psql lists, in one call, and compares.
  void ExpectEveryRelationMatchesPsql() {
    absl::StatusOr<std::vector<PsqlRelation>> expected =
        RelationsPerPsql(*server_, database_);
    ASSERT_TRUE(expected.ok()) << expected.status();
    ASSERT_THAT(*expected, ::testing::Not(IsEmpty()));
    std::vector<TableRef> tables;
    for (const PsqlRelation& relation : *expected) {
      tables.push_back(relation.name);
    }

    absl::StatusOr<std::vector<TableDescription>> described =
        catalog_->DescribeTables(tables);

    ASSERT_TRUE(described.ok()) << described.status();
    ASSERT_EQ(described->size(), expected->size());
    for (size_t i = 0; i < expected->size(); ++i) {
      const PsqlRelation& want = (*expected)[i];
      const TableDescription& got = (*described)[i];
      SCOPED_TRACE(absl::StrCat(want.name.schema, ".", want.name.table));
      ASSERT_TRUE(got.status.ok()) << got.status;
      EXPECT_EQ(got.resolved, want.name);
      ASSERT_EQ(got.columns.size(), want.columns.size());
      for (size_t c = 0; c < want.columns.size(); ++c) {
        Column column = got.columns[c];
        EXPECT_FALSE(column.data_type.empty())
            << column.name << " " << column.remote_type;
        column.data_type.clear();
        EXPECT_EQ(column, want.columns[c]);
      }
    }
  }

  TableDescription DescribeOne(const TableRef& table) {
    absl::StatusOr<std::vector<TableDescription>> described =
        catalog_->DescribeTables({table});
    EXPECT_TRUE(described.ok()) << described.status();
    return described.ok() ? described->front() : TableDescription();
  }

  PostgresServer* server_ = nullptr;
  std::string database_;
  std::unique_ptr<Catalog> catalog_;
};

class PagilaTest : public FixtureSchemaTest {
 protected:
  void SetUp() override { Load("pagila", "pagila/pagila-schema.sql"); }
};

TEST_F(PagilaTest, EveryRelationMatchesPsql) {
  ExpectEveryRelationMatchesPsql();
}

TEST_F(PagilaTest, ReadsDomainsEnumsArraysAndTextSearchColumns) {
  const TableDescription film = DescribeOne({"public", "film"});

  ASSERT_TRUE(film.status.ok()) << film.status;
  EXPECT_THAT(
      film.columns,
      ElementsAre(
          Col("film_id", "integer", "integer", false, true),
          Col("title", "text", "text", false),
          Col("description", "text", "text"),
          Col("release_year", "public.year", "integer"),
          Col("language_id", "integer", "integer", false),
          Col("original_language_id", "integer", "integer"),
          Col("rental_duration", "smallint", "integer", false),
          Col("rental_rate", "numeric(4,2)", "decimal", false),
          Col("length", "smallint", "integer"),
          Col("replacement_cost", "numeric(5,2)", "decimal", false),
          Col("rating", "public.mpaa_rating", "text"),
          Col("last_update", "timestamp with time zone", "timestamptz", false),
          Col("special_features", "text[]", "array"),
          Col("fulltext", "tsvector", "text", false)));
}

TEST_F(PagilaTest, ReadsThePartitionedPaymentTableAndItsKey) {
  const TableDescription payment = DescribeOne({"public", "payment"});

  ASSERT_TRUE(payment.status.ok()) << payment.status;
  EXPECT_EQ(payment.kind, RelationKind::kPartitionedTable);
  EXPECT_THAT(payment.columns,
              ElementsAre(Col("payment_id", "integer", "integer", false, true),
                          Col("customer_id", "integer", "integer", false),
                          Col("staff_id", "integer", "integer", false),
                          Col("rental_id", "integer", "integer", false),
                          Col("amount", "numeric(5,2)", "decimal", false),
                          Col("payment_date", "timestamp with time zone",
                              "timestamptz", false, true)));
}

TEST_F(PagilaTest, ReadsViewsAndMaterializedViews) {
  EXPECT_EQ(DescribeOne({"public", "actor_info"}).kind, RelationKind::kView);
  EXPECT_EQ(DescribeOne({"public", "rental_by_category"}).kind,
            RelationKind::kMaterializedView);
}

class TickitTest : public FixtureSchemaTest {
 protected:
  void SetUp() override {
    Load("tickit", "tickit/tickit_ddl_pg15_derived.sql");
  }
};

TEST_F(TickitTest, EveryRelationMatchesPsql) {
  ExpectEveryRelationMatchesPsql();
}

TEST_F(TickitTest, ReadsTheListingTable) {
  const TableDescription listing = DescribeOne({"public", "listing"});

  ASSERT_TRUE(listing.status.ok()) << listing.status;
  EXPECT_THAT(
      listing.columns,
      ElementsAre(Col("listid", "integer", "integer", false),
                  Col("sellerid", "integer", "integer", false),
                  Col("eventid", "integer", "integer", false),
                  Col("dateid", "smallint", "integer", false),
                  Col("numtickets", "smallint", "integer", false),
                  Col("priceperticket", "numeric(8,2)", "decimal"),
                  Col("totalprice", "numeric(8,2)", "decimal"),
                  Col("listtime", "timestamp without time zone", "timestamp")));
}

TEST_F(TickitTest, FindsUpperCaseRequestsOfLowerCaseTables) {
  const TableDescription users = DescribeOne({"PUBLIC", "Users"});

  ASSERT_TRUE(users.status.ok()) << users.status;
  EXPECT_EQ(users.resolved, (TableRef{"public", "users"}));
  EXPECT_EQ(users.columns.size(), 18u);
}

}  // namespace
}  // namespace dsh
