// Every route of spec section 2 and every HTTP status RouteRequest answers
// with, over the memory catalog and the memory store.

#include "dsh/routes.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/memory_catalog.h"
#include "dsh/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHost[] = "cluster.example.io";
constexpr char kSecret[] = "canary-Pw-5e1a";

std::string Metadata(const std::string& table, const std::string& extra = "") {
  return absl::StrCat(R"({"hostname": ")", kHost,
                      R"(", "port": 5439, "database": "dev",)",
                      R"( "username": "analyst", "password": ")", kSecret,
                      R"(", "ssl": false, "schema": "sales", "table": ")",
                      table, "\"", extra, "}");
}

std::string Payload(const std::string& table, const std::string& extra = "") {
  return absl::StrCat(
      R"({"handler": [{"metadata": )", Metadata(table, extra),
      R"(}], "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
      R"( "blobHandlerType": "Redshift", "recordFormat": "",)",
      R"( "type": "queryable"}})");
}

std::vector<Column> Columns(std::vector<std::string> names) {
  std::vector<Column> columns;
  for (const std::string& name : names) {
    Column column;
    column.name = name;
    column.remote_type = "integer";
    columns.push_back(column);
  }
  return columns;
}

class RoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = std::make_shared<MemoryCatalogConnector>();
    catalog_->PutTable(kDev, {"sales", "orders"}, Columns({"id", "total"}));
    catalog_->PutTable(kDev, {"sales", "customers"}, Columns({"id"}));
    registry_ = std::make_unique<Registry>(RegistryOptions(), NewMemoryStore(),
                                           catalog_);
  }

  RouteResponse Route(std::string_view method, std::string_view target,
                      std::string_view body = "") {
    return RouteRequest(*registry_, method, target, body);
  }

  // Registers `table` and returns the handler id (also the data source id
  // in a fresh memory store).
  void Register(const std::string& table) {
    const RouteResponse created =
        Route("POST", "/redshift/handler", Payload(table));
    ASSERT_EQ(created.http_status, 200) << created.body;
  }

  const ConnectionString kDev{kHost, 5439, "dev"};
  std::shared_ptr<MemoryCatalogConnector> catalog_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RoutesTest, PostHandlerCreatesAndAnswersWithTheCreateResult) {
  const RouteResponse response =
      Route("POST", "/redshift/handler", Payload("orders"));

  EXPECT_EQ(response.http_status, 200);
  EXPECT_THAT(response.body, HasSubstr(R"("id":1)"));
  EXPECT_THAT(response.body,
              HasSubstr(R"("connectionString":"cluster.example.io:5439/dev")"));
  EXPECT_THAT(response.body, Not(HasSubstr(kSecret)));
}

TEST_F(RoutesTest, PostgresqlIsATechnologyOfThePath) {
  catalog_->PutTable({kHost, 5432, "dev"}, {"sales", "orders"},
                     Columns({"id"}));
  const std::string payload =
      absl::StrCat(R"({"handler": {"metadata": {"hostname": ")", kHost,
                   R"(", "database": "dev", "username": "u", "ssl": false,)",
                   R"( "schema": "sales", "table": "orders"}}, "dataSource":)",
                   R"( {"blobHandler": {"scheme": "https", "url": ""},)",
                   R"( "blobHandlerType": "PostgreSQL", "recordFormat": "",)",
                   R"( "type": "queryable"}})");

  const RouteResponse response = Route("POST", "/postgresql/handler", payload);

  EXPECT_EQ(response.http_status, 200) << response.body;
  EXPECT_EQ(Route("GET", "/postgresql/handler/1").http_status, 200);
  EXPECT_EQ(Route("GET", "/redshift/handler/1").http_status, 404);
}

TEST_F(RoutesTest, MalformedJsonIs400WithTheByteOffset) {
  const RouteResponse response =
      Route("POST", "/redshift/handler", R"({"handler": )");

  EXPECT_EQ(response.http_status, 400);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"malformed_json")"));
  EXPECT_THAT(response.body, HasSubstr(R"("offset":12)"));
}

TEST_F(RoutesTest, AnInvalidPayloadIs400WithPointers) {
  const RouteResponse response =
      Route("POST", "/redshift/handler", R"({"handler": []})");

  EXPECT_EQ(response.http_status, 400);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"invalid_request")"));
  EXPECT_THAT(response.body, HasSubstr(R"("pointer":"/)"));
}

TEST_F(RoutesTest, ATakenNameIs409) {
  ASSERT_EQ(Route("POST", "/redshift/handler",
                  Payload("orders", R"(, "dataSourceName": "Shared")"))
                .http_status,
            200);

  const RouteResponse response =
      Route("POST", "/redshift/handler",
            Payload("customers", R"(, "dataSourceName": "Shared")"));

  EXPECT_EQ(response.http_status, 409);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"name_conflict")"));
}

TEST_F(RoutesTest, GetHandlerAnswersWithTheRecordWithoutSecrets) {
  Register("orders");

  const RouteResponse response = Route("GET", "/redshift/handler/1");

  EXPECT_EQ(response.http_status, 200);
  EXPECT_THAT(response.body, HasSubstr("orders"));
  EXPECT_THAT(response.body, Not(HasSubstr(kSecret)));
}

TEST_F(RoutesTest, SkipCacheTrueReadsTheCatalogAgain) {
  Register("orders");
  const int before = catalog_->describe_calls();

  EXPECT_EQ(Route("GET", "/redshift/handler/1?skipCache=false").http_status,
            200);
  EXPECT_EQ(catalog_->describe_calls(), before);
  EXPECT_EQ(Route("GET", "/redshift/handler/1?skipCache=true").http_status,
            200);
  EXPECT_EQ(catalog_->describe_calls(), before + 1);
}

TEST_F(RoutesTest, SkipCacheOtherThanTrueOrFalseIs400) {
  Register("orders");

  const RouteResponse response =
      Route("GET", "/redshift/handler/1?skipCache=yes");

  EXPECT_EQ(response.http_status, 400);
  EXPECT_THAT(response.body, HasSubstr(R"("pointer":"/query/skipCache")"));
}

TEST_F(RoutesTest, AnUnknownQueryParameterIs400) {
  Register("orders");

  EXPECT_EQ(Route("GET", "/redshift/handler/1?cache=off").http_status, 400);
  EXPECT_EQ(Route("GET", "/dictionary/1?skipCache=true").http_status, 400);
}

TEST_F(RoutesTest, ARepeatedSkipCacheIs400) {
  Register("orders");

  EXPECT_EQ(Route("GET", "/redshift/handler/1?skipCache=true&skipCache=false")
                .http_status,
            400);
}

TEST_F(RoutesTest, AnIdThatIsNotAPositiveIntegerIs400WithAPointer) {
  for (const char* target :
       {"/redshift/handler/abc", "/redshift/handler/0", "/redshift/handler/-1",
        "/redshift/handler/+7", "/redshift/handler/1.5",
        "/redshift/handler/9223372036854775808", "/dictionary/x",
        "/redshift/handler/%20"}) {
    const RouteResponse response = Route("GET", target);
    EXPECT_EQ(response.http_status, 400) << target;
    EXPECT_THAT(response.body, HasSubstr("must be a positive integer"))
        << target;
  }
  EXPECT_THAT(Route("GET", "/redshift/handler/abc").body,
              HasSubstr(R"("pointer":"/path/handlerId")"));
  EXPECT_THAT(Route("DELETE", "/dataSource/abc").body,
              HasSubstr(R"("pointer":"/path/dataSourceId")"));
}

TEST_F(RoutesTest, TheLargestIdIsAcceptedAndIsNotFound) {
  EXPECT_EQ(Route("GET", "/redshift/handler/9223372036854775807").http_status,
            404);
}

TEST_F(RoutesTest, AMissingHandlerIs404) {
  const RouteResponse response = Route("GET", "/redshift/handler/99");

  EXPECT_EQ(response.http_status, 404);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"not_found")"));
}

TEST_F(RoutesTest, PutHandlerReplacesTheMetadata) {
  Register("orders");
  const std::string body =
      absl::StrCat(R"({"handler": {"metadata": )", Metadata("customers"),
                   R"(}, "connectionString": "cluster.example.io:5439/dev"})");

  const RouteResponse response =
      Route("PUT", "/redshift/handler/1?skipCache=true", body);

  EXPECT_EQ(response.http_status, 200) << response.body;
  EXPECT_THAT(response.body, HasSubstr(R"("id":1)"));
  EXPECT_THAT(Route("GET", "/redshift/handler/1").body, HasSubstr("customers"));
}

TEST_F(RoutesTest, PutHandlerOntoAnotherHandlersTableIs409) {
  Register("orders");
  Register("customers");
  const std::string body =
      absl::StrCat(R"({"handler": {"metadata": )", Metadata("customers"),
                   R"(}, "connectionString": "cluster.example.io:5439/dev"})");

  EXPECT_EQ(Route("PUT", "/redshift/handler/1", body).http_status, 409);
}

TEST_F(RoutesTest, PutBulkMovesTheConnection) {
  Register("orders");
  const std::string body =
      R"({"connectionString": "cluster.example.io:5439/dev",)"
      R"( "handler": {"metadata": {"hostname": "endpoint.example.io",)"
      R"( "port": 5440, "database": "dev", "username": "analyst"}}})";

  const RouteResponse response = Route("PUT", "/redshift/bulk", body);

  EXPECT_EQ(response.http_status, 200) << response.body;
  EXPECT_THAT(response.body, HasSubstr(R"("jobsCreated":1)"));
  EXPECT_THAT(response.body, HasSubstr("endpoint.example.io:5440/dev"));
}

TEST_F(RoutesTest, PutBulkOfAnUnknownConnectionIs404) {
  const RouteResponse response = Route(
      "PUT", "/redshift/bulk",
      R"({"connectionString": "nowhere:5439/dev", "handler": {"metadata":)"
      R"( {"hostname": "h", "database": "dev"}}})");

  EXPECT_EQ(response.http_status, 404);
}

TEST_F(RoutesTest, DetectRemoteChangesReportsWhatChanged) {
  Register("orders");
  catalog_->PutTable(kDev, {"sales", "orders"},
                     Columns({"id", "total", "note"}));

  const RouteResponse response =
      Route("PUT", "/dataSource/detectRemoteChanges", "");

  EXPECT_EQ(response.http_status, 200) << response.body;
  EXPECT_THAT(response.body, HasSubstr(R"("kind":"added")"));
  EXPECT_THAT(response.body, HasSubstr(R"("column":"note")"));
}

TEST_F(RoutesTest, DetectRemoteChangesWithABadIdListIs400) {
  EXPECT_EQ(Route("PUT", "/dataSource/detectRemoteChanges",
                  R"({"dataSourceIds": ["one"]})")
                .http_status,
            400);
}

TEST_F(RoutesTest, GetDictionaryAnswersWithTheColumns) {
  Register("orders");

  const RouteResponse response = Route("GET", "/dictionary/1");

  EXPECT_EQ(response.http_status, 200);
  EXPECT_THAT(response.body, HasSubstr(R"("metadata":[)"));
  EXPECT_THAT(response.body, HasSubstr(R"("total")"));
  EXPECT_EQ(Route("GET", "/dictionary/2").http_status, 404);
}

TEST_F(RoutesTest, DeleteRemovesTheDataSourceOnce) {
  Register("orders");

  const RouteResponse response = Route("DELETE", "/dataSource/1");

  EXPECT_EQ(response.http_status, 200);
  EXPECT_THAT(response.body, HasSubstr(R"("dataSourceId":1)"));
  EXPECT_EQ(Route("DELETE", "/dataSource/1").http_status, 404);
  EXPECT_EQ(Route("GET", "/redshift/handler/1").http_status, 404);
}

TEST_F(RoutesTest, AnUnknownRouteIs404) {
  for (const char* target :
       {"/", "/mysql/handler", "/redshift/handlers", "/redshift/handler/1/x",
        "/redshift/handler/", "/Redshift/handler", "/dictionary", "/dataSource",
        "//redshift/handler"}) {
    const RouteResponse response = Route("POST", target);
    EXPECT_EQ(response.http_status, 404) << target;
    EXPECT_THAT(response.body, HasSubstr("no route for POST")) << target;
  }
}

TEST_F(RoutesTest, ATargetWithoutALeadingSlashIs400) {
  EXPECT_EQ(Route("GET", "dictionary/1").http_status, 400);
  EXPECT_EQ(Route("GET", "").http_status, 400);
}

TEST_F(RoutesTest, AKnownPathWithTheWrongMethodIs405WithTheAllowList) {
  const RouteResponse response = Route("DELETE", "/redshift/handler/1");

  EXPECT_EQ(response.http_status, 405);
  EXPECT_EQ(response.allow, "GET, PUT");
  EXPECT_THAT(response.body, HasSubstr(R"("allow":["GET","PUT"])"));
  EXPECT_THAT(response.body, HasSubstr(R"("code":"method_not_allowed")"));
  EXPECT_EQ(Route("GET", "/redshift/handler").allow, "POST");
  EXPECT_EQ(Route("GET", "/redshift/bulk").allow, "PUT");
  EXPECT_EQ(Route("GET", "/dataSource/detectRemoteChanges").allow, "PUT");
  EXPECT_EQ(Route("GET", "/dataSource/1").allow, "DELETE");
  EXPECT_EQ(Route("PUT", "/dictionary/1").allow, "GET");
}

TEST_F(RoutesTest, MethodsAreCaseSensitive) {
  EXPECT_EQ(Route("get", "/dictionary/1").http_status, 405);
}

TEST_F(RoutesTest, TheMethodIsCheckedBeforeTheId) {
  EXPECT_EQ(Route("POST", "/dictionary/abc").http_status, 405);
}

TEST_F(RoutesTest, PathSegmentsArePercentDecoded) {
  Register("orders");

  EXPECT_EQ(Route("GET", "/%72edshift/handler/%31").http_status, 200);
  EXPECT_EQ(Route("GET", "/redshift/handler/1?skip%43ache=tru%65").http_status,
            200);
}

TEST_F(RoutesTest, AnEncodedSlashDoesNotSplitASegment) {
  EXPECT_EQ(Route("POST", "/redshift%2Fhandler").http_status, 404);
}

TEST_F(RoutesTest, ABadPercentEscapeIs400) {
  EXPECT_EQ(Route("GET", "/dictionary/%G1").http_status, 400);
  EXPECT_EQ(Route("GET", "/dictionary/1%").http_status, 400);
  EXPECT_EQ(Route("GET", "/redshift/handler/1?skipCache=%t").http_status, 400);
}

TEST_F(RoutesTest, AnUnreachableDatabaseIs503) {
  catalog_->FailConnect(absl::UnavailableError("connection refused"));

  const RouteResponse response =
      Route("POST", "/redshift/handler", Payload("orders"));

  EXPECT_EQ(response.http_status, 503);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"database_unavailable")"));
}

TEST_F(RoutesTest, ACatalogTimeoutIs503) {
  catalog_->FailDescribe(absl::DeadlineExceededError("statement timeout"));

  EXPECT_EQ(Route("POST", "/redshift/handler", Payload("orders")).http_status,
            503);
}

TEST_F(RoutesTest, ARefusedLoginIs502) {
  catalog_->FailConnect(absl::PermissionDeniedError("password refused"));

  const RouteResponse response =
      Route("POST", "/redshift/handler", Payload("orders"));

  EXPECT_EQ(response.http_status, 502);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"permission_denied")"));
}

TEST_F(RoutesTest, AnUnsupportedRequestIs501) {
  catalog_->FailDescribe(absl::UnimplementedError("no such catalog feature"));

  EXPECT_EQ(Route("POST", "/redshift/handler", Payload("orders")).http_status,
            501);
}

TEST_F(RoutesTest, AnInternalFailureIs500) {
  catalog_->FailDescribe(absl::InternalError("corrupt"));

  EXPECT_EQ(Route("POST", "/redshift/handler", Payload("orders")).http_status,
            500);
}

TEST_F(RoutesTest, AnAbortedOperationIs409) {
  catalog_->FailDescribe(absl::AbortedError("changed meanwhile"));

  const RouteResponse response =
      Route("POST", "/redshift/handler", Payload("orders"));

  EXPECT_EQ(response.http_status, 409);
  EXPECT_THAT(response.body, HasSubstr(R"("code":"aborted")"));
}

TEST(HttpStatusOfTest, MapsEveryCodeTheRegistryReturns) {
  EXPECT_EQ(HttpStatusOf(absl::OkStatus()), 200);
  EXPECT_EQ(HttpStatusOf(absl::InvalidArgumentError("x")), 400);
  EXPECT_EQ(HttpStatusOf(absl::FailedPreconditionError("x")), 400);
  EXPECT_EQ(HttpStatusOf(absl::NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatusOf(absl::AlreadyExistsError("x")), 409);
  EXPECT_EQ(HttpStatusOf(absl::AbortedError("x")), 409);
  EXPECT_EQ(HttpStatusOf(absl::UnimplementedError("x")), 501);
  EXPECT_EQ(HttpStatusOf(absl::PermissionDeniedError("x")), 502);
  EXPECT_EQ(HttpStatusOf(absl::UnavailableError("x")), 503);
  EXPECT_EQ(HttpStatusOf(absl::DeadlineExceededError("x")), 503);
  EXPECT_EQ(HttpStatusOf(absl::InternalError("x")), 500);
  EXPECT_EQ(HttpStatusOf(absl::DataLossError("x")), 500);
}

}  // namespace
}  // namespace dsh
