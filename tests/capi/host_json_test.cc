// The JSON a C host hands dsh: registry options and catalog answers.

#include <string>
#include <vector>

#include "dsh/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payload/host_json.h"
#include "payload/options_json.h"

namespace dsh::payload {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

std::vector<std::string> PointersOf(const absl::Status& status) {
  std::vector<std::string> pointers;
  for (const Problem& problem : ProblemsOf(status)) {
    pointers.push_back(problem.pointer);
  }
  return pointers;
}

TEST(RegistryOptionsJsonTest, BlankTextMeansEveryDefault) {
  absl::StatusOr<RegistryOptionsJson> options = ParseRegistryOptions("  \n");

  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->store_kind, RegistryOptionsJson::StoreKind::kMemory);
  EXPECT_EQ(options->organization, "default");
  EXPECT_EQ(options->connect_timeout_seconds, 10);
  EXPECT_EQ(options->dictionary_max_age_seconds, 86400);
}

TEST(RegistryOptionsJsonTest, ReadsEveryDocumentedMember) {
  absl::StatusOr<RegistryOptionsJson> options = ParseRegistryOptions(
      R"({"store": {"kind": "sqlite", "path": "r.db"}, "strict": true,
          "caseSensitiveIdentifiers": true,
          "hostAliases": {"vpc.example.io": "cluster.example.io"},
          "organization": "acme", "connectTimeoutSeconds": 3,
          "statementTimeoutMs": 900, "dictionaryMaxAgeSeconds": 0,
          "pool": {"maxIdlePerDatabase": 1, "maxIdleSeconds": 7}})");

  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->store_kind, RegistryOptionsJson::StoreKind::kSqlite);
  EXPECT_EQ(options->store_path, "r.db");
  EXPECT_TRUE(options->strict);
  EXPECT_TRUE(options->case_sensitive_identifiers);
  EXPECT_THAT(options->host_aliases,
              ElementsAre(Pair("vpc.example.io", "cluster.example.io")));
  EXPECT_EQ(options->organization, "acme");
  EXPECT_EQ(options->connect_timeout_seconds, 3);
  EXPECT_EQ(options->statement_timeout_ms, 900);
  EXPECT_EQ(options->dictionary_max_age_seconds, 0);
  EXPECT_EQ(options->pool_max_idle_per_database, 1);
  EXPECT_EQ(options->pool_max_idle_seconds, 7);
}

TEST(RegistryOptionsJsonTest, ReportsEveryProblemWithItsPointer) {
  absl::StatusOr<RegistryOptionsJson> options = ParseRegistryOptions(
      R"({"store": {"kind": "sqlite", "size": 1}, "strict": "yes",
          "hostAliases": {"a": 1, "b": ""}, "organization": "",
          "connectTimeoutSeconds": 0, "statementTimeoutMs": 1.5,
          "dictionaryMaxAgeSeconds": 99999999999, "pool": [], "x/y": 1})");

  EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      PointersOf(options.status()),
      UnorderedElementsAre("/store/size", "/store/path", "/strict",
                           "/hostAliases/a", "/hostAliases/b", "/organization",
                           "/connectTimeoutSeconds", "/statementTimeoutMs",
                           "/dictionaryMaxAgeSeconds", "/pool", "/x~1y"));
}

TEST(RegistryOptionsJsonTest, AMemoryStoreTakesNoPath) {
  EXPECT_THAT(PointersOf(ParseRegistryOptions(
                             R"({"store": {"kind": "memory", "path": "x"}})")
                             .status()),
              ElementsAre("/store/path"));
}

TEST(RegistryOptionsJsonTest, MalformedTextCarriesItsOffset) {
  absl::StatusOr<RegistryOptionsJson> options =
      ParseRegistryOptions(R"({"strict": true)");

  EXPECT_EQ(ByteOffsetOf(options.status()), 15u);
}

TEST(RegistryOptionsJsonTest, ARepeatedKeyIsMalformed) {
  EXPECT_TRUE(ByteOffsetOf(
      ParseRegistryOptions(R"({"strict": true, "strict": false})").status()));
}

TEST(HostJsonTest, ReadsADescribeAnswerWithDefaults) {
  absl::StatusOr<std::vector<HostTable>> tables = ParseHostDescribeResponse(
      R"({"tables": [{"schema": "s", "table": "t", "kind": "view",
          "columns": [{"name": "id", "remoteType": "integer",
                       "dataType": "integer", "primaryKey": true,
                       "nullable": false},
                      {"name": "n", "remoteType": "text"}]},
          {"schema": "s", "table": "gone", "status": "not_found",
           "message": "no such table"},
          {"schema": "s", "table": "two", "status": "ambiguous"}]})");

  ASSERT_TRUE(tables.ok()) << tables.status();
  ASSERT_EQ(tables->size(), 3u);
  EXPECT_EQ((*tables)[0].kind, "view");
  ASSERT_EQ((*tables)[0].columns.size(), 2u);
  EXPECT_TRUE((*tables)[0].columns[0].primary_key);
  EXPECT_FALSE((*tables)[0].columns[0].nullable);
  EXPECT_TRUE((*tables)[0].columns[1].nullable);
  EXPECT_EQ((*tables)[0].columns[1].data_type, "");
  EXPECT_EQ((*tables)[1].status, HostTable::Status::kNotFound);
  EXPECT_EQ((*tables)[1].message, "no such table");
  EXPECT_EQ((*tables)[2].status, HostTable::Status::kAmbiguous);
}

TEST(HostJsonTest, ReportsAWrongAnswerWithPointers) {
  absl::StatusOr<std::vector<HostTable>> tables = ParseHostDescribeResponse(
      R"({"tables": [{"schema": 1, "table": "t",
          "columns": [{"name": "id"}, 3]},
          {"schema": "s", "table": "u", "status": "maybe"}, []]})");

  EXPECT_THAT(
      PointersOf(tables.status()),
      ElementsAre("/tables/0/schema", "/tables/0/columns/0/remoteType",
                  "/tables/0/columns/1", "/tables/1/status", "/tables/2"));
}

TEST(HostJsonTest, AFoundTableNeedsColumns) {
  EXPECT_THAT(PointersOf(ParseHostDescribeResponse(
                             R"({"tables": [{"schema": "s", "table": "t"}]})")
                             .status()),
              ElementsAre("/tables/0/columns"));
}

TEST(HostJsonTest, ReadsAListAnswer) {
  absl::StatusOr<std::vector<HostTableName>> names =
      ParseHostListResponse(R"({"tables": [{"schema": "a", "table": "b"}]})");

  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre(AllOf(Field(&HostTableName::schema, "a"),
                                        Field(&HostTableName::table, "b"))));
}

TEST(HostJsonTest, AnAnswerThatIsNotJsonIsMalformed) {
  EXPECT_TRUE(ByteOffsetOf(ParseHostListResponse("tables").status()));
  EXPECT_THAT(PointersOf(ParseHostListResponse("[]").status()),
              ElementsAre(""));
}

}  // namespace
}  // namespace dsh::payload
