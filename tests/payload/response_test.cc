#include "dsh/response.h"

#include <simdjson.h>

#include <string>

#include "dsh/error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/payload/payload_builder.h"

namespace dsh {
namespace {

using payload::testing::kCanaryPassword;
using ::testing::HasSubstr;
using ::testing::Not;

bool IsJson(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return parser.parse(text.data(), text.size()).get(root) == simdjson::SUCCESS;
}

Column IdColumn() {
  Column column;
  column.name = "id";
  column.data_type = "integer";
  column.remote_type = "integer";
  column.nullable = false;
  column.primary_key = true;
  column.tags = {"New"};
  return column;
}

HandlerView SampleView() {
  HandlerView view;
  HandlerRecord& h = view.handler;
  h.id = 41;
  h.data_source_id = 7;
  h.technology = Technology::kRedshift;
  h.connection_string = "rs.example.com:5439/dev";
  h.metadata.hostname = "rs.example.com";
  h.metadata.port = 5439;
  h.metadata.database = "dev";
  h.metadata.schema = "army";
  h.metadata.table = "army_records";
  h.metadata.username = "user";
  h.metadata.password = kCanaryPassword;
  h.metadata.user_files = {UserFile{
      "ca", "ca.pem", std::string("PEM ") + kCanaryPassword, "my-ca.pem"}};
  h.metadata.stale_data_tolerance = 86400;
  h.metadata.columns = std::vector<std::string>{"id"};
  DataSourceRecord& ds = view.data_source;
  ds.id = 7;
  ds.handler_id = 41;
  ds.name = "Army Records";
  ds.sql_schema_name = "army";
  ds.sql_table_name = "army_records";
  ds.is_private = true;
  ds.organization = "Army";
  ds.spec.type = "queryable";
  ds.spec.blob_handler_type = "Redshift";
  ds.spec.blob_handler_json = R"({"scheme":"https","url":""})";
  ds.dictionary = {IdColumn()};
  ds.created_at_ms = 1714564800250;  // 2024-05-01T12:00:00.250Z
  ds.updated_at_ms = -1;             // 1969-12-31T23:59:59.999Z
  return view;
}

TEST(HandlerViewJson, WritesTheHandlerItsDataSourceAndItsColumns) {
  const std::string json = HandlerViewJson(SampleView());

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(
      json,
      R"({"id":41,"dataSourceId":7,"technology":"redshift",)"
      R"("connectionString":"rs.example.com:5439/dev",)"
      R"("metadata":{"hostname":"rs.example.com","port":5439,)"
      R"("database":"dev","schema":"army","table":"army_records",)"
      R"("query":null,"username":"user","ssl":true,)"
      R"("userFiles":[{"keyName":"ca","filename":"ca.pem",)"
      R"("userFilename":"my-ca.pem"}],"connectionStringOptions":"",)"
      R"("authenticationMethod":"","dataSourceName":"",)"
      R"("bodataSchemaName":"","bodataTableName":"",)"
      R"("schemaProjectName":"","nativeViewName":"",)"
      R"("nativeSchemaName":"","nativeWorkspaceName":"",)"
      R"("staleDataTolerance":86400,"columns":["id"]},)"
      R"("dataSource":{"id":7,"name":"Army Records",)"
      R"("sqlSchemaName":"army","sqlTableName":"army_records",)"
      R"("private":true,"organization":"Army","type":"queryable",)"
      R"("blobHandlerType":"Redshift","recordFormat":"",)"
      R"("blobHandler":{"scheme":"https","url":""},"category":"",)"
      R"("description":"","healthy":true,)"
      R"("createdAt":"2024-05-01T12:00:00.250Z",)"
      R"("updatedAt":"1969-12-31T23:59:59.999Z","dictionaryReadAt":null},)"
      R"("columns":[{"name":"id","dataType":"integer",)"
      R"("remoteType":"integer","nullable":false,"primaryKey":true,)"
      R"("tags":["New"]}]})");
}

TEST(HandlerViewJson, NeverWritesThePasswordOrUserFileContent) {
  const std::string json = HandlerViewJson(SampleView());
  EXPECT_THAT(json, Not(HasSubstr(kCanaryPassword)));
  EXPECT_THAT(json, Not(HasSubstr("password")));
  EXPECT_THAT(json, Not(HasSubstr("content")));
}

TEST(HandlerViewJson, WritesNullForAStoredBlobHandlerThatIsNotJson) {
  HandlerView view = SampleView();
  view.data_source.spec.blob_handler_json = R"({"scheme":)";
  const std::string json = HandlerViewJson(view);
  EXPECT_TRUE(IsJson(json));
  EXPECT_THAT(json, HasSubstr(R"("blobHandler":null)"));
}

TEST(CreateResultJson, WritesIdsOfTheFirstDataSourceAndEveryWarning) {
  CreateResult result;
  result.connection_string = "rs.example.com:5439/dev";
  CreatedDataSource created;
  created.handler_id = 41;
  created.data_source_id = 7;
  created.name = "Army Records";
  created.sql_schema_name = "army";
  created.sql_table_name = "army_records";
  created.schema = "army";
  created.table = "army_records";
  created.dictionary = {IdColumn()};
  result.created = {created};
  result.warnings = {
      Warning{"deprecated_field", "/handler/0/metadata/staleDataTolerance",
              "staleDataTolerance is deprecated and has no effect"},
      Warning{"duplicate_table", "/handler/1",
              "duplicate tables are specified in the payload."}};

  const std::string json = CreateResultJson(result);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(
      json,
      R"({"id":41,"dataSourceId":7,)"
      R"("connectionString":"rs.example.com:5439/dev",)"
      R"("warnings":"staleDataTolerance is deprecated and has no effect\n)"
      R"(duplicate tables are specified in the payload.",)"
      R"("warningList":[{"code":"deprecated_field",)"
      R"("pointer":"/handler/0/metadata/staleDataTolerance",)"
      R"("message":"staleDataTolerance is deprecated and has no effect"},)"
      R"({"code":"duplicate_table","pointer":"/handler/1",)"
      R"("message":"duplicate tables are specified in the payload."}],)"
      R"("dataSources":[{"handlerId":41,"dataSourceId":7,)"
      R"("name":"Army Records","sqlSchemaName":"army",)"
      R"("sqlTableName":"army_records","schema":"army",)"
      R"("table":"army_records","columns":[{"name":"id",)"
      R"("dataType":"integer","remoteType":"integer","nullable":false,)"
      R"("primaryKey":true,"tags":["New"]}]}]})");
}

TEST(CreateResultJson, WritesZeroIdsAndAnEmptyWarningWhenNothingHappened) {
  EXPECT_EQ(CreateResultJson(CreateResult{}),
            R"({"id":0,"dataSourceId":0,"connectionString":"",)"
            R"("warnings":"","warningList":[],"dataSources":[]})");
}

TEST(ErrorJson, ListsEveryProblem) {
  const absl::Status status = InvalidRequest(
      {{"/handler/0/metadata/port", "must be an integer from 1 to 65535"},
       {"/dataSource/type", "must be \"queryable\" or \"ingested\""}});

  const std::string json = ErrorJson(status);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(json,
            R"({"error":{"code":"invalid_request","message":)"
            R"("/handler/0/metadata/port: must be an integer from 1 to )"
            R"(65535\n/dataSource/type: must be \"queryable\" or )"
            R"(\"ingested\"","problems":[{"pointer":)"
            R"("/handler/0/metadata/port","message":"must be an integer )"
            R"(from 1 to 65535"},{"pointer":"/dataSource/type","message":)"
            R"("must be \"queryable\" or \"ingested\""}]}})");
}

TEST(ErrorJson, GivesTheOffsetOfMalformedJson) {
  EXPECT_EQ(ErrorJson(MalformedJson(14, "expected the literal true")),
            R"({"error":{"code":"malformed_json","message":"malformed JSON )"
            R"(at byte 14: expected the literal true","problems":[],)"
            R"("offset":14}})");
}

TEST(ErrorJson, NamesOtherFailuresByTheirCode) {
  EXPECT_EQ(ErrorJson(absl::NotFoundError("handler 9 does not exist")),
            R"({"error":{"code":"not_found","message":"handler 9 does not )"
            R"(exist","problems":[]}})");
}

}  // namespace
}  // namespace dsh
