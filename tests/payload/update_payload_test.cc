// The bodies of PUT /{technology}/handler/{id}, PUT /{technology}/bulk and
// PUT /dataSource/detectRemoteChanges.
#include <string>
#include <utility>
#include <vector>

#include "dsh/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payload/create_payload.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kCanaryPassword;
using testing::Members;
using ::testing::Not;
using ::testing::Optional;
using testing::Payload;

Problem At(std::string pointer, std::string message) {
  return Problem{std::move(pointer), std::move(message)};
}

constexpr char kConnectionString[] = R"("rs.example.com:5439/dev")";
constexpr char kMd[] = "/handler/metadata/";

// An update or bulk body: `{"handler": {"metadata": ...},
// "connectionString": ...}`, built member by member like a create payload.
struct HandlerBody {
  Members metadata = Payload::DefaultMetadata();
  Members top = {{"connectionString", kConnectionString}};

  std::string Json() const {
    Members all = top;
    all.Set("handler", "{\"metadata\":" + metadata.Json() + "}");
    return all.Json();
  }
};

// A bulk body carries the connection fields only.
HandlerBody BulkBody() {
  HandlerBody body;
  body.metadata.Erase("schema").Erase("table");
  body.metadata.Set("hostname", R"("rs2.example.com")");
  return body;
}

ParsedUpdate Update(const std::string& json, const ParseOptions& options = {}) {
  absl::StatusOr<ParsedUpdate> parsed = ParseUpdateRequest(json, options);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ParsedUpdate{};
}

ParsedBulk Bulk(const std::string& json, const ParseOptions& options = {}) {
  absl::StatusOr<ParsedBulk> parsed = ParseBulkRequest(json, options);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ParsedBulk{};
}

ParsedDetectChanges Detect(const std::string& json) {
  absl::StatusOr<ParsedDetectChanges> parsed = ParseDetectChangesRequest(json);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ParsedDetectChanges{};
}

std::vector<Problem> UpdateProblemsWithMetadata(const std::string& key,
                                                const std::string& raw) {
  HandlerBody body;
  body.metadata.Set(key, raw);
  return Update(body.Json()).problems;
}

std::vector<Problem> BulkProblemsWithMetadata(const std::string& key,
                                              const std::string& raw) {
  HandlerBody body = BulkBody();
  body.metadata.Set(key, raw);
  return Bulk(body.Json()).problems;
}

// --- ParseUpdateRequest ----------------------------------------------------

TEST(ParseUpdateRequest, AcceptsAValidBodyAndReadsTheMetadata) {
  HandlerBody body;
  body.metadata.Set("dataSourceName", R"("Army Records")")
      .Set("columns", R"(["id","name"])");

  const ParsedUpdate parsed = Update(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.warnings, IsEmpty());
  EXPECT_EQ(parsed.connection_string, "rs.example.com:5439/dev");
  const HandlerMetadata& m = parsed.metadata;
  EXPECT_EQ(m.hostname, "rs.example.com");
  EXPECT_EQ(m.port, 5439);
  EXPECT_EQ(m.database, "dev");
  EXPECT_EQ(m.schema, "army");
  EXPECT_EQ(m.table, "army_records");
  EXPECT_EQ(m.username, "user");
  EXPECT_EQ(m.password, kCanaryPassword);
  EXPECT_TRUE(m.ssl);
  EXPECT_EQ(m.data_source_name, "Army Records");
  EXPECT_THAT(m.columns, Optional(ElementsAre("id", "name")));
}

TEST(ParseUpdateRequest, SaysThePasswordWasGivenWhenItIs) {
  EXPECT_TRUE(Update(HandlerBody().Json()).password_given);
}

TEST(ParseUpdateRequest, SaysThePasswordWasNotGivenWhenItIsLeftOut) {
  HandlerBody body;
  body.metadata.Erase("password");

  const ParsedUpdate parsed = Update(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.password_given);
  EXPECT_EQ(parsed.metadata.password, "");
}

TEST(ParseUpdateRequest, TreatsANullPasswordAsLeftOut) {
  HandlerBody body;
  body.metadata.Set("password", "null");
  EXPECT_FALSE(Update(body.Json()).password_given);
}

TEST(ParseUpdateRequest, SaysAnEmptyPasswordWasGiven) {
  HandlerBody body;
  body.metadata.Set("password", R"("")");

  const ParsedUpdate parsed = Update(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_TRUE(parsed.password_given);
}

TEST(ParseUpdateRequest, LeavesTheColumnsUnsetWhenTheBodyHasNone) {
  EXPECT_FALSE(Update(HandlerBody().Json()).metadata.columns.has_value());
}

TEST(ParseUpdateRequest, FillsTheDefaultPortOfTheTechnology) {
  HandlerBody body;
  body.metadata.Erase("port");
  ParseOptions options;
  options.technology = Technology::kPostgresql;
  EXPECT_EQ(Update(body.Json(), options).metadata.port, 5432);
}

TEST(ParseUpdateRequest, RequiresTheConnectionString) {
  HandlerBody body;
  body.top.Erase("connectionString");
  EXPECT_THAT(Update(body.Json()).problems,
              ElementsAre(At("/connectionString", "is required")));
}

TEST(ParseUpdateRequest, RefusesAnEmptyConnectionString) {
  HandlerBody body;
  body.top.Set("connectionString", R"("")");
  EXPECT_THAT(Update(body.Json()).problems,
              ElementsAre(At("/connectionString", "must not be empty")));
}

TEST(ParseUpdateRequest, RefusesAConnectionStringThatIsNotAString) {
  HandlerBody body;
  body.top.Set("connectionString", R"({"host":"rs.example.com"})");
  EXPECT_THAT(Update(body.Json()).problems,
              ElementsAre(At("/connectionString", "must be a string")));
}

TEST(ParseUpdateRequest, RequiresTheHandler) {
  const std::string json =
      Members{{"connectionString", kConnectionString}}.Json();
  EXPECT_THAT(Update(json).problems,
              ElementsAre(At("/handler", "is required")));
}

TEST(ParseUpdateRequest, RefusesAHandlerArrayBecauseAnUpdateNamesOneHandler) {
  HandlerBody body;
  const std::string metadata = body.metadata.Json();
  body.top.Set("handler", "[{\"metadata\":" + metadata + "}]");
  const std::string json = body.top.Json();  // Keeps the array as given.

  EXPECT_THAT(Update(json).problems,
              ElementsAre(At("/handler", "must be an object")));
}

TEST(ParseUpdateRequest, RefusesAHandlerThatIsNotAnObject) {
  const std::string json = Members{
      {"handler", R"("h")"},
      {"connectionString",
       kConnectionString}}.Json();
  EXPECT_THAT(Update(json).problems,
              ElementsAre(At("/handler", "must be an object")));
}

TEST(ParseUpdateRequest, RequiresTheMetadataOfTheHandler) {
  const std::string json = Members{
      {"handler", "{}"},
      {"connectionString",
       kConnectionString}}.Json();
  EXPECT_THAT(Update(json).problems,
              ElementsAre(At("/handler/metadata", "is required")));
}

TEST(ParseUpdateRequest, RefusesABodyThatIsNotAnObject) {
  EXPECT_THAT(Update("[]").problems, ElementsAre(At("", "must be an object")));
}

TEST(ParseUpdateRequest, ListsEveryProblemOfTheHandlerAndTheBody) {
  HandlerBody body;
  body.metadata.Set("port", "0").Erase("database");
  body.top.Erase("connectionString");
  EXPECT_THAT(Update(body.Json()).problems,
              ElementsAre(At("/handler/metadata/port",
                             "must be an integer from 1 to 65535"),
                          At("/handler/metadata/database", "is required"),
                          At("/connectionString", "is required")));
}

TEST(ParseUpdateRequest, AppliesTheCreateRulesToTheHostname) {
  EXPECT_THAT(
      UpdateProblemsWithMetadata("hostname", R"("https://rs.example.com")"),
      ElementsAre(At("/handler/metadata/hostname",
                     "must be a host name or IP address, not a URL")));
}

TEST(ParseUpdateRequest, RequiresSchemaAndTableAsCreateDoes) {
  HandlerBody body;
  body.metadata.Erase("schema").Erase("table");
  EXPECT_THAT(Update(body.Json()).problems,
              ElementsAre(At("/handler/metadata/schema", "is required"),
                          At("/handler/metadata/table", "is required")));
}

TEST(ParseUpdateRequest, AcceptsAQueryInsteadOfSchemaAndTable) {
  HandlerBody body;
  body.metadata.Erase("schema").Erase("table").Set("query",
                                                   R"("select 1 as one")");

  const ParsedUpdate parsed = Update(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.metadata.query, Optional(std::string("select 1 as one")));
}

TEST(ParseUpdateRequest, AppliesTheCreateRulesToSqlNames) {
  EXPECT_THAT(UpdateProblemsWithMetadata("bodataTableName", R"("Army")"),
              ElementsAre(At("/handler/metadata/bodataTableName",
                             "must contain only lower-case letters, digits "
                             "and _")));
}

TEST(ParseUpdateRequest, AppliesTheCreateRulesToTheColumns) {
  EXPECT_THAT(UpdateProblemsWithMetadata("columns", R"(["id","id"])"),
              ElementsAre(At(
                  "/handler/metadata/columns/1",
                  "repeats the column name of /handler/metadata/columns/0")));
}

TEST(ParseUpdateRequest, RefusesAnUnsupportedAuthenticationMethod) {
  EXPECT_THAT(UpdateProblemsWithMetadata("authenticationMethod", R"("iam")"),
              ElementsAre(At("/handler/metadata/authenticationMethod",
                             "unsupported authentication method; only "
                             "\"userPassword\" is supported")));
}

TEST(ParseUpdateRequest, WarnsThatStaleDataToleranceHasNoEffect) {
  HandlerBody body;
  body.metadata.Set("staleDataTolerance", "3600");

  const ParsedUpdate parsed = Update(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0].code, "deprecated_field");
  EXPECT_EQ(parsed.warnings[0].pointer,
            std::string(kMd) + "staleDataTolerance");
  EXPECT_EQ(parsed.warnings[0].message,
            "staleDataTolerance is deprecated and has no effect");
  EXPECT_EQ(parsed.metadata.stale_data_tolerance, 3600.0);
}

TEST(ParseUpdateRequest, RefusesMalformedJsonWithItsOffset) {
  const absl::Status status =
      ParseUpdateRequest(R"({"handler":{"metadata":tru}})", ParseOptions{})
          .status();
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(ByteOffsetOf(status), 26u);
}

TEST(ParseUpdateRequest, NeverPutsThePasswordInAProblem) {
  HandlerBody body;
  body.metadata.Set("hostname", std::string("\"") + kCanaryPassword + "://x\"");
  body.top.Set("connectionString",
               std::string("[\"") + kCanaryPassword + "\"]");

  const ParsedUpdate parsed = Update(body.Json());

  ASSERT_EQ(parsed.problems.size(), 2u);
  const absl::Status status = InvalidRequest(parsed.problems);
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(kCanaryPassword)));
}

// --- ParseBulkRequest ------------------------------------------------------

TEST(ParseBulkRequest, AcceptsConnectionFieldsWithoutSchemaOrTable) {
  HandlerBody body = BulkBody();
  body.metadata.Set("ssl", "false")
      .Set("userFiles",
           R"([{"keyName":"ca","filename":"ca.pem","content":"PEM"}])");

  const ParsedBulk parsed = Bulk(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.connection_string, "rs.example.com:5439/dev");
  const HandlerMetadata& m = parsed.metadata;
  EXPECT_EQ(m.hostname, "rs2.example.com");
  EXPECT_EQ(m.port, 5439);
  EXPECT_EQ(m.database, "dev");
  EXPECT_EQ(m.username, "user");
  EXPECT_EQ(m.password, kCanaryPassword);
  EXPECT_FALSE(m.ssl);
  ASSERT_NE(m.CaBundle(), nullptr);
  EXPECT_EQ(m.CaBundle()->filename, "ca.pem");
  EXPECT_TRUE(parsed.password_given);
}

TEST(ParseBulkRequest, ReadsNothingButTheConnectionFields) {
  HandlerBody body = BulkBody();
  body.metadata.Set("schema", R"("army")")
      .Set("table", R"("army_records")")
      .Set("dataSourceName", R"("Army Records")")
      .Set("columns", R"(["id"])");

  const ParsedBulk parsed = Bulk(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.metadata.schema, "");
  EXPECT_EQ(parsed.metadata.table, "");
  EXPECT_EQ(parsed.metadata.data_source_name, "");
  EXPECT_FALSE(parsed.metadata.columns.has_value());
}

TEST(ParseBulkRequest, SaysThePasswordWasNotGivenWhenItIsLeftOut) {
  HandlerBody body = BulkBody();
  body.metadata.Erase("password");

  const ParsedBulk parsed = Bulk(body.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.password_given);
}

TEST(ParseBulkRequest, RequiresTheConnectionString) {
  HandlerBody body = BulkBody();
  body.top.Erase("connectionString");
  EXPECT_THAT(Bulk(body.Json()).problems,
              ElementsAre(At("/connectionString", "is required")));
}

TEST(ParseBulkRequest, RequiresTheHostnameAndTheDatabase) {
  HandlerBody body = BulkBody();
  body.metadata.Erase("hostname").Erase("database");
  EXPECT_THAT(Bulk(body.Json()).problems,
              ElementsAre(At("/handler/metadata/hostname", "is required"),
                          At("/handler/metadata/database", "is required")));
}

TEST(ParseBulkRequest, RefusesAUrlAsTheHostname) {
  EXPECT_THAT(
      BulkProblemsWithMetadata("hostname", R"("https://rs2.example.com")"),
      ElementsAre(At("/handler/metadata/hostname",
                     "must be a host name or IP address, not a URL")));
}

TEST(ParseBulkRequest, RefusesAHostnameThatCarriesAPort) {
  EXPECT_THAT(
      BulkProblemsWithMetadata("hostname", R"("rs2.example.com:5439")"),
      ElementsAre(At("/handler/metadata/hostname",
                     "must be a host name or IP address without a port; "
                     "give the port in \"port\"")));
}

TEST(ParseBulkRequest, RefusesPortsOutsideOneTo65535) {
  for (const char* port : {"0", "65536", "-1", "9223372036854775808"}) {
    EXPECT_THAT(BulkProblemsWithMetadata("port", port),
                ElementsAre(At("/handler/metadata/port",
                               "must be an integer from 1 to 65535")))
        << port;
  }
}

TEST(ParseBulkRequest, RefusesAPortThatIsNotAnInteger) {
  for (const char* port : {R"("5439")", "5439.0", "true"}) {
    EXPECT_THAT(BulkProblemsWithMetadata("port", port),
                ElementsAre(At("/handler/metadata/port",
                               "must be an integer from 1 to 65535")))
        << port;
  }
}

TEST(ParseBulkRequest, AcceptsTheEndsOfThePortRange) {
  EXPECT_EQ(Bulk(BulkBody().Json()).metadata.port, 5439);
  for (const char* port : {"1", "65535"}) {
    HandlerBody body = BulkBody();
    body.metadata.Set("port", port);
    const ParsedBulk parsed = Bulk(body.Json());
    EXPECT_THAT(parsed.problems, IsEmpty()) << port;
    EXPECT_EQ(parsed.metadata.port, std::stoi(port));
  }
}

TEST(ParseBulkRequest, FillsTheDefaultPortOfTheTechnology) {
  HandlerBody body = BulkBody();
  body.metadata.Erase("port");
  ParseOptions options;
  options.technology = Technology::kPostgresql;
  EXPECT_EQ(Bulk(body.Json(), options).metadata.port, 5432);
}

TEST(ParseBulkRequest, RequiresTheHandler) {
  const std::string json =
      Members{{"connectionString", kConnectionString}}.Json();
  EXPECT_THAT(Bulk(json).problems, ElementsAre(At("/handler", "is required")));
}

TEST(ParseBulkRequest, RefusesMalformedJsonWithItsOffset) {
  const absl::Status status =
      ParseBulkRequest(R"({"connectionString":"a",})", ParseOptions{}).status();
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(ByteOffsetOf(status), 24u);
}

// --- ParseDetectChangesRequest ---------------------------------------------

TEST(ParseDetectChangesRequest, SelectsEveryDataSourceForAnEmptyBody) {
  const ParsedDetectChanges parsed = Detect("");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.data_source_ids.has_value());
}

TEST(ParseDetectChangesRequest, SelectsEveryDataSourceForABlankBody) {
  const ParsedDetectChanges parsed = Detect(" \r\n\t ");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.data_source_ids.has_value());
}

TEST(ParseDetectChangesRequest, SelectsEveryDataSourceForAnEmptyObject) {
  const ParsedDetectChanges parsed = Detect("{}");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.data_source_ids.has_value());
}

TEST(ParseDetectChangesRequest, SelectsEveryDataSourceWhenTheIdsAreNull) {
  const ParsedDetectChanges parsed = Detect(R"({"dataSourceIds":null})");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.data_source_ids.has_value());
}

TEST(ParseDetectChangesRequest, IgnoresUnknownMembers) {
  const ParsedDetectChanges parsed = Detect(R"({"dryRun":true})");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_FALSE(parsed.data_source_ids.has_value());
}

TEST(ParseDetectChangesRequest, SelectsTheGivenIdsInOrder) {
  const ParsedDetectChanges parsed =
      Detect(R"({"dataSourceIds": [2, 1, 9223372036854775807]})");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.data_source_ids,
              Optional(ElementsAre(2, 1, 9223372036854775807)));
}

TEST(ParseDetectChangesRequest, SelectsNothingForAnEmptyList) {
  const ParsedDetectChanges parsed = Detect(R"({"dataSourceIds":[]})");
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.data_source_ids, Optional(IsEmpty()));
}

TEST(ParseDetectChangesRequest, PointsAtEveryIdThatIsNotAPositiveInteger) {
  const ParsedDetectChanges parsed = Detect(
      R"({"dataSourceIds":[1,0,-3,"4",1.5,null,9223372036854775808,7]})");
  EXPECT_THAT(
      parsed.problems,
      ElementsAre(At("/dataSourceIds/1", "must be a positive integer"),
                  At("/dataSourceIds/2", "must be a positive integer"),
                  At("/dataSourceIds/3", "must be a positive integer"),
                  At("/dataSourceIds/4", "must be a positive integer"),
                  At("/dataSourceIds/5", "must be a positive integer"),
                  At("/dataSourceIds/6", "must be a positive integer")));
  EXPECT_THAT(parsed.data_source_ids, Optional(ElementsAre(1, 7)));
}

TEST(ParseDetectChangesRequest, RefusesIdsThatAreNotAnArray) {
  for (const char* ids : {"5", R"("5")", R"({"id":5})"}) {
    EXPECT_THAT(
        Detect(std::string(R"({"dataSourceIds":)") + ids + "}").problems,
        ElementsAre(At("/dataSourceIds", "must be an array")))
        << ids;
  }
}

TEST(ParseDetectChangesRequest, RefusesABodyThatIsNotAnObject) {
  EXPECT_THAT(Detect("[1,2]").problems,
              ElementsAre(At("", "must be an object")));
}

TEST(ParseDetectChangesRequest, RefusesMalformedJsonWithItsOffset) {
  const absl::Status status =
      ParseDetectChangesRequest(R"({"dataSourceIds":[1,]})").status();
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(ByteOffsetOf(status), 20u);
  EXPECT_EQ(status.message(), "malformed JSON at byte 20: expected a value");
}

TEST(ParseDetectChangesRequest, RefusesARepeatedKeyAsMalformed) {
  const absl::Status status =
      ParseDetectChangesRequest(R"({"dataSourceIds":[1],"dataSourceIds":[2]})")
          .status();
  EXPECT_EQ(ErrorCodeName(status), "malformed_json");
  EXPECT_EQ(ByteOffsetOf(status), 21u);
}

}  // namespace
}  // namespace dsh::payload
