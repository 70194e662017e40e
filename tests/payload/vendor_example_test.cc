// The vendor's published two-table Redshift example (spec section 9).
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payload/create_payload.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class VendorExample : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path =
        std::string(DSH_FIXTURES_DIR) + "/../spec/vendor-example-payload.json";
    std::ifstream file(path, std::ios::binary);
    if (!file) GTEST_SKIP() << "vendor example not found at " << path;
    std::ostringstream text;
    text << file.rdbuf();
    json_ = text.str();
  }

  ParsedCreate Parse(const ParseOptions& options) {
    absl::StatusOr<ParsedCreate> parsed = ParseCreateRequest(json_, options);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? *std::move(parsed) : ParsedCreate{};
  }

  std::string json_;
};

TEST_F(VendorExample, IsAcceptedInCompatibleModeWithOneWarning) {
  const ParsedCreate parsed = Parse(ParseOptions{});

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0].code, "deprecated_field");
  EXPECT_EQ(parsed.warnings[0].pointer,
            "/handler/0/metadata/staleDataTolerance");
  EXPECT_EQ(parsed.warnings[0].message,
            "staleDataTolerance is deprecated and has no effect (given in 2 "
            "handlers)");
}

TEST_F(VendorExample, YieldsBothHandlersWithTheirOwnPasswords) {
  const ParsedCreate parsed = Parse(ParseOptions{});

  ASSERT_EQ(parsed.request.handlers.size(), 2u);
  const HandlerMetadata& army = parsed.request.handlers[0];
  const HandlerMetadata& data = parsed.request.handlers[1];
  EXPECT_EQ(army.hostname, "redshift.database.example.io");
  EXPECT_EQ(army.port, 5439);
  EXPECT_EQ(army.table, "army_records");
  EXPECT_EQ(army.data_source_name, "Army Army Records");
  EXPECT_EQ(data.table, "data");
  EXPECT_EQ(data.bodata_table_name, "data");
  EXPECT_NE(army.password, data.password);
  EXPECT_EQ(parsed.request.data_source.blob_handler_json,
            R"({"scheme":"https","url":""})");
  EXPECT_EQ(parsed.request.data_source.blob_handler_type, "Redshift");
  EXPECT_EQ(parsed.request.data_source.record_format, "");
  EXPECT_EQ(parsed.request.data_source.type, "queryable");
  ASSERT_TRUE(parsed.request.schema_evolution.has_value());
  EXPECT_EQ(parsed.request.schema_evolution->owner_profile_id, 2);
  EXPECT_EQ(parsed.request.schema_evolution->name_template.name_format,
            "<Schema> <Tablename>");
}

TEST_F(VendorExample, IsRefusedInStrictModeForTheFieldsItLeavesOut) {
  ParseOptions strict;
  strict.strict = true;
  EXPECT_THAT(Parse(strict).problems,
              ElementsAre(Problem{"/dataSource/private", "is required"},
                          Problem{"/dataSource/name", "is required"},
                          Problem{"/dataSource/sqlTableName", "is required"},
                          Problem{"/dataSource/organization", "is required"}));
}

TEST_F(VendorExample, IsRefusedOnThePostgresqlRoute) {
  ParseOptions options;
  options.technology = Technology::kPostgresql;
  EXPECT_THAT(Parse(options).problems,
              ElementsAre(Problem{"/dataSource/blobHandlerType",
                                  "must be \"PostgreSQL\" to match the "
                                  "technology postgresql"}));
}

}  // namespace
}  // namespace dsh::payload
