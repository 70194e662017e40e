#include "payload/create_payload.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/payload/payload_builder.h"

namespace dsh::payload {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kCanaryPassword;
using testing::Members;
using ::testing::Optional;
using testing::Payload;

ParsedCreate Parse(const std::string& json, const ParseOptions& options = {}) {
  absl::StatusOr<ParsedCreate> parsed = ParseCreateRequest(json, options);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ParsedCreate{};
}

std::vector<Problem> ProblemsFor(const Payload& payload,
                                 const ParseOptions& options = {}) {
  return Parse(payload.Json(), options).problems;
}

// The problems of a payload whose only handler has `key` set to `raw`.
std::vector<Problem> ProblemsWithMetadata(const std::string& key,
                                          const std::string& raw) {
  Payload payload;
  payload.metadata[0].Set(key, raw);
  return ProblemsFor(payload);
}

std::vector<Problem> ProblemsWithDataSource(const std::string& key,
                                            const std::string& raw) {
  Payload payload;
  payload.data_source.Set(key, raw);
  return ProblemsFor(payload);
}

std::vector<Problem> ProblemsWithSchemaEvolution(const std::string& json) {
  Payload payload;
  payload.top.Set("schemaEvolution", json);
  return ProblemsFor(payload);
}

Problem At(std::string pointer, std::string message) {
  return Problem{std::move(pointer), std::move(message)};
}

const char kMd[] = "/handler/0/metadata/";

// --- A valid payload -------------------------------------------------------

TEST(ParseCreateRequest, AcceptsAValidPayloadAndReadsEveryField) {
  Payload payload;
  payload.metadata[0]
      .Set("dataSourceName", R"("Army Records")")
      .Set("bodataSchemaName", R"("army")")
      .Set("bodataTableName", R"("army_records")")
      .Set("schemaProjectName", R"("Army")")
      .Set("nativeViewName", R"("v")")
      .Set("nativeSchemaName", R"("s")")
      .Set("nativeWorkspaceName", R"("w")")
      .Set("connectionStringOptions", R"("sslmode=require")")
      .Set("authenticationMethod", R"("userPassword")");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.warnings, IsEmpty());
  ASSERT_EQ(parsed.request.handlers.size(), 1u);
  const HandlerMetadata& m = parsed.request.handlers[0];
  EXPECT_EQ(m.hostname, "rs.example.com");
  EXPECT_EQ(m.port, 5439);
  EXPECT_EQ(m.database, "dev");
  EXPECT_EQ(m.schema, "army");
  EXPECT_EQ(m.table, "army_records");
  EXPECT_EQ(m.username, "user");
  EXPECT_EQ(m.password, kCanaryPassword);
  EXPECT_TRUE(m.ssl);
  EXPECT_EQ(m.data_source_name, "Army Records");
  EXPECT_EQ(m.bodata_schema_name, "army");
  EXPECT_EQ(m.bodata_table_name, "army_records");
  EXPECT_EQ(m.schema_project_name, "Army");
  EXPECT_EQ(m.native_view_name, "v");
  EXPECT_EQ(m.native_schema_name, "s");
  EXPECT_EQ(m.native_workspace_name, "w");
  EXPECT_EQ(m.connection_string_options, "sslmode=require");
  EXPECT_EQ(m.authentication_method, "userPassword");
  EXPECT_FALSE(m.query.has_value());
  EXPECT_FALSE(m.columns.has_value());
  const DataSourceSpec& ds = parsed.request.data_source;
  EXPECT_EQ(ds.blob_handler_json, R"({"scheme":"https","url":""})");
  EXPECT_EQ(ds.blob_handler_type, "Redshift");
  EXPECT_EQ(ds.type, "queryable");
  EXPECT_FALSE(ds.is_private.has_value());
  EXPECT_EQ(parsed.request.technology, Technology::kRedshift);
  EXPECT_FALSE(parsed.request.schema_evolution.has_value());
  EXPECT_EQ(parsed.request.policy_rules_json, "");
}

TEST(ParseCreateRequest, FillsTheRedshiftPortWhenNoneIsGiven) {
  Payload payload;
  payload.metadata[0].Erase("port");
  EXPECT_EQ(Parse(payload.Json()).request.handlers.at(0).port, 5439);
}

TEST(ParseCreateRequest, FillsThePostgresqlPortWhenNoneIsGiven) {
  Payload payload;
  payload.metadata[0].Erase("port");
  payload.data_source.Set("blobHandlerType", R"("PostgreSQL")");
  ParseOptions options;
  options.technology = Technology::kPostgresql;

  const ParsedCreate parsed = Parse(payload.Json(), options);

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.request.handlers.at(0).port, 5432);
  EXPECT_EQ(parsed.request.technology, Technology::kPostgresql);
}

TEST(ParseCreateRequest, TurnsSslOnWhenNotGiven) {
  Payload payload;
  payload.metadata[0].Erase("ssl");
  EXPECT_TRUE(Parse(payload.Json()).request.handlers.at(0).ssl);
}

TEST(ParseCreateRequest, ReadsSslFalse) {
  Payload payload;
  payload.metadata[0].Set("ssl", "false");
  EXPECT_FALSE(Parse(payload.Json()).request.handlers.at(0).ssl);
}

TEST(ParseCreateRequest, TreatsNullAsAnAbsentOptionalField) {
  Payload payload;
  payload.metadata[0]
      .Set("port", "null")
      .Set("ssl", "null")
      .Set("columns", "null");
  payload.data_source.Set("schemaEvolutionId", "null").Set("owner", "null");
  payload.top.Set("schemaEvolution", "null").Set("policyRules", "null");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.request.handlers.at(0).port, 5439);
  EXPECT_TRUE(parsed.request.handlers.at(0).ssl);
  EXPECT_FALSE(parsed.request.schema_evolution.has_value());
}

TEST(ParseCreateRequest, TreatsNullAsAnAbsentRequiredField) {
  EXPECT_THAT(ProblemsWithMetadata("hostname", "null"),
              ElementsAre(At("/handler/0/metadata/hostname", "is required")));
}

TEST(ParseCreateRequest, IgnoresUnknownKeysAtEveryLevel) {
  Payload payload;
  payload.metadata[0].Set("futureOption", R"({"a":[1,2,{"b":null}]})");
  payload.data_source.Set("columnEvolutionEnabled", "true");
  payload.top.Set("somethingNew", R"("x")");

  EXPECT_THAT(ProblemsFor(payload), IsEmpty());
}

TEST(ParseCreateRequest, AcceptsOneHandlerObjectInsteadOfAnArray) {
  const std::string json =
      R"({"handler":{"metadata":{"hostname":"h","database":"d",)"
      R"("schema":"s","table":"t"}},)"
      R"("dataSource":{"blobHandlerType":"Redshift","type":"ingested"}})";

  const ParsedCreate parsed = Parse(json);

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.request.handlers.size(), 1u);
  EXPECT_EQ(parsed.request.handlers[0].hostname, "h");
  EXPECT_EQ(parsed.request.data_source.type, "ingested");
}

TEST(ParseCreateRequest, PointsIntoASingleHandlerObjectWithoutAnIndex) {
  const std::string json =
      R"({"handler":{"metadata":{"hostname":"h","database":"d",)"
      R"("schema":"s","table":"t","port":0}},)"
      R"("dataSource":{"blobHandlerType":"Redshift","type":"queryable"}})";

  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/handler/metadata/port",
                             "must be an integer from 1 to 65535")));
}

// --- Top level -------------------------------------------------------------

TEST(ParseCreateRequest, RefusesATopLevelThatIsNotAnObject) {
  EXPECT_THAT(Parse("[1,2]").problems,
              ElementsAre(At("", "must be an object")));
}

TEST(ParseCreateRequest, RequiresTheHandlerMember) {
  EXPECT_THAT(Parse(R"({"dataSource":{"blobHandlerType":"Redshift",)"
                    R"("type":"queryable"}})")
                  .problems,
              ElementsAre(At("/handler", "is required")));
}

TEST(ParseCreateRequest, RefusesAHandlerThatIsNeitherArrayNorObject) {
  Payload payload;
  const std::string json =
      R"({"handler":"x","dataSource":)" + payload.data_source.Json() + "}";
  EXPECT_THAT(
      Parse(json).problems,
      ElementsAre(At("/handler", "must be an array of objects or an object")));
}

TEST(ParseCreateRequest, RefusesAnEmptyHandlerArray) {
  Payload payload;
  const std::string json =
      R"({"handler":[],"dataSource":)" + payload.data_source.Json() + "}";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/handler", "must not be empty")));
}

TEST(ParseCreateRequest, RefusesAHandlerEntryThatIsNotAnObject) {
  Payload payload;
  const std::string json =
      R"({"handler":[7],"dataSource":)" + payload.data_source.Json() + "}";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/handler/0", "must be an object")));
}

TEST(ParseCreateRequest, RequiresMetadataInEachHandler) {
  Payload payload;
  const std::string json = R"({"handler":[{"meta":{}}],"dataSource":)" +
                           payload.data_source.Json() + "}";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/handler/0/metadata", "is required")));
}

TEST(ParseCreateRequest, RefusesMetadataThatIsNotAnObject) {
  Payload payload;
  const std::string json = R"({"handler":[{"metadata":[]}],"dataSource":)" +
                           payload.data_source.Json() + "}";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/handler/0/metadata", "must be an object")));
}

// --- handler[i].metadata ---------------------------------------------------

TEST(Metadata, RequiresHostname) {
  Payload payload;
  payload.metadata[0].Erase("hostname");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/0/metadata/hostname", "is required")));
}

TEST(Metadata, RefusesAHostnameThatIsNotAString) {
  EXPECT_THAT(
      ProblemsWithMetadata("hostname", "42"),
      ElementsAre(At("/handler/0/metadata/hostname", "must be a string")));
}

TEST(Metadata, RefusesAnEmptyHostname) {
  EXPECT_THAT(
      ProblemsWithMetadata("hostname", R"("")"),
      ElementsAre(At("/handler/0/metadata/hostname", "must not be empty")));
}

TEST(Metadata, RefusesAUrlAsHostnameAndSaysSo) {
  EXPECT_THAT(ProblemsWithMetadata("hostname", R"("https://rs.example.com")"),
              ElementsAre(At("/handler/0/metadata/hostname",
                             "must be a host name or IP address, not a URL")));
}

TEST(Metadata, RefusesHostColonPortAsHostnameAndSaysSo) {
  EXPECT_THAT(
      ProblemsWithMetadata("hostname", R"("rs.example.com:5439")"),
      ElementsAre(At("/handler/0/metadata/hostname",
                     "must be a host name or IP address without a port; "
                     "give the port in \"port\"")));
}

TEST(Metadata, AcceptsIpv6LiteralsWithAndWithoutBrackets) {
  EXPECT_THAT(ProblemsWithMetadata("hostname", R"("::1")"), IsEmpty());
  EXPECT_THAT(ProblemsWithMetadata("hostname", R"("[::1]")"), IsEmpty());
}

TEST(Metadata, RequiresPortToBeAnIntegerFrom1To65535) {
  const std::vector<Problem> expected = {
      At("/handler/0/metadata/port", "must be an integer from 1 to 65535")};
  for (const char* port : {"0", "65536", "-1", R"("5439")", "5439.5", "5439.0",
                           "true", "9223372036854775808"}) {
    SCOPED_TRACE(port);
    EXPECT_EQ(ProblemsWithMetadata("port", port), expected);
  }
}

TEST(Metadata, AcceptsTheLowestAndHighestPorts) {
  EXPECT_THAT(ProblemsWithMetadata("port", "1"), IsEmpty());
  EXPECT_THAT(ProblemsWithMetadata("port", "65535"), IsEmpty());
}

TEST(Metadata, RequiresDatabase) {
  Payload payload;
  payload.metadata[0].Erase("database");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/0/metadata/database", "is required")));
}

TEST(Metadata, RefusesAnEmptyDatabase) {
  EXPECT_THAT(
      ProblemsWithMetadata("database", R"("")"),
      ElementsAre(At("/handler/0/metadata/database", "must not be empty")));
}

TEST(Metadata, RequiresSchemaAndTableWithoutAQuery) {
  Payload payload;
  payload.metadata[0].Erase("schema").Erase("table");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/0/metadata/schema", "is required"),
                          At("/handler/0/metadata/table", "is required")));
}

TEST(Metadata, AcceptsAQueryInsteadOfSchemaAndTable) {
  Payload payload;
  payload.metadata[0].Erase("schema").Erase("table").Set("query",
                                                         R"("select 1")");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.request.handlers.at(0).query,
              Optional(std::string("select 1")));
}

TEST(Metadata, RefusesAQueryThatIsNotAString) {
  Payload payload;
  payload.metadata[0].Erase("schema").Erase("table").Set("query", "1");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/0/metadata/query", "must be a string")));
}

TEST(Metadata, RefusesAnEmptyQuery) {
  EXPECT_THAT(
      ProblemsWithMetadata("query", R"("")"),
      ElementsAre(At("/handler/0/metadata/query", "must not be empty")));
}

TEST(Metadata, RefusesAnEmptySchema) {
  EXPECT_THAT(
      ProblemsWithMetadata("schema", R"("")"),
      ElementsAre(At("/handler/0/metadata/schema", "must not be empty")));
}

TEST(Metadata, RefusesASslThatIsNotABoolean) {
  EXPECT_THAT(ProblemsWithMetadata("ssl", R"("true")"),
              ElementsAre(At("/handler/0/metadata/ssl", "must be a boolean")));
}

TEST(Metadata, RefusesAPasswordThatIsNotAStringWithoutQuotingIt) {
  const std::vector<Problem> problems =
      ProblemsWithMetadata("password", R"(["canary-Pw-7f3a"])");
  EXPECT_THAT(problems, ElementsAre(At("/handler/0/metadata/password",
                                       "must be a string")));
}

// Every plain string member of the metadata refuses other types.
class StringMember : public ::testing::TestWithParam<const char*> {};

TEST_P(StringMember, MustBeAString) {
  EXPECT_THAT(
      ProblemsWithMetadata(GetParam(), "{}"),
      ElementsAre(At(std::string(kMd) + GetParam(), "must be a string")));
}

INSTANTIATE_TEST_SUITE_P(
    Metadata, StringMember,
    ::testing::Values("database", "schema", "table", "username", "password",
                      "connectionStringOptions", "authenticationMethod",
                      "dataSourceName", "bodataSchemaName", "bodataTableName",
                      "schemaProjectName", "nativeViewName", "nativeSchemaName",
                      "nativeWorkspaceName"));

TEST(Metadata, RefusesAnUnsupportedAuthenticationMethodAndSaysSo) {
  EXPECT_THAT(ProblemsWithMetadata("authenticationMethod", R"("iamRole")"),
              ElementsAre(At("/handler/0/metadata/authenticationMethod",
                             "unsupported authentication method; only "
                             "\"userPassword\" is supported")));
}

TEST(Metadata, AcceptsAnEmptyAuthenticationMethodAsTheDefault) {
  EXPECT_THAT(ProblemsWithMetadata("authenticationMethod", R"("")"), IsEmpty());
}

TEST(Metadata, RefusesAnEmptyDataSourceName) {
  EXPECT_THAT(ProblemsWithMetadata("dataSourceName", R"("")"),
              ElementsAre(At("/handler/0/metadata/dataSourceName",
                             "must not be empty")));
}

TEST(Metadata, RefusesBodataNamesOutsideLowerCaseLettersDigitsAndUnderscore) {
  EXPECT_THAT(ProblemsWithMetadata("bodataSchemaName", R"("Army")"),
              ElementsAre(At("/handler/0/metadata/bodataSchemaName",
                             "must contain only lower-case letters, digits "
                             "and _")));
  EXPECT_THAT(ProblemsWithMetadata("bodataTableName", R"("army-records")"),
              ElementsAre(At("/handler/0/metadata/bodataTableName",
                             "must contain only lower-case letters, digits "
                             "and _")));
}

TEST(Metadata, RefusesBodataNamesLongerThan255Characters) {
  const std::string longest = "\"" + std::string(255, 'a') + "\"";
  const std::string too_long = "\"" + std::string(256, 'a') + "\"";
  EXPECT_THAT(ProblemsWithMetadata("bodataTableName", longest), IsEmpty());
  EXPECT_THAT(ProblemsWithMetadata("bodataTableName", too_long),
              ElementsAre(At("/handler/0/metadata/bodataTableName",
                             "must be at most 255 characters")));
}

TEST(Metadata, AcceptsEmptyBodataNames) {
  EXPECT_THAT(ProblemsWithMetadata("bodataSchemaName", R"("")"), IsEmpty());
}

TEST(Metadata, WarnsThatStaleDataToleranceHasNoEffect) {
  Payload payload;
  payload.metadata[0].Set("staleDataTolerance", "86400");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0].code, "deprecated_field");
  EXPECT_EQ(parsed.warnings[0].pointer,
            "/handler/0/metadata/staleDataTolerance");
  EXPECT_EQ(parsed.warnings[0].message,
            "staleDataTolerance is deprecated and has no effect");
  EXPECT_THAT(parsed.request.handlers.at(0).stale_data_tolerance,
              Optional(86400.0));
}

TEST(Metadata, WarnsAboutStaleDataToleranceOnceForTheWholeRequest) {
  Payload payload;
  payload.metadata[0].Set("staleDataTolerance", "1.5");
  payload.AddHandler().AddHandler();
  payload.metadata[1].Set("table", R"("b")");
  payload.metadata[2].Set("table", R"("c")");

  const ParsedCreate parsed = Parse(payload.Json());

  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_EQ(parsed.warnings[0].pointer,
            "/handler/0/metadata/staleDataTolerance");
  EXPECT_EQ(parsed.warnings[0].message,
            "staleDataTolerance is deprecated and has no effect (given in 3 "
            "handlers)");
}

TEST(Metadata, RefusesAStaleDataToleranceThatIsNotANumber) {
  const ParsedCreate parsed = [] {
    Payload payload;
    payload.metadata[0].Set("staleDataTolerance", R"("1d")");
    return Parse(payload.Json());
  }();
  EXPECT_THAT(parsed.problems,
              ElementsAre(At("/handler/0/metadata/staleDataTolerance",
                             "must be a number")));
  EXPECT_THAT(parsed.warnings, IsEmpty());
}

// --- userFiles -------------------------------------------------------------

TEST(UserFiles, ReadsEachFileAndFindsTheCaBundle) {
  Payload payload;
  payload.metadata[0].Set(
      "userFiles", R"([{"keyName":"ca","filename":"ca.pem","content":"PEM",)"
                   R"("userFilename":"my-ca.pem"}])");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  const UserFile* ca = parsed.request.handlers.at(0).CaBundle();
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(ca->filename, "ca.pem");
  EXPECT_EQ(ca->content, "PEM");
  EXPECT_EQ(ca->user_filename, "my-ca.pem");
}

TEST(UserFiles, MustBeAnArray) {
  EXPECT_THAT(
      ProblemsWithMetadata("userFiles", "{}"),
      ElementsAre(At("/handler/0/metadata/userFiles", "must be an array")));
}

TEST(UserFiles, EachEntryMustBeAnObject) {
  EXPECT_THAT(
      ProblemsWithMetadata("userFiles", R"(["ca"])"),
      ElementsAre(At("/handler/0/metadata/userFiles/0", "must be an object")));
}

TEST(UserFiles, EachEntryNeedsKeyNameAndContent) {
  EXPECT_THAT(
      ProblemsWithMetadata("userFiles", R"([{"filename":"x"}])"),
      ElementsAre(
          At("/handler/0/metadata/userFiles/0/keyName", "is required"),
          At("/handler/0/metadata/userFiles/0/content", "is required")));
}

TEST(UserFiles, RefusesFileNamesThatAreNotStrings) {
  EXPECT_THAT(ProblemsWithMetadata(
                  "userFiles", R"([{"keyName":"ca","content":"x","filename":1,)"
                               R"("userFilename":false}])"),
              ElementsAre(At("/handler/0/metadata/userFiles/0/filename",
                             "must be a string"),
                          At("/handler/0/metadata/userFiles/0/userFilename",
                             "must be a string")));
}

TEST(UserFiles, RefusesARepeatedKeyName) {
  EXPECT_THAT(ProblemsWithMetadata(
                  "userFiles", R"([{"keyName":"ca","content":"secret-one"},)"
                               R"({"keyName":"ca","content":"secret-two"}])"),
              ElementsAre(At("/handler/0/metadata/userFiles/1/keyName",
                             "repeats the keyName of "
                             "/handler/0/metadata/userFiles/0/keyName")));
}

TEST(UserFiles, NeverQuotesFileContentInAProblem) {
  const std::vector<Problem> problems = ProblemsWithMetadata(
      "userFiles", R"([{"keyName":7,"content":"canary-Pw-7f3a"}])");
  ASSERT_FALSE(problems.empty());
  for (const Problem& problem : problems) {
    EXPECT_EQ(problem.message.find(kCanaryPassword), std::string::npos);
  }
}

// --- columns ---------------------------------------------------------------

TEST(Columns, AcceptsNamesAsStrings) {
  Payload payload;
  payload.metadata[0].Set("columns", R"(["id","name"])");
  const ParsedCreate parsed = Parse(payload.Json());
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.request.handlers.at(0).columns,
              Optional(ElementsAre("id", "name")));
}

TEST(Columns, AcceptsObjectsWithAName) {
  Payload payload;
  payload.metadata[0].Set(
      "columns", R"([{"name":"id","dataType":"integer"},{"name":"name"}])");
  const ParsedCreate parsed = Parse(payload.Json());
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.request.handlers.at(0).columns,
              Optional(ElementsAre("id", "name")));
}

TEST(Columns, MustBeAnArray) {
  EXPECT_THAT(
      ProblemsWithMetadata("columns", R"("id")"),
      ElementsAre(At("/handler/0/metadata/columns", "must be an array")));
}

TEST(Columns, MustNotBeEmpty) {
  EXPECT_THAT(
      ProblemsWithMetadata("columns", "[]"),
      ElementsAre(At("/handler/0/metadata/columns", "must not be empty")));
}

TEST(Columns, RefusesAnEntryThatIsNeitherStringNorObject) {
  EXPECT_THAT(ProblemsWithMetadata("columns", R"(["id",3])"),
              ElementsAre(At("/handler/0/metadata/columns/1",
                             "must be a string or an object with a \"name\"")));
}

TEST(Columns, RequiresTheNameOfAnObjectEntry) {
  EXPECT_THAT(
      ProblemsWithMetadata("columns", R"([{"dataType":"text"}])"),
      ElementsAre(At("/handler/0/metadata/columns/0/name", "is required")));
}

TEST(Columns, RefusesAnEmptyName) {
  EXPECT_THAT(
      ProblemsWithMetadata("columns", R"([""])"),
      ElementsAre(At("/handler/0/metadata/columns/0", "must not be empty")));
}

TEST(Columns, RefusesAPipeInAName) {
  EXPECT_THAT(ProblemsWithMetadata("columns", R"(["a|b"])"),
              ElementsAre(At("/handler/0/metadata/columns/0",
                             "must not contain \"|\"")));
}

TEST(Columns, RefusesARepeatedName) {
  EXPECT_THAT(ProblemsWithMetadata("columns", R"(["id","x",{"name":"id"}])"),
              ElementsAre(At("/handler/0/metadata/columns/2/name",
                             "repeats the column name of "
                             "/handler/0/metadata/columns/0")));
}

// --- One connection per request --------------------------------------------

TEST(Connection, AcceptsHandlersWithDifferentPasswords) {
  Payload payload;
  payload.AddHandler();
  payload.metadata[1]
      .Set("table", R"("other")")
      .Set("password", R"("another")");
  EXPECT_THAT(ProblemsFor(payload), IsEmpty());
}

TEST(Connection, ComparesHostnamesIgnoringCaseAndOneTrailingDot) {
  Payload payload;
  payload.AddHandler();
  payload.metadata[1]
      .Set("table", R"("other")")
      .Set("hostname", R"("RS.Example.COM.")");
  EXPECT_THAT(ProblemsFor(payload), IsEmpty());
}

TEST(Connection, ComparesIpv6LiteralsInOneForm) {
  Payload payload;
  payload.metadata[0].Set("hostname", R"("[::1]")");
  payload.AddHandler();
  payload.metadata[1].Set("table", R"("other")").Set("hostname", R"("0:0::1")");
  EXPECT_THAT(ProblemsFor(payload), IsEmpty());
}

TEST(Connection, TreatsTheDefaultPortAsEqualToTheSameExplicitPort) {
  Payload payload;
  payload.AddHandler();
  payload.metadata[1].Set("table", R"("other")").Erase("port");
  EXPECT_THAT(ProblemsFor(payload), IsEmpty());
}

TEST(Connection, RefusesHandlersOnDifferentHostsPointingAtEachDifference) {
  Payload payload;
  payload.AddHandler().AddHandler();
  payload.metadata[1]
      .Set("table", R"("b")")
      .Set("hostname", R"("other.example.com")");
  payload.metadata[2]
      .Set("table", R"("c")")
      .Set("hostname", R"("third.example.com")");
  const std::string message =
      "differs from /handler/0/metadata/hostname; the handlers of one "
      "request must share one connection";
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/1/metadata/hostname", message),
                          At("/handler/2/metadata/hostname", message)));
}

TEST(Connection, RefusesHandlersThatDifferInPortDatabaseOrUsername) {
  Payload payload;
  payload.AddHandler();
  payload.metadata[1]
      .Set("table", R"("b")")
      .Set("port", "5440")
      .Set("database", R"("prod")")
      .Erase("username");
  const std::string tail =
      "; the handlers of one request must share one connection";
  EXPECT_THAT(
      ProblemsFor(payload),
      ElementsAre(At("/handler/1/metadata/port",
                     "differs from /handler/0/metadata/port" + tail),
                  At("/handler/1/metadata/database",
                     "differs from /handler/0/metadata/database" + tail),
                  At("/handler/1/metadata/username",
                     "differs from /handler/0/metadata/username" + tail)));
}

TEST(Connection, DoesNotRepeatAProblemAlreadyReportedOnTheField) {
  Payload payload;
  payload.AddHandler();
  payload.metadata[1].Set("table", R"("b")").Set("port", "0");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/handler/1/metadata/port",
                             "must be an integer from 1 to 65535")));
}

// --- dataSource ------------------------------------------------------------

TEST(DataSource, IsRequired) {
  const std::string json =
      R"({"handler":[{"metadata":{"hostname":"h","database":"d",)"
      R"("schema":"s","table":"t"}}]})";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/dataSource", "is required")));
}

TEST(DataSource, MustBeAnObject) {
  const std::string json =
      R"({"handler":[{"metadata":{"hostname":"h","database":"d",)"
      R"("schema":"s","table":"t"}}],"dataSource":[]})";
  EXPECT_THAT(Parse(json).problems,
              ElementsAre(At("/dataSource", "must be an object")));
}

TEST(DataSource, CompatibleModeRequiresBlobHandlerTypeAndType) {
  Payload payload;
  payload.data_source = Members{};
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/dataSource/blobHandlerType", "is required"),
                          At("/dataSource/type", "is required")));
}

TEST(DataSource, StrictModeRequiresTheSeedsEightFields) {
  Payload payload;
  payload.data_source = Members{};
  ParseOptions strict;
  strict.strict = true;
  EXPECT_THAT(ProblemsFor(payload, strict),
              ElementsAre(At("/dataSource/private", "is required"),
                          At("/dataSource/blobHandler", "is required"),
                          At("/dataSource/blobHandlerType", "is required"),
                          At("/dataSource/recordFormat", "is required"),
                          At("/dataSource/type", "is required"),
                          At("/dataSource/name", "is required"),
                          At("/dataSource/sqlTableName", "is required"),
                          At("/dataSource/organization", "is required")));
}

TEST(DataSource, StrictModeAcceptsAPayloadWithTheSeedsFields) {
  Payload payload;
  payload.data_source.Set("private", "false")
      .Set("name", R"("Army Records")")
      .Set("sqlTableName", R"("army_records")")
      .Set("organization", R"("Army")");
  ParseOptions strict;
  strict.strict = true;

  const ParsedCreate parsed = Parse(payload.Json(), strict);

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_THAT(parsed.request.data_source.is_private, Optional(false));
  EXPECT_EQ(parsed.request.data_source.name, "Army Records");
  EXPECT_EQ(parsed.request.data_source.sql_table_name, "army_records");
  EXPECT_EQ(parsed.request.data_source.organization, "Army");
}

TEST(DataSource, RefusesAPrivateThatIsNotABoolean) {
  EXPECT_THAT(ProblemsWithDataSource("private", "1"),
              ElementsAre(At("/dataSource/private", "must be a boolean")));
}

TEST(DataSource, KeepsABlobHandlerArrayAsCompactJson) {
  Payload payload;
  payload.data_source.Set(
      "blobHandler",
      R"([ {"scheme" : "https", "url": "u", "extra": [1, 2.5, null, true]},)"
      R"( {"scheme":"s3","url":"x\"y"} ])");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.request.data_source.blob_handler_json,
            R"([{"scheme":"https","url":"u","extra":[1,2.5,null,true]},)"
            R"({"scheme":"s3","url":"x\"y"}])");
}

TEST(DataSource, RefusesABlobHandlerThatIsNeitherObjectNorArray) {
  EXPECT_THAT(ProblemsWithDataSource("blobHandler", R"("https://x")"),
              ElementsAre(At("/dataSource/blobHandler",
                             "must be an object or an array of objects")));
}

TEST(DataSource, RefusesABlobHandlerEntryThatIsNotAnObject) {
  EXPECT_THAT(
      ProblemsWithDataSource("blobHandler", R"([{"scheme":"s","url":""},"x"])"),
      ElementsAre(At("/dataSource/blobHandler/1", "must be an object")));
}

TEST(DataSource, RefusesAnEmptyBlobHandlerArray) {
  EXPECT_THAT(ProblemsWithDataSource("blobHandler", "[]"),
              ElementsAre(At("/dataSource/blobHandler", "must not be empty")));
}

TEST(DataSource, RequiresSchemeAndUrlInABlobHandler) {
  EXPECT_THAT(
      ProblemsWithDataSource("blobHandler", R"({"url":5})"),
      ElementsAre(At("/dataSource/blobHandler/scheme", "is required"),
                  At("/dataSource/blobHandler/url", "must be a string")));
}

TEST(DataSource, RefusesABlobHandlerTypeOfAnotherTechnology) {
  EXPECT_THAT(ProblemsWithDataSource("blobHandlerType", R"("PostgreSQL")"),
              ElementsAre(At("/dataSource/blobHandlerType",
                             "must be \"Redshift\" to match the technology "
                             "redshift")));
}

TEST(DataSource, RequiresPostgreSqlAsBlobHandlerTypeForPostgresql) {
  Payload payload;
  ParseOptions options;
  options.technology = Technology::kPostgresql;
  EXPECT_THAT(ProblemsFor(payload, options),
              ElementsAre(At("/dataSource/blobHandlerType",
                             "must be \"PostgreSQL\" to match the technology "
                             "postgresql")));
}

TEST(DataSource, RefusesARecordFormatThatIsNotAString) {
  EXPECT_THAT(ProblemsWithDataSource("recordFormat", "null"), IsEmpty());
  EXPECT_THAT(ProblemsWithDataSource("recordFormat", "[]"),
              ElementsAre(At("/dataSource/recordFormat", "must be a string")));
}

TEST(DataSource, RefusesATypeOtherThanQueryableOrIngested) {
  const Problem expected =
      At("/dataSource/type", "must be \"queryable\" or \"ingested\"");
  EXPECT_THAT(ProblemsWithDataSource("type", R"("streamed")"),
              ElementsAre(expected));
  EXPECT_THAT(ProblemsWithDataSource("type", "1"), ElementsAre(expected));
}

TEST(DataSource, RefusesAnEmptyName) {
  EXPECT_THAT(ProblemsWithDataSource("name", R"("")"),
              ElementsAre(At("/dataSource/name", "must not be empty")));
}

TEST(DataSource, RefusesASqlTableNameOutsideTheSqlAlphabet) {
  EXPECT_THAT(ProblemsWithDataSource("sqlTableName", R"("Army Records")"),
              ElementsAre(At("/dataSource/sqlTableName",
                             "must contain only lower-case letters, digits "
                             "and _")));
}

TEST(DataSource, RefusesASqlTableNameLongerThan255Characters) {
  EXPECT_THAT(ProblemsWithDataSource("sqlTableName",
                                     "\"" + std::string(256, 'x') + "\""),
              ElementsAre(At("/dataSource/sqlTableName",
                             "must be at most 255 characters")));
}

TEST(DataSource, RefusesOrganizationCategoryAndDescriptionOfOtherTypes) {
  Payload payload;
  payload.data_source.Set("organization", "1")
      .Set("category", "2")
      .Set("description", "3");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/dataSource/organization", "must be a string"),
                          At("/dataSource/category", "must be a string"),
                          At("/dataSource/description", "must be a string")));
}

TEST(DataSource, ReadsOwnersAsOneObject) {
  Payload payload;
  payload.data_source.Set("owner", R"({"profiles":[3,5],"groups":[4,1999]})");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.request.data_source.owner.size(), 1u);
  EXPECT_THAT(parsed.request.data_source.owner[0].profiles, ElementsAre(3, 5));
  EXPECT_THAT(parsed.request.data_source.owner[0].groups, ElementsAre(4, 1999));
}

TEST(DataSource, ReadsExpertsAndIngestUsersAsArraysOfObjects) {
  Payload payload;
  payload.data_source
      .Set("expert", R"([{"profiles":[87,199],"groups":[324]},{"groups":[1]}])")
      .Set("ingest", R"([{"profiles":[34]}])");

  const ParsedCreate parsed = Parse(payload.Json());

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_EQ(parsed.request.data_source.expert.size(), 2u);
  EXPECT_THAT(parsed.request.data_source.expert[1].groups, ElementsAre(1));
  ASSERT_EQ(parsed.request.data_source.ingest.size(), 1u);
  EXPECT_THAT(parsed.request.data_source.ingest[0].profiles, ElementsAre(34));
}

TEST(DataSource, RefusesIdsThatAreNotPositiveIntegers) {
  EXPECT_THAT(
      ProblemsWithDataSource("owner",
                             R"({"profiles":[1,0,-2,"3",1.5],"groups":[]})"),
      ElementsAre(
          At("/dataSource/owner/profiles/1", "must be a positive integer"),
          At("/dataSource/owner/profiles/2", "must be a positive integer"),
          At("/dataSource/owner/profiles/3", "must be a positive integer"),
          At("/dataSource/owner/profiles/4", "must be a positive integer")));
}

TEST(DataSource, RefusesIdListsThatAreNotArrays) {
  EXPECT_THAT(ProblemsWithDataSource("expert", R"([{"groups":7}])"),
              ElementsAre(At("/dataSource/expert/0/groups",
                             "must be an array of positive integers")));
}

TEST(DataSource, RefusesPrincipalsOfOtherShapes) {
  EXPECT_THAT(ProblemsWithDataSource("ingest", "5"),
              ElementsAre(At("/dataSource/ingest",
                             "must be an object or an array of objects")));
  EXPECT_THAT(ProblemsWithDataSource("ingest", "[5]"),
              ElementsAre(At("/dataSource/ingest/0", "must be an object")));
}

TEST(DataSource, RefusesAHasExamplesThatIsNotABoolean) {
  EXPECT_THAT(ProblemsWithDataSource("hasExamples", R"("yes")"),
              ElementsAre(At("/dataSource/hasExamples", "must be a boolean")));
}

// --- schemaEvolution -------------------------------------------------------

TEST(SchemaEvolution, ReadsEveryFieldAndKeepsDefaultsForTheRest) {
  const ParsedCreate parsed = [] {
    Payload payload;
    payload.top.Set(
        "schemaEvolution",
        R"({"ownerProfileId":2,"disabled":false,"schemas":["army","navy"],)"
        R"("config":{"nameTemplate":{"nameFormat":"<Tablename>"}}})");
    return Parse(payload.Json());
  }();

  EXPECT_THAT(parsed.problems, IsEmpty());
  ASSERT_TRUE(parsed.request.schema_evolution.has_value());
  const SchemaEvolution& se = *parsed.request.schema_evolution;
  EXPECT_THAT(se.owner_profile_id, Optional(2));
  EXPECT_FALSE(se.disabled);
  EXPECT_THAT(se.schemas, ElementsAre("army", "navy"));
  EXPECT_EQ(se.name_template.name_format, "<Tablename>");
  EXPECT_EQ(se.name_template.table_format, "<tablename>");
}

TEST(SchemaEvolution, IsDisabledUnlessSaidOtherwise) {
  Payload payload;
  payload.top.Set("schemaEvolution", "{}");
  const ParsedCreate parsed = Parse(payload.Json());
  ASSERT_TRUE(parsed.request.schema_evolution.has_value());
  EXPECT_TRUE(parsed.request.schema_evolution->disabled);
}

TEST(SchemaEvolution, MustBeAnObject) {
  EXPECT_THAT(ProblemsWithSchemaEvolution("[]"),
              ElementsAre(At("/schemaEvolution", "must be an object")));
}

TEST(SchemaEvolution, RefusesAnOwnerProfileIdThatIsNotAPositiveInteger) {
  EXPECT_THAT(ProblemsWithSchemaEvolution(R"({"ownerProfileId":"2"})"),
              ElementsAre(At("/schemaEvolution/ownerProfileId",
                             "must be a positive integer")));
}

TEST(SchemaEvolution, RefusesADisabledThatIsNotABoolean) {
  EXPECT_THAT(
      ProblemsWithSchemaEvolution(R"({"disabled":0})"),
      ElementsAre(At("/schemaEvolution/disabled", "must be a boolean")));
}

TEST(SchemaEvolution, RefusesSchemasThatAreNotAnArrayOfStrings) {
  EXPECT_THAT(ProblemsWithSchemaEvolution(R"({"schemas":"army"})"),
              ElementsAre(At("/schemaEvolution/schemas", "must be an array")));
  EXPECT_THAT(
      ProblemsWithSchemaEvolution(R"({"schemas":["army",1]})"),
      ElementsAre(At("/schemaEvolution/schemas/1", "must be a string")));
}

TEST(SchemaEvolution, RefusesAConfigOrNameTemplateThatIsNotAnObject) {
  EXPECT_THAT(ProblemsWithSchemaEvolution(R"({"config":1})"),
              ElementsAre(At("/schemaEvolution/config", "must be an object")));
  EXPECT_THAT(ProblemsWithSchemaEvolution(R"({"config":{"nameTemplate":1}})"),
              ElementsAre(At("/schemaEvolution/config/nameTemplate",
                             "must be an object")));
}

TEST(SchemaEvolution, RefusesNameFormatsThatAreNotStrings) {
  const std::string prefix = "/schemaEvolution/config/nameTemplate/";
  EXPECT_THAT(
      ProblemsWithSchemaEvolution(
          R"({"config":{"nameTemplate":{"nameFormat":1,"tableFormat":[],)"
          R"("sqlSchemaNameFormat":{},"schemaProjectNameFormat":true}}})"),
      ElementsAre(At(prefix + "nameFormat", "must be a string"),
                  At(prefix + "tableFormat", "must be a string"),
                  At(prefix + "sqlSchemaNameFormat", "must be a string"),
                  At(prefix + "schemaProjectNameFormat", "must be a string")));
}

// --- policyRules -----------------------------------------------------------

TEST(PolicyRules, KeepsTheArrayAsCompactJson) {
  Payload payload;
  payload.top.Set("policyRules", R"([ {"type": "masking", "n": 1e3} ])");
  const ParsedCreate parsed = Parse(payload.Json());
  EXPECT_THAT(parsed.problems, IsEmpty());
  EXPECT_EQ(parsed.request.policy_rules_json,
            R"([{"type":"masking","n":1000}])");
}

TEST(PolicyRules, MustBeAnArray) {
  Payload payload;
  payload.top.Set("policyRules", "{}");
  EXPECT_THAT(ProblemsFor(payload),
              ElementsAre(At("/policyRules", "must be an array")));
}

// --- Everything at once ----------------------------------------------------

TEST(ParseCreateRequest, ReportsEveryProblemNotOnlyTheFirst) {
  Payload payload;
  payload.metadata[0]
      .Set("hostname", R"("https://rs.example.com")")
      .Set("port", "70000")
      .Erase("database");
  payload.AddHandler();
  payload.metadata[1].Set("columns", R"(["a","a"])").Set("ssl", "1");
  payload.data_source.Set("type", R"("other")");
  payload.top.Set("schemaEvolution", R"({"ownerProfileId":-1})");

  EXPECT_THAT(
      ProblemsFor(payload),
      ElementsAre(
          At("/handler/0/metadata/hostname",
             "must be a host name or IP address, not a URL"),
          At("/handler/0/metadata/port", "must be an integer from 1 to 65535"),
          At("/handler/0/metadata/database", "is required"),
          At("/handler/1/metadata/hostname",
             "must be a host name or IP address, not a URL"),
          At("/handler/1/metadata/port", "must be an integer from 1 to 65535"),
          At("/handler/1/metadata/database", "is required"),
          At("/handler/1/metadata/ssl", "must be a boolean"),
          At("/handler/1/metadata/columns/1",
             "repeats the column name of /handler/1/metadata/columns/0"),
          At("/dataSource/type", "must be \"queryable\" or \"ingested\""),
          At("/schemaEvolution/ownerProfileId", "must be a positive integer")));
}

TEST(ParseCreateRequest, NeverEchoesAStringValueInAProblemOrWarning) {
  const std::string canary = std::string("\"") + kCanaryPassword + "\"";
  Payload payload;
  payload.metadata[0]
      .Set("hostname", std::string("\"") + kCanaryPassword + ":1\"")
      .Set("authenticationMethod", canary)
      .Set("columns", "[" + canary + "," + canary + "]")
      .Set("staleDataTolerance", "1");
  payload.AddHandler();
  payload.metadata[1].Set("username", R"("other")");

  const ParsedCreate parsed = Parse(payload.Json());

  ASSERT_FALSE(parsed.problems.empty());
  for (const Problem& problem : parsed.problems) {
    EXPECT_EQ(problem.pointer.find(kCanaryPassword), std::string::npos);
    EXPECT_EQ(problem.message.find(kCanaryPassword), std::string::npos);
  }
  for (const Warning& warning : parsed.warnings) {
    EXPECT_EQ(warning.message.find(kCanaryPassword), std::string::npos);
  }
}

}  // namespace
}  // namespace dsh::payload
