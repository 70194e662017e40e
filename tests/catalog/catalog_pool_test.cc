// The pooled connector: first over the memory catalog, which counts
// connects and open catalogs, then over a real PostgreSQL, watched from
// the server's side through pg_stat_activity.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/catalog.h"
#include "dsh/memory_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/catalog/catalog_test_support.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::dsh::catalog_testing::DshBackends;
using ::dsh::catalog_testing::TerminateDshBackends;
using ::dsh::catalog_testing::WaitForDshBackends;
using ::dsh::testing::PostgresServer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

const ConnectionString kWarehouse{"db.example.internal", 5439, "dev"};
const std::vector<TableRef> kOrders = {{"sales", "orders"}};

ConnectionSettings WarehouseSettings() {
  ConnectionSettings settings;
  settings.host = kWarehouse.host;
  settings.port = kWarehouse.port;
  settings.database = kWarehouse.database;
  settings.username = "reader";
  settings.password = "pool-canary-3Fq";
  return settings;
}

// Waits up to five seconds for `done`.
bool Eventually(const std::function<bool()>& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class CatalogPoolTest : public ::testing::Test {
 protected:
  CatalogPoolTest() : memory_(std::make_shared<MemoryCatalogConnector>()) {
    memory_->PutTable(kWarehouse, kOrders[0], {});
  }

  std::shared_ptr<CatalogConnector> Pool(
      CatalogPoolOptions options = CatalogPoolOptions()) {
    return NewPooledCatalogConnector(memory_, options);
  }

  static std::unique_ptr<Catalog> Open(
      CatalogConnector& pool,
      const ConnectionSettings& settings = WarehouseSettings()) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog = pool.Connect(settings);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  std::shared_ptr<MemoryCatalogConnector> memory_;
};

TEST_F(CatalogPoolTest, ReusesAConnectionForTheSameSettings) {
  std::shared_ptr<CatalogConnector> pool = Pool();

  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<Catalog> catalog = Open(*pool);
    ASSERT_NE(catalog, nullptr);
    ASSERT_TRUE(catalog->DescribeTables(kOrders).ok());
  }

  EXPECT_EQ(memory_->connect_calls(), 1);
  EXPECT_EQ(memory_->describe_calls(), 3);
  EXPECT_EQ(memory_->open_catalogs(), 1);
}

TEST_F(CatalogPoolTest, ForwardsListTables) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> catalog = Open(*pool);

  absl::StatusOr<std::vector<TableRef>> listed =
      catalog->ListTables(std::vector<std::string>{"sales"});

  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, ElementsAre(kOrders[0]));
  EXPECT_EQ(memory_->list_calls(), 1);
}

// Every field counts: a connection opened with one password must never
// serve a request that bears another.
TEST_F(CatalogPoolTest, NeverSharesAConnectionAcrossDifferentSettings) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  const std::vector<std::function<void(ConnectionSettings&)>> changes = {
      [](ConnectionSettings& s) { s.technology = Technology::kPostgresql; },
      [](ConnectionSettings& s) { s.host = "DB.example.internal"; },
      [](ConnectionSettings& s) { s.port = 5440; },
      [](ConnectionSettings& s) { s.database = "Dev"; },
      [](ConnectionSettings& s) { s.username = "writer"; },
      [](ConnectionSettings& s) { s.password = "pool-canary-3Fr"; },
      [](ConnectionSettings& s) { s.ssl = false; },
      [](ConnectionSettings& s) { s.ca_bundle_pem = "-----BEGIN"; },
      [](ConnectionSettings& s) { s.connect_timeout_seconds = 11; },
      [](ConnectionSettings& s) { s.statement_timeout_ms = 1; },
  };
  Open(*pool).reset();  // Parks one connection with the base settings.

  for (size_t i = 0; i < changes.size(); ++i) {
    ConnectionSettings settings = WarehouseSettings();
    changes[i](settings);
    std::unique_ptr<Catalog> catalog = Open(*pool, settings);
    EXPECT_EQ(memory_->connect_calls(), static_cast<int>(i) + 2)
        << "change " << i;
  }
  EXPECT_EQ(memory_->open_catalogs(), 1 + static_cast<int>(changes.size()));
}

TEST_F(CatalogPoolTest, GivesCatalogsHeldAtOnceTheirOwnConnections) {
  std::shared_ptr<CatalogConnector> pool = Pool();

  std::unique_ptr<Catalog> first = Open(*pool);
  std::unique_ptr<Catalog> second = Open(*pool);
  EXPECT_EQ(memory_->connect_calls(), 2);
  first.reset();
  second.reset();
  std::unique_ptr<Catalog> third = Open(*pool);
  std::unique_ptr<Catalog> fourth = Open(*pool);

  EXPECT_EQ(memory_->connect_calls(), 2);
  EXPECT_EQ(memory_->open_catalogs(), 2);
}

TEST_F(CatalogPoolTest, GivesThreadsHoldingCatalogsDistinctConnections) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  constexpr int kThreads = 4;
  std::mutex mutex;
  std::condition_variable all_holding;
  int holding = 0;
  std::atomic<int> described{0};

  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      std::unique_ptr<Catalog> catalog = Open(*pool);
      if (catalog != nullptr && catalog->DescribeTables(kOrders).ok()) {
        ++described;
      }
      std::unique_lock<std::mutex> lock(mutex);
      ++holding;
      all_holding.notify_all();
      all_holding.wait(lock, [&] { return holding == kThreads; });
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(described.load(), kThreads);
  EXPECT_EQ(memory_->connect_calls(), kThreads);
  EXPECT_EQ(memory_->open_catalogs(), kThreads);
}

TEST_F(CatalogPoolTest, DropsAConnectionWhoseCallFailedAsUnavailable) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> catalog = Open(*pool);
  memory_->FailDescribe(absl::UnavailableError("connection lost for the test"));

  EXPECT_EQ(catalog->DescribeTables(kOrders).status().code(),
            absl::StatusCode::kUnavailable);
  memory_->FailDescribe(absl::OkStatus());
  EXPECT_TRUE(catalog->DescribeTables(kOrders).ok());
  catalog.reset();

  EXPECT_EQ(memory_->open_catalogs(), 0);
  std::unique_ptr<Catalog> next = Open(*pool);
  EXPECT_EQ(memory_->connect_calls(), 2);
}

TEST_F(CatalogPoolTest, KeepsAConnectionWhoseCallFailedOtherwise) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> catalog = Open(*pool);
  memory_->FailDescribe(absl::DeadlineExceededError("slow for the test"));
  memory_->FailList(absl::PermissionDeniedError("no for the test"));

  EXPECT_FALSE(catalog->DescribeTables(kOrders).ok());
  EXPECT_FALSE(catalog->ListTables(std::vector<std::string>{"sales"}).ok());
  catalog.reset();
  std::unique_ptr<Catalog> next = Open(*pool);

  EXPECT_EQ(memory_->connect_calls(), 1);
}

// A parked connection may have died while it waited; its first failure
// is not the caller's, so one new connection answers in its place.
TEST_F(CatalogPoolTest, RetriesTheFirstCallOfAReusedConnectionOnce) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  Open(*pool).reset();
  std::unique_ptr<Catalog> reused = Open(*pool);
  memory_->FailList(absl::UnavailableError("still down for the test"));

  const absl::Status failed =
      reused->ListTables(std::vector<std::string>{"sales"}).status();

  EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(memory_->connect_calls(), 2);
  EXPECT_EQ(memory_->list_calls(), 2);
  reused.reset();
  EXPECT_EQ(memory_->open_catalogs(), 0);
}

TEST_F(CatalogPoolTest, DoesNotRetryTheFirstCallOfANewConnection) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> fresh = Open(*pool);
  memory_->FailDescribe(absl::UnavailableError("down for the test"));

  EXPECT_FALSE(fresh->DescribeTables(kOrders).ok());

  EXPECT_EQ(memory_->describe_calls(), 1);
  EXPECT_EQ(memory_->connect_calls(), 1);
}

TEST_F(CatalogPoolTest, PassesConnectFailuresThrough) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  memory_->FailConnect(absl::PermissionDeniedError("login refused for test"));

  absl::StatusOr<std::unique_ptr<Catalog>> catalog =
      pool->Connect(WarehouseSettings());

  EXPECT_EQ(catalog.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(catalog.status().message(), HasSubstr("login refused"));
}

TEST_F(CatalogPoolTest, KeepsAtMostMaxIdlePerDatabase) {
  CatalogPoolOptions options;
  options.max_idle_per_database = 2;
  std::shared_ptr<CatalogConnector> pool = Pool(options);

  std::vector<std::unique_ptr<Catalog>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Open(*pool));
  held.clear();

  EXPECT_EQ(memory_->open_catalogs(), 2);
}

TEST_F(CatalogPoolTest, KeepsNothingWhenMaxIdleIsZero) {
  CatalogPoolOptions options;
  options.max_idle_per_database = 0;
  std::shared_ptr<CatalogConnector> pool = Pool(options);

  Open(*pool).reset();
  Open(*pool).reset();

  EXPECT_EQ(memory_->connect_calls(), 2);
  EXPECT_EQ(memory_->open_catalogs(), 0);
}

TEST_F(CatalogPoolTest, ClosesIdleConnectionsAfterMaxIdleSeconds) {
  CatalogPoolOptions options;
  options.max_idle_seconds = 1;
  std::shared_ptr<CatalogConnector> pool = Pool(options);
  const auto parked = std::chrono::steady_clock::now();

  Open(*pool).reset();
  ASSERT_EQ(memory_->open_catalogs(), 1);

  EXPECT_TRUE(Eventually([&] { return memory_->open_catalogs() == 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - parked,
            std::chrono::milliseconds(900));
  std::unique_ptr<Catalog> next = Open(*pool);
  EXPECT_EQ(memory_->connect_calls(), 2);
}

TEST_F(CatalogPoolTest, CatalogsOutliveTheirPool) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  Open(*pool).reset();
  std::unique_ptr<Catalog> held = Open(*pool);

  pool.reset();

  EXPECT_EQ(memory_->open_catalogs(), 1);
  EXPECT_TRUE(held->DescribeTables(kOrders).ok());
  held.reset();
  EXPECT_EQ(memory_->open_catalogs(), 0);
}

TEST_F(CatalogPoolTest, ClosesIdleConnectionsWithThePool) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::vector<std::unique_ptr<Catalog>> held;
  for (int i = 0; i < 3; ++i) held.push_back(Open(*pool));
  held.clear();
  ASSERT_EQ(memory_->open_catalogs(), 3);

  pool.reset();

  EXPECT_EQ(memory_->open_catalogs(), 0);
}

TEST(CatalogPoolWithoutConnectorTest, RefusesToConnect) {
  std::shared_ptr<CatalogConnector> pool = NewPooledCatalogConnector(nullptr);

  EXPECT_EQ(pool->Connect(ConnectionSettings()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

// Over a real server: reuse, loss and expiry seen from the server's side.
class PostgresPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = testing::SharedPostgresServer();
    ASSERT_TRUE(server.ok()) << "PostgreSQL 15 is needed: " << server.status();
    server_ = *server;
    static int databases = 0;
    database_ = absl::StrCat("pool_", ++databases);
    ASSERT_TRUE(server_->CreateDatabase(database_).ok());
    ASSERT_TRUE(
        server_->RunSql(database_, "CREATE TABLE public.t (id integer)").ok());
  }

  std::shared_ptr<CatalogConnector> Pool(
      CatalogPoolOptions options = CatalogPoolOptions()) {
    return NewPooledCatalogConnector(NewPostgresCatalogConnector(), options);
  }

  std::unique_ptr<Catalog> Open(CatalogConnector& pool) {
    absl::StatusOr<std::unique_ptr<Catalog>> catalog =
        pool.Connect(server_->Settings(database_));
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *std::move(catalog) : nullptr;
  }

  static absl::Status Describe(Catalog& catalog) {
    absl::StatusOr<std::vector<TableDescription>> described =
        catalog.DescribeTables({{"public", "t"}});
    if (!described.ok()) return described.status();
    return (*described)[0].status;
  }

  PostgresServer* server_ = nullptr;
  std::string database_;
};

TEST_F(PostgresPoolTest, ReusesTheSameServerSession) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> first = Open(*pool);
  ASSERT_TRUE(Describe(*first).ok());
  const std::vector<std::string> before = DshBackends(*server_, database_);
  ASSERT_THAT(before, SizeIs(1));
  first.reset();

  std::unique_ptr<Catalog> second = Open(*pool);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(Describe(*second).ok());

  EXPECT_EQ(DshBackends(*server_, database_), before);
}

TEST_F(PostgresPoolTest, GivesTwoThreadsTwoSessions) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::mutex mutex;
  std::condition_variable changed;
  int holding = 0;
  bool checked = false;
  std::atomic<int> described{0};

  auto work = [&] {
    std::unique_ptr<Catalog> catalog = Open(*pool);
    if (catalog != nullptr && Describe(*catalog).ok()) ++described;
    std::unique_lock<std::mutex> lock(mutex);
    ++holding;
    changed.notify_all();
    changed.wait(lock, [&] { return checked; });
  };
  std::thread one(work);
  std::thread two(work);
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return holding == 2; });
  }
  const std::vector<std::string> sessions = DshBackends(*server_, database_);
  {
    std::lock_guard<std::mutex> lock(mutex);
    checked = true;
  }
  changed.notify_all();
  one.join();
  two.join();

  EXPECT_EQ(described.load(), 2);
  EXPECT_THAT(sessions, SizeIs(2));
  std::unique_ptr<Catalog> third = Open(*pool);
  ASSERT_NE(third, nullptr);
  EXPECT_TRUE(Describe(*third).ok());
  EXPECT_EQ(DshBackends(*server_, database_), sessions);
}

TEST_F(PostgresPoolTest, RecoversFromASessionEndedMidUse) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> catalog = Open(*pool);
  ASSERT_TRUE(Describe(*catalog).ok());
  const std::vector<std::string> ended = DshBackends(*server_, database_);
  ASSERT_TRUE(TerminateDshBackends(*server_, database_).ok());
  ASSERT_THAT(WaitForDshBackends(*server_, database_, 0), SizeIs(0));

  const absl::Status lost = Describe(*catalog);
  catalog.reset();
  std::unique_ptr<Catalog> next = Open(*pool);
  ASSERT_NE(next, nullptr);
  const absl::Status recovered = Describe(*next);

  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  EXPECT_TRUE(recovered.ok()) << recovered;
  const std::vector<std::string> now = DshBackends(*server_, database_);
  EXPECT_THAT(now, SizeIs(1));
  EXPECT_NE(now, ended);
}

TEST_F(PostgresPoolTest, ReplacesAParkedSessionTheServerEnded) {
  std::shared_ptr<CatalogConnector> pool = Pool();
  std::unique_ptr<Catalog> first = Open(*pool);
  ASSERT_TRUE(Describe(*first).ok());
  first.reset();
  const std::vector<std::string> ended = DshBackends(*server_, database_);
  ASSERT_TRUE(TerminateDshBackends(*server_, database_).ok());
  ASSERT_THAT(WaitForDshBackends(*server_, database_, 0), SizeIs(0));

  std::unique_ptr<Catalog> next = Open(*pool);
  ASSERT_NE(next, nullptr);
  const absl::Status described = Describe(*next);

  EXPECT_TRUE(described.ok()) << described;
  const std::vector<std::string> now = DshBackends(*server_, database_);
  EXPECT_THAT(now, SizeIs(1));
  EXPECT_NE(now, ended);
}

TEST_F(PostgresPoolTest, ClosesIdleSessionsAfterMaxIdleSeconds) {
  CatalogPoolOptions options;
  options.max_idle_seconds = 1;
  std::shared_ptr<CatalogConnector> pool = Pool(options);
  std::unique_ptr<Catalog> catalog = Open(*pool);
  ASSERT_TRUE(Describe(*catalog).ok());
  catalog.reset();
  ASSERT_THAT(DshBackends(*server_, database_), SizeIs(1));

  EXPECT_THAT(WaitForDshBackends(*server_, database_, 0), SizeIs(0));
}

TEST_F(PostgresPoolTest, KeepsASessionAfterAStatementTimeout) {
  ConnectionSettings settings = server_->Settings(database_);
  settings.statement_timeout_ms = 1;
  std::shared_ptr<CatalogConnector> pool = Pool();
  absl::StatusOr<std::unique_ptr<Catalog>> catalog = pool->Connect(settings);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  // Enough names that parsing them alone outlasts a millisecond.
  std::vector<TableRef> many(200000, TableRef{"public", "t"});

  const absl::Status timed_out = (*catalog)->DescribeTables(many).status();
  const std::vector<std::string> session = DshBackends(*server_, database_);
  catalog->reset();
  absl::StatusOr<std::unique_ptr<Catalog>> again = pool->Connect(settings);
  ASSERT_TRUE(again.ok()) << again.status();

  EXPECT_EQ(timed_out.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(session, SizeIs(1));
  EXPECT_EQ(DshBackends(*server_, database_), session);
}

}  // namespace
}  // namespace dsh
