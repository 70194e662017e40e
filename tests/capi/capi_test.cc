// The C ABI from C++: what C cannot easily do (a host callback that throws)
// and what needs a scratch file (the sqlite store).

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dsh/c.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

using ::testing::HasSubstr;

enum class Behaviour { kAnswer, kThrowStd, kThrowInt, kGarbage, kShort };
Behaviour behaviour = Behaviour::kAnswer;
int log_calls = 0;

char* Copy(const std::string& text, size_t* length) {
  char* out = static_cast<char*>(std::malloc(text.size()));
  std::memcpy(out, text.data(), text.size());
  *length = text.size();
  return out;
}

int32_t Describe(void*, const char* request, size_t request_len,
                 char** response, size_t* response_len) {
  const std::string text(request, request_len);
  switch (behaviour) {
    case Behaviour::kThrowStd:
      throw std::runtime_error("host blew up");
    case Behaviour::kThrowInt:
      throw 42;
    case Behaviour::kGarbage:
      *response = Copy("{\"tables\": [", response_len);
      return DSH_OK;
    case Behaviour::kShort:
      *response = Copy("{\"tables\": []}", response_len);
      return DSH_OK;
    case Behaviour::kAnswer:
      break;
  }
  const bool found = text.find("\"table\":\"orders\"") != std::string::npos;
  *response =
      Copy(found ? R"({"tables": [{"schema": "sales", "table": "orders",)"
                   R"( "columns": [{"name": "id", "remoteType": "integer"}]}]})"
                 : R"({"tables": [{"schema": "sales", "table": "x",)"
                   R"( "status": "not_found", "message": "host: no table"}]})",
           response_len);
  return DSH_OK;
}

// Answers every requested table with one column, in request order.
int32_t DescribeAny(void*, const char* request, size_t request_len,
                    char** response, size_t* response_len) {
  const std::string text(request, request_len);
  const std::string key = "\"table\":\"";
  std::string answer = "{\"tables\": [";
  for (size_t at = text.find(key); at != std::string::npos;
       at = text.find(key, at + 1)) {
    const size_t start = at + key.size();
    const std::string table = text.substr(start, text.find('"', start) - start);
    if (answer.back() != '[') answer += ",";
    answer += R"({"schema": "sales", "table": ")" + table +
              R"(", "columns": [{"name": "id", "remoteType": "integer"}]})";
  }
  answer += "]}";
  *response = Copy(answer, response_len);
  return DSH_OK;
}

std::string last_list_request;

int32_t ListSales(void*, const char* request, size_t request_len,
                  char** response, size_t* response_len) {
  last_list_request.assign(request, request_len);
  *response = Copy(R"({"tables": [{"schema": "sales", "table": "orders"},)"
                   R"( {"schema": "sales", "table": "refunds"}]})",
                   response_len);
  return DSH_OK;
}

void FreeBuffer(void*, char* buffer) { std::free(buffer); }

void ThrowingLog(void*, int32_t, const char*, size_t) {
  ++log_calls;
  throw std::runtime_error("log sink failed");
}

std::string Payload(const std::string& table, const std::string& extra = "") {
  return R"({"handler": {"metadata": {"hostname": "cluster.example.io",)"
         R"( "database": "dev", "username": "u", "ssl": false,)"
         R"( "schema": "sales", "table": ")" +
         table +
         R"("}}, "dataSource": {"blobHandler": {"scheme": "https",)"
         R"( "url": ""}, "blobHandlerType": "Redshift", "recordFormat": "",)"
         R"( "type": "queryable"})" +
         extra + "}";
}

class CapiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    behaviour = Behaviour::kAnswer;
    log_calls = 0;
    host_.version = DSH_HOST_VERSION;
    host_.describe_tables = Describe;
    host_.free_buffer = FreeBuffer;
  }
  void TearDown() override {
    dsh_free(json_);
    dsh_error_free(error_);
    dsh_registry_destroy(registry_);
  }

  void Open(const std::string& options = "") {
    ASSERT_EQ(dsh_registry_open(options.data(), options.size(), &host_,
                                &registry_, &error_),
              DSH_OK)
        << dsh_error_message(error_);
  }

  int32_t Create(const std::string& payload) {
    dsh_free(json_);
    json_ = nullptr;
    dsh_error_free(error_);
    error_ = nullptr;
    return dsh_create(registry_, "redshift", payload.data(), payload.size(),
                      &json_, nullptr, &error_);
  }

  dsh_host host_{};
  dsh_registry* registry_ = nullptr;
  dsh_error* error_ = nullptr;
  char* json_ = nullptr;
};

TEST_F(CapiTest, AHostCallbackThatThrowsIsAnInternalError) {
  Open();
  behaviour = Behaviour::kThrowStd;

  EXPECT_EQ(Create(Payload("orders")), DSH_INTERNAL);
  EXPECT_EQ(json_, nullptr);
  EXPECT_THAT(dsh_error_message(error_), HasSubstr("host blew up"));
}

TEST_F(CapiTest, AThrownNonExceptionIsContainedToo) {
  Open();
  behaviour = Behaviour::kThrowInt;

  EXPECT_EQ(Create(Payload("orders")), DSH_INTERNAL);
  EXPECT_EQ(dsh_error_code(error_), DSH_INTERNAL);
}

TEST_F(CapiTest, RouteAnswers500WhenTheRegistryThrows) {
  Open();
  behaviour = Behaviour::kThrowStd;
  const std::string target = "/redshift/handler";
  const std::string payload = Payload("orders");
  int32_t http = 0;

  EXPECT_EQ(
      dsh_route(registry_, "POST", target.data(), target.size(), payload.data(),
                payload.size(), &http, &json_, nullptr, &error_),
      DSH_OK);
  EXPECT_EQ(http, 500);
  EXPECT_THAT(json_, HasSubstr("\"code\":\"internal\""));
}

TEST_F(CapiTest, ALogSinkThatThrowsIsContained) {
  host_.log = ThrowingLog;
  host_.log_level = DSH_LOG_DEBUG;
  Open();

  const int32_t status = Create(Payload("orders"));

  if (log_calls == 0) GTEST_SKIP() << "the create wrote no log line";
  EXPECT_EQ(status, DSH_INTERNAL);
}

TEST_F(CapiTest, AnUnparsableHostAnswerIsInternalAndNamesTheHost) {
  Open();
  behaviour = Behaviour::kGarbage;

  EXPECT_EQ(Create(Payload("orders")), DSH_INTERNAL);
  EXPECT_THAT(dsh_error_message(error_), HasSubstr("describe_tables answer"));
}

TEST_F(CapiTest, AHostAnswerWithTooFewTablesIsInternal) {
  Open();
  behaviour = Behaviour::kShort;

  EXPECT_EQ(Create(Payload("orders")), DSH_INTERNAL);
  EXPECT_THAT(dsh_error_message(error_), HasSubstr("0 tables for 1"));
}

TEST_F(CapiTest, ATableTheHostDoesNotHaveIsNotFound) {
  Open();

  EXPECT_EQ(Create(Payload("nothing")), DSH_NOT_FOUND);
  EXPECT_THAT(dsh_error_message(error_), HasSubstr("host: no table"));
}

TEST_F(CapiTest, AHostVersionOfZeroIsRefused) {
  host_.version = 0;

  EXPECT_EQ(dsh_registry_open("", 0, &host_, &registry_, &error_),
            DSH_INVALID_ARGUMENT);
  EXPECT_EQ(registry_, nullptr);
}

TEST_F(CapiTest, ALogLevelOutOfRangeIsRefused) {
  host_.log = ThrowingLog;
  host_.log_level = 9;

  EXPECT_EQ(dsh_registry_open("", 0, &host_, &registry_, &error_),
            DSH_INVALID_ARGUMENT);
}

TEST_F(CapiTest, TheSqliteStoreKeepsHandlersAcrossOpens) {
  const std::string path =
      ::testing::TempDir() + "capi-" + std::to_string(getpid()) + ".db";
  std::remove(path.c_str());
  const std::string options =
      R"({"store": {"kind": "sqlite", "path": ")" + path + R"("}})";
  Open(options);
  ASSERT_EQ(Create(Payload("orders")), DSH_OK) << dsh_error_message(error_);
  dsh_registry_destroy(registry_);
  registry_ = nullptr;

  Open(options);
  dsh_free(json_);
  json_ = nullptr;
  EXPECT_EQ(dsh_get_dictionary(registry_, 1, &json_, nullptr, &error_), DSH_OK);
  EXPECT_THAT(json_, HasSubstr("\"id\""));
  std::remove(path.c_str());
}

TEST_F(CapiTest, AnUnopenableSqliteFileIsReportedWithItsPath) {
  const std::string options =
      R"({"store": {"kind": "sqlite", "path": "/nonexistent/dir/r.db"}})";

  const int32_t status = dsh_registry_open(options.data(), options.size(),
                                           &host_, &registry_, &error_);

  EXPECT_NE(status, DSH_OK);
  EXPECT_EQ(registry_, nullptr);
  EXPECT_THAT(dsh_error_message(error_), HasSubstr("/nonexistent/dir/r.db"));
}

TEST_F(CapiTest, WithoutAHostCatalogTheRegistryStillValidates) {
  ASSERT_EQ(dsh_registry_open(nullptr, 0, nullptr, &registry_, &error_),
            DSH_OK);
  const std::string payload = Payload("orders");

  EXPECT_EQ(dsh_validate(registry_, "redshift", payload.data(), payload.size(),
                         &json_, nullptr, &error_),
            DSH_OK);
  EXPECT_THAT(json_, HasSubstr("cluster.example.io:5439/dev"));
}

TEST_F(CapiTest, SchemaMonitoringListsTablesThroughTheHost) {
  host_.describe_tables = DescribeAny;
  host_.list_tables = ListSales;
  Open();
  ASSERT_EQ(Create(Payload("orders",
                           R"(, "schemaEvolution": {"disabled": false,)"
                           R"( "ownerProfileId": 7, "schemas": ["sales"]})")),
            DSH_OK)
      << dsh_error_message(error_);
  dsh_free(json_);
  json_ = nullptr;

  EXPECT_EQ(
      dsh_detect_remote_changes(registry_, "", 0, &json_, nullptr, &error_),
      DSH_OK);
  EXPECT_THAT(json_, HasSubstr("refunds"));
  EXPECT_THAT(last_list_request, HasSubstr(R"("schemas":["sales"])"));
  EXPECT_THAT(last_list_request, HasSubstr(R"("host":"cluster.example.io")"));
}

TEST_F(CapiTest, WithoutListTablesMonitoringWarnsAndNamesTheCallback) {
  host_.describe_tables = DescribeAny;
  Open();
  ASSERT_EQ(Create(Payload("orders",
                           R"(, "schemaEvolution": {"disabled": false,)"
                           R"( "ownerProfileId": 7, "schemas": ["sales"]})")),
            DSH_OK);
  dsh_free(json_);
  json_ = nullptr;

  EXPECT_EQ(
      dsh_detect_remote_changes(registry_, "", 0, &json_, nullptr, &error_),
      DSH_OK);
  EXPECT_THAT(json_, HasSubstr("monitoring_failed"));
  EXPECT_THAT(json_, HasSubstr("list_tables is NULL"));
}

TEST_F(CapiTest, ManyThreadsMayRouteThroughOneRegistry) {
  host_.describe_tables = DescribeAny;
  Open();
  ASSERT_EQ(Create(Payload("orders")), DSH_OK);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string target = (i + t) % 2 == 0
                                       ? "/dictionary/1"
                                       : "/redshift/handler/1?skipCache=true";
        int32_t http = 0;
        char* body = nullptr;
        if (dsh_route(registry_, "GET", target.data(), target.size(), nullptr,
                      0, &http, &body, nullptr, nullptr) != DSH_OK ||
            http != 200) {
          ++failures;
        }
        dsh_free(body);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
