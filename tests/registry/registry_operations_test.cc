// Update, bulk, refresh, schema monitoring and delete over the memory
// catalog (the only fake) and the SQLite store.

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "dsh/memory_catalog.h"
#include "dsh/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/columns.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr char kHost[] = "cluster.example.io";
constexpr char kPassword[] = "canary-Pw-0b7d";
const ConnectionString kDev{kHost, 5439, "dev"};

using testing::Columns;

std::string Metadata(const std::string& schema, const std::string& table,
                     const std::string& host = kHost,
                     const std::string& extra = "") {
  return absl::StrCat(R"({"hostname": ")", host,
                      R"(", "port": 5439, "database": "dev",)",
                      R"( "username": "analyst", "ssl": false, "schema": ")",
                      schema, R"(", "table": ")", table, "\"", extra, "}");
}

std::string Payload(const std::vector<std::string>& tables,
                    const std::string& evolution = "") {
  std::vector<std::string> handlers;
  for (const std::string& table : tables) {
    handlers.push_back(absl::StrCat(
        R"({"metadata": )",
        Metadata("sales", table, kHost,
                 absl::StrCat(R"(, "password": ")", kPassword, "\"")),
        "}"));
  }
  return absl::StrCat(
      R"({"handler": [)", absl::StrJoin(handlers, ", "),
      R"(], "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
      R"( "blobHandlerType": "Redshift", "recordFormat": "",)",
      R"( "type": "queryable"})", evolution, "}");
}

// A connector that remembers the passwords it was given and can hold
// DescribeTables until released: a fake of the catalog interface.
class WatchingConnector : public CatalogConnector {
 public:
  explicit WatchingConnector(std::shared_ptr<MemoryCatalogConnector> inner)
      : inner_(std::move(inner)) {}

  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      passwords_.push_back(settings.password);
    }
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        inner_->Connect(settings);
    if (!catalog.ok()) return catalog.status();
    return std::unique_ptr<Catalog>(new HeldCatalog(this, std::move(*catalog)));
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = false;
    released_.notify_all();
  }
  std::vector<std::string> passwords() {
    std::lock_guard<std::mutex> lock(mutex_);
    return passwords_;
  }

 private:
  class HeldCatalog : public Catalog {
   public:
    HeldCatalog(WatchingConnector* owner, std::unique_ptr<Catalog> inner)
        : owner_(owner), inner_(std::move(inner)) {}
    absl::StatusOr<std::vector<TableDescription>> DescribeTables(
        absl::Span<const TableRef> tables) override {
      std::unique_lock<std::mutex> lock(owner_->mutex_);
      owner_->released_.wait(lock, [&] { return !owner_->held_; });
      lock.unlock();
      return inner_->DescribeTables(tables);
    }
    absl::StatusOr<std::vector<TableRef>> ListTables(
        absl::Span<const std::string> schemas) override {
      return inner_->ListTables(schemas);
    }

   private:
    WatchingConnector* owner_;
    std::unique_ptr<Catalog> inner_;
  };

  std::shared_ptr<MemoryCatalogConnector> inner_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::vector<std::string> passwords_;
};

class RegistryOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = std::make_shared<MemoryCatalogConnector>();
    watcher_ = std::make_shared<WatchingConnector>(catalog_);
    for (const char* table : {"orders", "customers", "returns"}) {
      catalog_->PutTable(kDev, {"sales", table},
                         Columns({{"id", "integer"}, {"note", "text"}}));
    }
    absl::StatusOr<std::unique_ptr<Store>> store =
        OpenSqliteStore(scratch_.File("registry.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    registry_ = std::make_unique<Registry>(RegistryOptions(), std::move(*store),
                                           watcher_);
  }

  // Registers `tables` of schema sales; returns their handler ids.
  std::vector<HandlerId> Register(const std::vector<std::string>& tables,
                                  const std::string& evolution = "") {
    absl::StatusOr<CreateResult> created =
        registry_->Create(Technology::kRedshift, Payload(tables, evolution));
    EXPECT_TRUE(created.ok()) << created.status();
    std::vector<HandlerId> ids;
    if (created.ok()) {
      for (const CreatedDataSource& source : created->created) {
        ids.push_back(source.handler_id);
      }
    }
    return ids;
  }

  testing::ScratchDir scratch_;
  std::shared_ptr<MemoryCatalogConnector> catalog_;
  std::shared_ptr<WatchingConnector> watcher_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryOperationsTest, RefreshReadsOneConnectionInOneRoundTrip) {
  ASSERT_THAT(Register({"orders", "customers", "returns"}), SizeIs(3));
  const int before = catalog_->describe_calls();

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      registry_->Refresh(std::nullopt);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_THAT(*outcomes, SizeIs(3));
  EXPECT_EQ(catalog_->describe_calls() - before, 1);
}

TEST_F(RegistryOperationsTest, RefreshReportsChangesAndTagsThemNew) {
  const std::vector<HandlerId> ids = Register({"orders"});
  catalog_->PutTable(kDev, {"sales", "orders"},
                     Columns({{"id", "bigint"}, {"placed", "date"}}));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      registry_->Refresh(ids);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(1));
  EXPECT_THAT((*outcomes)[0].changes, SizeIs(3));  // Retyped, added, removed.
  absl::StatusOr<DataSourceRecord> source =
      registry_->GetDictionary((*outcomes)[0].data_source_id);
  ASSERT_TRUE(source.ok());
  EXPECT_THAT(source->dictionary,
              ElementsAre(Field(&Column::tags, ElementsAre("New")),
                          Field(&Column::tags, ElementsAre("New"))));
}

TEST_F(RegistryOperationsTest, AFailedReadChangesNoDictionary) {
  const std::vector<HandlerId> ids = Register({"orders", "customers"});
  catalog_->PutTable(kDev, {"sales", "orders"}, Columns({{"x", "date"}}));
  catalog_->FailDescribe(absl::UnavailableError("backend terminated"));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      registry_->Refresh(ids);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  for (const RefreshOutcome& outcome : *outcomes) {
    EXPECT_EQ(outcome.error_code, "database_unavailable");
    EXPECT_THAT(outcome.error_message, HasSubstr("backend terminated"));
    absl::StatusOr<DataSourceRecord> source =
        registry_->GetDictionary(outcome.data_source_id);
    ASSERT_TRUE(source.ok());
    EXPECT_THAT(source->dictionary, SizeIs(2));
  }
}

TEST_F(RegistryOperationsTest, AMissingTableMakesItsDataSourceUnhealthy) {
  const std::vector<HandlerId> ids = Register({"orders"});
  catalog_->DropTable(kDev, {"sales", "orders"});

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      registry_->Refresh(ids);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_FALSE((*outcomes)[0].healthy);
  EXPECT_THAT((*outcomes)[0].warnings,
              ElementsAre(Field(&Warning::code, "table_missing")));
  absl::StatusOr<DataSourceRecord> source =
      registry_->GetDictionary((*outcomes)[0].data_source_id);
  ASSERT_TRUE(source.ok());
  EXPECT_FALSE(source->healthy);
  EXPECT_THAT(source->dictionary, SizeIs(2));
}

TEST_F(RegistryOperationsTest, ConcurrentRefreshesOfOneHandlerShareARead) {
  const std::vector<HandlerId> ids = Register({"orders"});
  const int before = catalog_->describe_calls();
  watcher_->Hold();

  std::thread first([&] { EXPECT_TRUE(registry_->Refresh(ids).ok()); });
  std::thread second([&] { EXPECT_TRUE(registry_->Refresh(ids).ok()); });
  // Both refreshes reach the registry before the one read may finish;
  // two seconds leave room for a loaded machine. The assertion is on the
  // number of reads, never on time.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  watcher_->Release();
  first.join();
  second.join();

  EXPECT_EQ(catalog_->describe_calls() - before, 1);
}

TEST_F(RegistryOperationsTest, UpdateKeepsTheStoredPasswordWhenLeftOut) {
  const std::vector<HandlerId> ids = Register({"orders"});
  const std::string body = absl::StrCat(
      R"({"handler": {"metadata": )", Metadata("sales", "customers"),
      R"(}, "connectionString": "cluster.example.io:5439/dev"})");

  absl::StatusOr<UpdateResult> updated =
      registry_->UpdateHandler(Technology::kRedshift, ids[0], body, false);

  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->columns, SizeIs(2));
  EXPECT_EQ(watcher_->passwords().back(), kPassword);
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kRedshift, ids[0], false);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->handler.metadata.table, "customers");
}

TEST_F(RegistryOperationsTest, UpdateRefusesAnotherHandlersTable) {
  const std::vector<HandlerId> ids = Register({"orders", "customers"});
  const std::string body = absl::StrCat(
      R"({"handler": {"metadata": )", Metadata("sales", "customers"),
      R"(}, "connectionString": "cluster.example.io:5439/dev"})");

  absl::StatusOr<UpdateResult> updated =
      registry_->UpdateHandler(Technology::kRedshift, ids[0], body, false);

  EXPECT_EQ(updated.status().code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kRedshift, ids[0], false);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->handler.metadata.table, "orders");
}

TEST_F(RegistryOperationsTest, UpdateRefusesAConnectionStringOfAnotherPlace) {
  const std::vector<HandlerId> ids = Register({"orders"});
  const std::string body = absl::StrCat(
      R"({"handler": {"metadata": )", Metadata("sales", "orders"),
      R"(}, "connectionString": "elsewhere.example.io:5439/dev"})");

  absl::StatusOr<UpdateResult> updated =
      registry_->UpdateHandler(Technology::kRedshift, ids[0], body, false);

  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ProblemsOf(updated.status()),
              ElementsAre(Field(&Problem::pointer, "/connectionString")));
}

TEST_F(RegistryOperationsTest, UpdateWithColumnsReplacesTheDictionary) {
  const std::vector<HandlerId> ids = Register({"orders"});
  const std::string body = absl::StrCat(
      R"({"handler": {"metadata": )",
      Metadata("sales", "orders", kHost, R"(, "columns": ["note"])"),
      R"(}, "connectionString": "Cluster.Example.IO.:5439/dev"})");

  absl::StatusOr<UpdateResult> updated =
      registry_->UpdateHandler(Technology::kRedshift, ids[0], body, false);

  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(updated->columns, ElementsAre(Field(&Column::name, "note")));
}

TEST_F(RegistryOperationsTest, BulkMovesEveryHandlerOfTheConnection) {
  const std::vector<HandlerId> ids = Register({"orders", "customers"});
  const std::string body =
      R"({"connectionString": "cluster.example.io:5439/dev",)"
      R"( "handler": {"metadata": {"hostname": "endpoint.example.io",)"
      R"( "port": 5440, "database": "dev", "username": "analyst"}}})";

  absl::StatusOr<BulkResult> bulk =
      registry_->BulkUpdate(Technology::kRedshift, body);

  ASSERT_TRUE(bulk.ok()) << bulk.status();
  EXPECT_EQ(bulk->jobs_created, 2);
  EXPECT_EQ(bulk->connection_string, "endpoint.example.io:5440/dev");
  EXPECT_GT(bulk->bulk_id, 0);
  for (HandlerId id : ids) {
    absl::StatusOr<HandlerView> view =
        registry_->GetHandler(Technology::kRedshift, id, false);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->handler.connection_string, bulk->connection_string);
  }
}

TEST_F(RegistryOperationsTest, BulkOfAnUnknownConnectionIsNotFound) {
  EXPECT_EQ(registry_
                ->BulkUpdate(Technology::kRedshift,
                             R"({"connectionString": "nowhere:5439/dev",)"
                             R"( "handler": {"metadata": {"hostname": "h",)"
                             R"( "database": "dev"}}})")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryOperationsTest, DeleteFreesTheTableForANewRegistration) {
  const std::vector<HandlerId> ids = Register({"orders"});
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kRedshift, ids[0], false);
  ASSERT_TRUE(view.ok());

  absl::StatusOr<DeleteResult> deleted =
      registry_->DeleteDataSource(view->data_source.id);

  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->handler_id, ids[0]);
  EXPECT_EQ(registry_->GetDictionary(view->data_source.id).status().code(),
            absl::StatusCode::kNotFound);
  const std::vector<HandlerId> again = Register({"orders"});
  ASSERT_THAT(again, SizeIs(1));
  EXPECT_GT(again[0], ids[0]);
}

TEST_F(RegistryOperationsTest, MonitoringRegistersNewTablesAndDisablesGone) {
  const std::string evolution =
      R"(, "schemaEvolution": {"disabled": false, "ownerProfileId": 7,)"
      R"( "schemas": ["sales"]})";
  const std::vector<HandlerId> ids =
      Register({"orders", "customers", "returns"}, evolution);
  ASSERT_THAT(ids, SizeIs(3));
  catalog_->PutTable(kDev, {"sales", "refunds"}, Columns({{"id", "integer"}}));
  catalog_->DropTable(kDev, {"sales", "returns"});

  absl::StatusOr<DetectChangesResult> result =
      registry_->DetectRemoteChanges("");

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->created, SizeIs(1));
  EXPECT_EQ(result->created[0].table, "refunds");
  EXPECT_EQ(result->created[0].name, "Sales Refunds");
  ASSERT_THAT(result->disabled, SizeIs(1));
  absl::StatusOr<DataSourceRecord> gone =
      registry_->GetDictionary(result->disabled[0]);
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->disabled);
  absl::StatusOr<DataSourceRecord> fresh =
      registry_->GetDictionary(result->created[0].data_source_id);
  ASSERT_TRUE(fresh.ok());
  ASSERT_THAT(fresh->spec.owner, SizeIs(1));
  EXPECT_THAT(fresh->spec.owner[0].profiles, ElementsAre(7));
}

TEST_F(RegistryOperationsTest, MonitoringIsOffUnlessSchemaEvolutionIsOn) {
  ASSERT_THAT(Register({"orders"}), SizeIs(1));
  catalog_->PutTable(kDev, {"sales", "refunds"}, Columns({{"id", "integer"}}));

  absl::StatusOr<DetectChangesResult> result =
      registry_->DetectRemoteChanges("");

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->created, IsEmpty());
  EXPECT_THAT(result->refreshed, SizeIs(1));
}

TEST_F(RegistryOperationsTest, DetectChangesNamesDataSourcesThatDoNotExist) {
  EXPECT_EQ(registry_->DetectRemoteChanges(R"({"dataSourceIds": [99]})")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dsh
