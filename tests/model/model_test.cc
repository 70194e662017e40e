#include "dsh/model.h"

#include "gtest/gtest.h"

namespace dsh {
namespace {

TEST(Technology, RoundTripsThroughItsName) {
  for (Technology t : {Technology::kRedshift, Technology::kPostgresql}) {
    EXPECT_EQ(ParseTechnology(TechnologyName(t)), t);
  }
  EXPECT_FALSE(ParseTechnology("Redshift").has_value());
  EXPECT_EQ(DefaultPort(Technology::kRedshift), 5439);
  EXPECT_EQ(DefaultPort(Technology::kPostgresql), 5432);
}

TEST(ConnectionString, IsHostPortSlashDatabase) {
  EXPECT_EQ((ConnectionString{"db.example.io", 5439, "dev"}).ToString(),
            "db.example.io:5439/dev");
  EXPECT_EQ((ConnectionString{"::1", 5432, "postgres"}).ToString(),
            "[::1]:5432/postgres");
}

TEST(TableKey, ComparesFieldByFieldNotAsJoinedText) {
  const TableKey a{Technology::kPostgresql, "h", 5432, "db", "a.b", "c"};
  const TableKey b{Technology::kPostgresql, "h", 5432, "db", "a", "b.c"};
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace dsh
