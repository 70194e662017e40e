#include "dsh/response.h"

#include <simdjson.h>

#include <string>
#include <utility>

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
      R"("description":"","healthy":true,"healthMessage":"",)"
      R"("disabled":false,"createdAt":"2024-05-01T12:00:00.250Z",)"
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

TEST(HandlerViewJson, WritesWhyADataSourceIsUnhealthyAndThatItIsDisabled) {
  HandlerView view = SampleView();
  view.data_source.healthy = false;
  view.data_source.health_message = "table army.army_records is gone";
  view.data_source.disabled = true;

  const std::string json = HandlerViewJson(view);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_THAT(json, HasSubstr(R"("healthy":false,)"
                              R"("healthMessage":"table army.army_records )"
                              R"(is gone","disabled":true,)"));
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

TEST(UpdateResultJson, WritesTheHandlerIdTheCaFileAndTheColumns) {
  UpdateResult result;
  result.id = 41;
  result.ca = "ca.pem";
  result.columns = {IdColumn()};

  const std::string json = UpdateResultJson(result);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(json,
            R"({"id":41,"ca":"ca.pem","columns":[{"name":"id",)"
            R"("dataType":"integer","remoteType":"integer","nullable":false,)"
            R"("primaryKey":true,"tags":["New"]}]})");
}

TEST(UpdateResultJson, WritesAnEmptyCaWhenNoBundleIsInUse) {
  UpdateResult result;
  result.id = 3;
  EXPECT_EQ(UpdateResultJson(result), R"({"id":3,"ca":"","columns":[]})");
}

TEST(BulkResultJson, WritesTheBulkIdTheNewConnectionAndTheJobCount) {
  BulkResult result;
  result.bulk_id = 12;
  result.connection_string = "rs2.example.com:5439/dev";
  result.jobs_created = 4;

  const std::string json = BulkResultJson(result);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(json, R"({"bulkId":12,"connectionString":)"
                  R"("rs2.example.com:5439/dev","jobsCreated":4})");
}

ColumnChange Change(ColumnChange::Kind kind, std::string column,
                    std::string old_type, std::string new_type) {
  ColumnChange change;
  change.kind = kind;
  change.column = std::move(column);
  change.old_remote_type = std::move(old_type);
  change.new_remote_type = std::move(new_type);
  return change;
}

// Three outcomes: one changed, one whose table is gone, one whose catalog
// read failed; plus one data source created and one disabled.
DetectChangesResult SampleDetectChanges() {
  DetectChangesResult result;

  RefreshOutcome changed;
  changed.data_source_id = 7;
  changed.handler_id = 41;
  changed.changes = {
      Change(ColumnChange::Kind::kAdded, "rank", "", "character varying(16)"),
      Change(ColumnChange::Kind::kRemoved, "unit", "integer", ""),
      Change(ColumnChange::Kind::kTypeChanged, "pay", "numeric(8,2)",
             "numeric(12,2)")};

  RefreshOutcome gone;
  gone.data_source_id = 8;
  gone.handler_id = 42;
  gone.healthy = false;
  gone.warnings = {
      Warning{"table_missing", "", "table army.retired no longer exists"}};

  RefreshOutcome failed;
  failed.data_source_id = 9;
  failed.handler_id = 43;
  failed.error_code = "permission_denied";
  failed.error_message = "the login may not read army.secret";

  result.refreshed = {changed, gone, failed};

  CreatedDataSource created;
  created.handler_id = 44;
  created.data_source_id = 10;
  created.name = "Army Recruits";
  created.sql_schema_name = "army";
  created.sql_table_name = "recruits";
  created.schema = "army";
  created.table = "recruits";
  created.dictionary = {IdColumn()};
  result.created = {created};

  result.disabled = {8};
  result.warnings = {
      Warning{"table_missing", "", "table army.retired no longer exists"}};
  return result;
}

TEST(DetectChangesResultJson, WritesEveryOutcomeWhatWasCreatedAndASummary) {
  const std::string json = DetectChangesResultJson(SampleDetectChanges());

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(
      json,
      R"j({"refreshed":[)j"
      R"j({"dataSourceId":7,"handlerId":41,"healthy":true,"changes":[)j"
      R"j({"kind":"added","column":"rank","oldType":null,)j"
      R"j("newType":"character varying(16)"},)j"
      R"j({"kind":"removed","column":"unit","oldType":"integer",)j"
      R"j("newType":null},)j"
      R"j({"kind":"typeChanged","column":"pay","oldType":"numeric(8,2)",)j"
      R"j("newType":"numeric(12,2)"}],"warnings":[]},)j"
      R"j({"dataSourceId":8,"handlerId":42,"healthy":false,"changes":[],)j"
      R"j("warnings":[{"code":"table_missing","pointer":"",)j"
      R"j("message":"table army.retired no longer exists"}]},)j"
      R"j({"dataSourceId":9,"handlerId":43,"healthy":true,"changes":[],)j"
      R"j("warnings":[],"error":{"code":"permission_denied",)j"
      R"j("message":"the login may not read army.secret"}}],)j"
      R"j("created":[{"handlerId":44,"dataSourceId":10,)j"
      R"j("name":"Army Recruits","sqlSchemaName":"army",)j"
      R"j("sqlTableName":"recruits","schema":"army","table":"recruits",)j"
      R"j("columns":[{"name":"id","dataType":"integer",)j"
      R"j("remoteType":"integer","nullable":false,"primaryKey":true,)j"
      R"j("tags":["New"]}]}],)j"
      R"j("disabled":[8],)j"
      R"j("warnings":"table army.retired no longer exists",)j"
      R"j("warningList":[{"code":"table_missing","pointer":"",)j"
      R"j("message":"table army.retired no longer exists"}],)j"
      R"j("summary":{"refreshed":3,"changed":1,"unhealthy":1,"failed":1,)j"
      R"j("created":1,"disabled":1}})j");
}

TEST(DetectChangesResultJson, WritesEmptyListsAndZeroCountsWhenNothingRan) {
  EXPECT_EQ(DetectChangesResultJson(DetectChangesResult{}),
            R"({"refreshed":[],"created":[],"disabled":[],"warnings":"",)"
            R"("warningList":[],"summary":{"refreshed":0,"changed":0,)"
            R"("unhealthy":0,"failed":0,"created":0,"disabled":0}})");
}

TEST(DetectChangesResultJson, WritesAnErrorOnlyForAnOutcomeThatFailed) {
  DetectChangesResult result;
  result.refreshed.resize(1);
  result.refreshed[0].data_source_id = 5;
  result.refreshed[0].handler_id = 6;
  EXPECT_THAT(DetectChangesResultJson(result), Not(HasSubstr("\"error\"")));

  result.refreshed[0].error_code = "timeout";
  EXPECT_THAT(DetectChangesResultJson(result),
              HasSubstr(R"("error":{"code":"timeout","message":""})"));
}

TEST(DictionaryJson, WritesTheColumnsAndTheDistinctTypesTheyUseSorted) {
  DataSourceRecord source = SampleView().data_source;
  Column name;
  name.name = "name";
  name.data_type = "text";
  name.remote_type = "character varying(256)";
  Column unit = IdColumn();
  unit.name = "unit";
  unit.primary_key = false;
  unit.tags = {};
  source.dictionary = {name, IdColumn(), unit};

  const std::string json = DictionaryJson(source);

  EXPECT_TRUE(IsJson(json)) << json;
  EXPECT_EQ(json,
            R"j({"id":7,"dataSource":"Army Records","metadata":[)j"
            R"j({"name":"name","dataType":"text",)j"
            R"j("remoteType":"character varying(256)","nullable":true,)j"
            R"j("primaryKey":false,"tags":[]},)j"
            R"j({"name":"id","dataType":"integer","remoteType":"integer",)j"
            R"j("nullable":false,"primaryKey":true,"tags":["New"]},)j"
            R"j({"name":"unit","dataType":"integer","remoteType":"integer",)j"
            R"j("nullable":false,"primaryKey":false,"tags":[]}],)j"
            R"j("types":["integer","text"],)j"
            R"j("createdAt":"2024-05-01T12:00:00.250Z",)j"
            R"j("updatedAt":"1969-12-31T23:59:59.999Z"})j");
}

TEST(DictionaryJson, WritesNullTimesAndNoTypesForAnEmptyDictionary) {
  DataSourceRecord source;
  source.id = 3;
  source.name = "Empty";
  EXPECT_EQ(DictionaryJson(source),
            R"({"id":3,"dataSource":"Empty","metadata":[],"types":[],)"
            R"("createdAt":null,"updatedAt":null})");
}

TEST(DeleteResultJson, WritesTheRemovedIds) {
  DeleteResult result;
  result.data_source_id = 7;
  result.handler_id = 41;
  EXPECT_EQ(DeleteResultJson(result), R"({"dataSourceId":7,"handlerId":41})");
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
