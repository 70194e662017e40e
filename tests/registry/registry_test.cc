// The registry's operations over the memory catalog (the only fake) and
// both embedded stores.

#include "dsh/registry.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "dsh/memory_catalog.h"
#include "dsh/response.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/columns.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

constexpr char kHost[] = "redshift.example.io";
constexpr char kCanary[] = "canary-Pw-5e1d";

struct TableSpec {
  std::string schema;
  std::string table;
  std::string extra = "";  // More metadata fields, JSON, leading comma.
};

// A create payload in the vendor's shape for `tables` on one connection.
std::string Payload(const std::vector<TableSpec>& tables,
                    const std::string& host = kHost,
                    const std::string& blob_type = "Redshift") {
  std::vector<std::string> handlers;
  for (const TableSpec& t : tables) {
    handlers.push_back(absl::StrCat(
        R"({"metadata": {"hostname": ")", host,
        R"(", "port": 5439, "database": "dev", "username": "analyst",)",
        R"( "password": ")", kCanary, R"(", "ssl": false, "schema": ")",
        t.schema, R"(", "table": ")", t.table, "\"", t.extra, "}}"));
  }
  return absl::StrCat(R"({"handler": [)", absl::StrJoin(handlers, ", "),
                      R"(], "dataSource": {"blobHandler": {"scheme": "https",)",
                      R"( "url": ""}, "blobHandlerType": ")", blob_type,
                      R"(", "recordFormat": "", "type": "queryable"}})");
}

using testing::Columns;

enum class StoreKind { kMemory, kSqlite };

class RegistryTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    catalog_ = std::make_shared<MemoryCatalogConnector>();
    const ConnectionString dev{kHost, 5439, "dev"};
    catalog_->PutTable(dev, {"sales", "orders"},
                       Columns({{"id", "integer"},
                                {"total", "numeric(12,2)"},
                                {"note", "character varying(256)"}}));
    catalog_->PutTable(dev, {"sales", "customers"},
                       Columns({{"id", "bigint"}, {"name", "text"}}));
    registry_ = OpenRegistry(RegistryOptions());
  }

  std::unique_ptr<Registry> OpenRegistry(RegistryOptions options) {
    options.logger = Logger(
        [this](LogLevel, std::string_view line) {
          log_.push_back(std::string(line));
        },
        LogLevel::kDebug);
    std::unique_ptr<Store> store;
    if (GetParam() == StoreKind::kMemory) {
      store = NewMemoryStore();
    } else {
      const std::string path =
          scratch_.File(absl::StrCat("registry-", ++opened_count_, ".db"));
      absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path);
      EXPECT_TRUE(opened.ok()) << opened.status();
      store = std::move(*opened);
    }
    return std::make_unique<Registry>(std::move(options), std::move(store),
                                      catalog_);
  }

  testing::ScratchDir scratch_;
  int opened_count_ = 0;
  std::shared_ptr<MemoryCatalogConnector> catalog_;
  std::unique_ptr<Registry> registry_;
  std::vector<std::string> log_;
};

TEST_P(RegistryTest, CreatesOneDataSourcePerTableWithItsDictionary) {
  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kRedshift,
                        Payload({{"sales", "orders"}, {"sales", "customers"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->connection_string, "redshift.example.io:5439/dev");
  ASSERT_THAT(result->created, SizeIs(2));
  EXPECT_LT(result->created[0].handler_id, result->created[1].handler_id);
  EXPECT_EQ(result->created[0].name, "Sales Orders");
  EXPECT_EQ(result->created[0].sql_table_name, "orders");
  ASSERT_THAT(result->created[0].dictionary, SizeIs(3));
  EXPECT_EQ(result->created[0].dictionary[1].name, "total");
  EXPECT_EQ(result->created[0].dictionary[1].remote_type, "numeric(12,2)");
  EXPECT_EQ(result->created[0].dictionary[1].data_type,
            MapRemoteType(Technology::kRedshift, "numeric(12,2)").data_type);
  EXPECT_EQ(catalog_->describe_calls(), 1);
}

TEST_P(RegistryTest, SkipsATableRepeatedInThePayloadWithTheVendorsWarning) {
  absl::StatusOr<CreateResult> result = registry_->Create(
      Technology::kRedshift,
      Payload(
          {{"sales", "orders"}, {"sales", "customers"}, {"SALES", "Orders"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->created, SizeIs(2));
  EXPECT_THAT(
      result->warnings,
      ElementsAre(AllOf(Field(&Warning::pointer, "/handler/2"),
                        Field(&Warning::message,
                              HasSubstr("duplicate tables are specified in the "
                                        "payload.")),
                        Field(&Warning::message, HasSubstr("/handler/0")))));
}

TEST_P(RegistryTest, SkipsATableAlreadyRegisteredNamingTheExistingHandler) {
  absl::StatusOr<CreateResult> first =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));
  ASSERT_TRUE(first.ok()) << first.status();

  // The same cluster spelled differently: the memory catalog compares hosts
  // exactly, so it learns the spelling too.
  const std::string spelling = "Redshift.Example.IO.";
  catalog_->PutTable({spelling, 5439, "dev"}, {"sales", "orders"},
                     Columns({{"id", "integer"}}));
  catalog_->PutTable({spelling, 5439, "dev"}, {"sales", "customers"},
                     Columns({{"id", "integer"}}));
  absl::StatusOr<CreateResult> second = registry_->Create(
      Technology::kRedshift,
      Payload({{"sales", "orders"}, {"sales", "customers"}}, spelling));

  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_THAT(second->created, SizeIs(1));
  EXPECT_EQ(second->created[0].table, "customers");
  ASSERT_THAT(second->warnings, SizeIs(1));
  EXPECT_EQ(second->warnings[0].code, "duplicate_in_registry");
  EXPECT_THAT(
      second->warnings[0].message,
      HasSubstr(absl::StrCat("handler ", first->created[0].handler_id)));
}

TEST_P(RegistryTest, FoldsTwoRedshiftSpellingsOfOneTableIntoOne) {
  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kRedshift,
                        Payload({{"sales", "orders"}, {"Sales", "ORDERS"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->created, SizeIs(1));
  EXPECT_THAT(result->warnings, SizeIs(1));
}

TEST_P(RegistryTest, KeepsPostgresTablesThatDifferOnlyInCaseApart) {
  const ConnectionString dev{kHost, 5439, "dev"};
  catalog_->PutTable(dev, {"sales", "Orders"}, Columns({{"ID", "integer"}}));

  absl::StatusOr<CreateResult> result = registry_->Create(
      Technology::kPostgresql,
      Payload({{"sales", "orders",
                R"(, "dataSourceName": "lower", "bodataTableName": "o1")"},
               {"sales", "Orders",
                R"(, "dataSourceName": "upper", "bodataTableName": "o2")"}},
              kHost, "PostgreSQL"));

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->created, SizeIs(2));
  EXPECT_EQ(result->created[1].table, "Orders");
  EXPECT_EQ(result->created[1].dictionary[0].name, "ID");
}

TEST_P(RegistryTest, RefusesAMissingTableWithItsPointerAndWritesNothing) {
  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kRedshift,
                        Payload({{"sales", "orders"}, {"sales", "nonesuch"}}));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  ASSERT_THAT(ProblemsOf(result.status()), SizeIs(1));
  EXPECT_EQ(ProblemsOf(result.status())[0].pointer,
            "/handler/1/metadata/table");
  EXPECT_EQ(
      registry_->GetHandler(Technology::kRedshift, 1, false).status().code(),
      absl::StatusCode::kNotFound);
}

TEST_P(RegistryTest, RefusesANameAlreadyInTheRegistryAndWritesNothing) {
  ASSERT_TRUE(registry_
                  ->Create(Technology::kRedshift,
                           Payload({{"sales", "orders",
                                     R"(, "dataSourceName": "Shared")"}}))
                  .ok());

  absl::StatusOr<CreateResult> result = registry_->Create(
      Technology::kRedshift,
      Payload({{"sales", "customers", R"(, "dataSourceName": "Shared")"}}));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(result.status().message(), HasSubstr("already exists"));
  EXPECT_EQ(
      registry_->GetHandler(Technology::kRedshift, 2, false).status().code(),
      absl::StatusCode::kNotFound);
}

TEST_P(RegistryTest, ReportsAnUnreachableDatabaseAndWritesNothing) {
  catalog_->FailConnect(absl::UnavailableError("connection refused"));

  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(),
              HasSubstr("redshift.example.io:5439/dev"));
  EXPECT_EQ(
      registry_->GetHandler(Technology::kRedshift, 1, false).status().code(),
      absl::StatusCode::kNotFound);
}

TEST_P(RegistryTest, RestrictsTheDictionaryToTheListedColumns) {
  absl::StatusOr<CreateResult> result = registry_->Create(
      Technology::kRedshift,
      Payload({{"sales", "orders", R"(, "columns": ["note", "id"])"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->created, SizeIs(1));
  EXPECT_THAT(
      result->created[0].dictionary,
      ElementsAre(Field(&Column::name, "id"), Field(&Column::name, "note")));
}

TEST_P(RegistryTest, RefusesAListedColumnTheTableDoesNotHave) {
  absl::StatusOr<CreateResult> result = registry_->Create(
      Technology::kRedshift,
      Payload({{"sales", "orders", R"(, "columns": ["id", "ghost"])"}}));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ProblemsOf(result.status()),
      ElementsAre(Field(&Problem::pointer, "/handler/0/metadata/columns/1")));
}

TEST_P(RegistryTest, WarnsAboutAnUnknownRemoteTypeAndGovernsItAsText) {
  const ConnectionString dev{kHost, 5439, "dev"};
  catalog_->PutTable(dev, {"sales", "odd"},
                     Columns({{"shape", "made_up_type"}}));

  absl::StatusOr<CreateResult> result =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "odd"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created[0].dictionary[0].data_type, "text");
  EXPECT_EQ(result->created[0].dictionary[0].remote_type, "made_up_type");
  EXPECT_THAT(result->warnings,
              ElementsAre(Field(&Warning::code, "unknown_type")));
}

TEST_P(RegistryTest, ReadsAHandlerBackWithoutItsPassword) {
  absl::StatusOr<CreateResult> created =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));
  ASSERT_TRUE(created.ok()) << created.status();

  absl::StatusOr<HandlerView> view = registry_->GetHandler(
      Technology::kRedshift, created->created[0].handler_id, false);

  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->handler.metadata.table, "orders");
  EXPECT_THAT(view->handler.metadata.password, IsEmpty());
  EXPECT_THAT(view->data_source.dictionary, SizeIs(3));
  EXPECT_THAT(HandlerViewJson(*view), Not(HasSubstr(kCanary)));
}

TEST_P(RegistryTest, DoesNotFindAHandlerUnderAnotherTechnology) {
  absl::StatusOr<CreateResult> created =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));
  ASSERT_TRUE(created.ok()) << created.status();

  EXPECT_EQ(registry_
                ->GetHandler(Technology::kPostgresql,
                             created->created[0].handler_id, false)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_P(RegistryTest, SkipCacheReadsTheCatalogNowAndKeepsTheResult) {
  absl::StatusOr<CreateResult> created =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));
  ASSERT_TRUE(created.ok()) << created.status();
  const HandlerId id = created->created[0].handler_id;
  catalog_->PutTable({kHost, 5439, "dev"}, {"sales", "orders"},
                     Columns({{"id", "integer"}, {"placed", "date"}}));

  absl::StatusOr<HandlerView> cached =
      registry_->GetHandler(Technology::kRedshift, id, false);
  absl::StatusOr<HandlerView> fresh =
      registry_->GetHandler(Technology::kRedshift, id, true);
  absl::StatusOr<HandlerView> after =
      registry_->GetHandler(Technology::kRedshift, id, false);

  ASSERT_TRUE(cached.ok() && fresh.ok() && after.ok());
  EXPECT_THAT(cached->data_source.dictionary, SizeIs(3));
  EXPECT_THAT(fresh->data_source.dictionary, SizeIs(2));
  EXPECT_EQ(after->data_source.dictionary, fresh->data_source.dictionary);
}

TEST_P(RegistryTest, AFailedRefreshKeepsTheStoredDictionary) {
  absl::StatusOr<CreateResult> created =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));
  ASSERT_TRUE(created.ok()) << created.status();
  const HandlerId id = created->created[0].handler_id;
  catalog_->FailDescribe(absl::UnavailableError("server closed connection"));

  EXPECT_EQ(
      registry_->GetHandler(Technology::kRedshift, id, true).status().code(),
      absl::StatusCode::kUnavailable);
  catalog_->FailDescribe(absl::OkStatus());
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kRedshift, id, false);
  ASSERT_TRUE(view.ok());
  EXPECT_THAT(view->data_source.dictionary, SizeIs(3));
}

TEST_P(RegistryTest, NeverLogsOrReportsThePassword) {
  ASSERT_TRUE(registry_
                  ->Create(Technology::kRedshift,
                           Payload({{"sales", "orders"}, {"sales", "orders"}}))
                  .ok());
  catalog_->FailConnect(absl::PermissionDeniedError("login refused"));
  const absl::Status refused =
      registry_->Create(Technology::kRedshift, Payload({{"sales", "x"}}))
          .status();

  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(ErrorJson(refused), Not(HasSubstr(kCanary)));
  EXPECT_THAT(log_, Not(IsEmpty()));
  for (const std::string& line : log_) {
    EXPECT_THAT(line, Not(HasSubstr(kCanary)));
  }
}

TEST_P(RegistryTest, StrictModeRefusesWhatCompatibleModeAccepts) {
  RegistryOptions strict;
  strict.strict = true;
  std::unique_ptr<Registry> registry = OpenRegistry(strict);

  absl::StatusOr<CreateResult> result =
      registry->Create(Technology::kRedshift, Payload({{"sales", "orders"}}));

  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ProblemsOf(result.status()),
      ::testing::Contains(Field(&Problem::pointer, "/dataSource/name")));
}

TEST_P(RegistryTest, ValidateNeedsNoDatabase) {
  catalog_->FailConnect(absl::UnavailableError("no database here"));

  absl::StatusOr<ValidateResult> result =
      registry_->Validate(Technology::kRedshift,
                          Payload({{"sales", "orders"}, {"sales", "orders"}}));

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->connection_string, "redshift.example.io:5439/dev");
  EXPECT_THAT(result->warnings, SizeIs(1));
}

INSTANTIATE_TEST_SUITE_P(EveryEmbeddedStore, RegistryTest,
                         ::testing::Values(StoreKind::kMemory,
                                           StoreKind::kSqlite),
                         [](const auto& param_info) {
                           return param_info.param == StoreKind::kMemory
                                      ? "Memory"
                                      : "Sqlite";
                         });

}  // namespace
}  // namespace dsh
