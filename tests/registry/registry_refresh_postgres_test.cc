// Refresh, update, delete and schema monitoring end to end against a real
// PostgreSQL: the remote tables are changed with DDL between operations,
// and what the registry reports and stores is checked afterwards.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dsh/error.h"
#include "dsh/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_server.h"

namespace dsh {
namespace {

using ::testing::ElementsAre;
using ::testing::Gt;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// Debian's GoogleTest has no status matchers.
#define DSH_ASSERT_OK(expression)                             \
  do {                                                        \
    const absl::Status dsh_assert_status = (expression);      \
    ASSERT_TRUE(dsh_assert_status.ok()) << dsh_assert_status; \
  } while (false)

constexpr char kPassword[] = "canary-Pw-7f3e";

// The columns of a dictionary, in order.
std::vector<std::string> NamesOf(const std::vector<Column>& dictionary) {
  std::vector<std::string> names;
  for (const Column& column : dictionary) names.push_back(column.name);
  return names;
}

// Column name to tags.
std::map<std::string, std::vector<std::string>> TagsOf(
    const std::vector<Column>& dictionary) {
  std::map<std::string, std::vector<std::string>> tags;
  for (const Column& column : dictionary) tags[column.name] = column.tags;
  return tags;
}

// Column name to remote type.
std::map<std::string, std::string> TypesOf(
    const std::vector<Column>& dictionary) {
  std::map<std::string, std::string> types;
  for (const Column& column : dictionary) {
    types[column.name] = column.remote_type;
  }
  return types;
}

// A change as a line that reads well in a failure message:
// "added note: text", "typeChanged qty: integer -> bigint".
std::string Describe(const ColumnChange& change) {
  switch (change.kind) {
    case ColumnChange::Kind::kAdded:
      return absl::StrCat("added ", change.column, ": ",
                          change.new_remote_type);
    case ColumnChange::Kind::kRemoved:
      return absl::StrCat("removed ", change.column, ": ",
                          change.old_remote_type);
    case ColumnChange::Kind::kTypeChanged:
      return absl::StrCat("typeChanged ", change.column, ": ",
                          change.old_remote_type, " -> ",
                          change.new_remote_type);
  }
  return "?";
}

std::vector<std::string> Describe(const std::vector<ColumnChange>& changes) {
  std::vector<std::string> lines;
  for (const ColumnChange& change : changes) lines.push_back(Describe(change));
  return lines;
}

// The outcome for `id` among `outcomes`, or nullptr.
const RefreshOutcome* OutcomeFor(const std::vector<RefreshOutcome>& outcomes,
                                 DataSourceId id) {
  for (const RefreshOutcome& outcome : outcomes) {
    if (outcome.data_source_id == id) return &outcome;
  }
  return nullptr;
}

class RegistryRefreshPostgresTest : public ::testing::Test {
 protected:
  using PostgresServer = testing::PostgresServer;

  // One server for the suite. It requires a password, so that a handler
  // that lost its stored password cannot read the catalog.
  static void SetUpTestSuite() {
    PostgresServer::Options options;
    options.password = kPassword;
    absl::StatusOr<std::unique_ptr<PostgresServer>> started =
        PostgresServer::Start(options);
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = started->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr) << "the PostgreSQL server did not start";
    database_ = absl::StrCat("refresh_", ++counter_);
    DSH_ASSERT_OK(server_->CreateDatabase(database_));
    store_path_ = absl::StrCat(::testing::TempDir(), "/registry-refresh-",
                               getpid(), "-", counter_, ".db");
    RemoveStore();
    registry_ = OpenRegistry();
    ASSERT_NE(registry_, nullptr);
  }

  void TearDown() override {
    registry_.reset();
    RemoveStore();
  }

  void RemoveStore() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove((store_path_ + suffix).c_str());
    }
  }

  // A registry over this test's SQLite file with an empty connection pool.
  std::unique_ptr<Registry> OpenRegistry(
      RegistryOptions options = RegistryOptions()) {
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(store_path_);
    if (!store.ok()) {
      ADD_FAILURE() << store.status();
      return nullptr;
    }
    options.logger = Logger(
        [this](LogLevel, std::string_view line) {
          std::lock_guard<std::mutex> lock(log_mutex_);
          log_ += std::string(line) + "\n";
        },
        LogLevel::kDebug);
    return std::make_unique<Registry>(
        std::move(options), std::move(*store),
        std::shared_ptr<CatalogConnector>(NewPostgresCatalogConnector()));
  }

  // What the registries of this test logged.
  std::string Log() {
    std::lock_guard<std::mutex> lock(log_mutex_);
    return log_;
  }

  absl::Status Sql(const std::string& sql) const {
    return server_->RunSql(database_, sql);
  }

  std::string ConnectionStringOf(const std::string& database) const {
    return absl::StrCat("127.0.0.1:", server_->port(), "/", database);
  }

  // `handler[i].metadata` for schema.table of this test's database. With
  // `names`, the data source is named "<schema> <table>" and its SQL
  // table "<schema>_<table>"; without, an update keeps the names it has.
  std::string Metadata(const std::string& schema, const std::string& table,
                       bool with_password = true, bool names = true) const {
    return absl::StrCat(
        R"({"hostname": "127.0.0.1", "port": )", server_->port(),
        R"(, "database": ")", database_, R"(", "username": "postgres")",
        with_password ? absl::StrCat(R"(, "password": ")", kPassword, "\"")
                      : "",
        R"(, "ssl": false, "schema": ")", schema, R"(", "table": ")", table,
        "\"",
        names ? absl::StrCat(R"(, "dataSourceName": ")", schema, " ", table,
                             R"(", "bodataTableName": ")", schema, "_", table,
                             "\"")
              : "",
        "}");
  }

  // A create payload registering `tables` ({schema, table} each).
  std::string Payload(const std::vector<TableRef>& tables,
                      const std::string& schema_evolution = "") const {
    std::vector<std::string> handlers;
    for (const TableRef& table : tables) {
      handlers.push_back(absl::StrCat(
          R"({"metadata": )", Metadata(table.schema, table.table), "}"));
    }
    return absl::StrCat(
        R"({"handler": [)", absl::StrJoin(handlers, ",\n"),
        R"(], "dataSource": {"blobHandler": {"scheme": "https", "url": ""},)",
        R"( "blobHandlerType": "PostgreSQL", "recordFormat": "",)",
        R"( "type": "queryable"})", schema_evolution.empty() ? "" : ", ",
        schema_evolution, "}");
  }

  // Registers `tables` in one request; every one must be created.
  absl::StatusOr<std::vector<CreatedDataSource>> Register(
      const std::vector<TableRef>& tables,
      const std::string& schema_evolution = "") {
    absl::StatusOr<CreateResult> result = registry_->Create(
        Technology::kPostgresql, Payload(tables, schema_evolution));
    if (!result.ok()) return result.status();
    if (result->created.size() != tables.size()) {
      return absl::InternalError(absl::StrCat(
          "created ", result->created.size(), " data sources of ",
          tables.size(), ": ", result->warnings.size(), " warnings"));
    }
    return std::move(result->created);
  }

  absl::StatusOr<CreatedDataSource> RegisterOne(const std::string& schema,
                                                const std::string& table) {
    absl::StatusOr<std::vector<CreatedDataSource>> created =
        Register({{schema, table}});
    if (!created.ok()) return created.status();
    return created->front();
  }

  // The stored dictionary of `id`; empty (with a failure) when unreadable.
  std::vector<Column> StoredDictionary(DataSourceId id) {
    absl::StatusOr<DataSourceRecord> record = registry_->GetDictionary(id);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() ? record->dictionary : std::vector<Column>();
  }

  // Ends every session of this test's database but the caller's, waiting
  // until each is gone.
  void TerminateOtherSessions() {
    absl::StatusOr<std::vector<std::vector<std::string>>> ended =
        server_->Query(database_, R"sql(
          SELECT pg_catalog.pg_terminate_backend(pid, 10000)
          FROM pg_catalog.pg_stat_activity
          WHERE datname = pg_catalog.current_database()
            AND pid <> pg_catalog.pg_backend_pid()
            AND backend_type = 'client backend')sql");
    ASSERT_TRUE(ended.ok()) << ended.status();
    ASSERT_THAT(*ended, Not(IsEmpty())) << "no session to end";
    for (const std::vector<std::string>& row : *ended) {
      ASSERT_THAT(row, ElementsAre("t"));
    }
  }

  static PostgresServer* server_;
  static int counter_;
  std::string database_;
  std::string store_path_;
  std::mutex log_mutex_;
  std::string log_;
  std::unique_ptr<Registry> registry_;
};

testing::PostgresServer* RegistryRefreshPostgresTest::server_ = nullptr;
int RegistryRefreshPostgresTest::counter_ = 0;

// A session that holds an exclusive lock on pg_namespace of one database,
// so that every catalog read there waits, until Release() or a sleep of
// twenty seconds ends it. New sessions still start: logging in does not
// read pg_namespace.
class CatalogLock {
 public:
  CatalogLock(const testing::PostgresServer& server, std::string database)
      : server_(server), database_(std::move(database)) {
    holder_ = std::thread([this] {
      (void)server_.RunSql(
          database_,
          "BEGIN; LOCK TABLE pg_catalog.pg_namespace IN ACCESS EXCLUSIVE "
          "MODE; SELECT pg_catalog.pg_sleep(20); COMMIT;");
      done_ = true;
    });
  }

  ~CatalogLock() { Release(); }

  // Waits until the lock is granted; false after ten seconds.
  bool WaitUntilHeld() {
    const std::string query = absl::StrCat(R"sql(
      SELECT l.pid FROM pg_catalog.pg_locks l
      JOIN pg_catalog.pg_database d ON d.oid = l.database
      WHERE d.datname = ')sql",
                                           database_, R"sql('
        AND l.relation = 'pg_catalog.pg_namespace'::pg_catalog.regclass
        AND l.mode = 'AccessExclusiveLock' AND l.granted)sql");
    return OnePid(query) != 0;
  }

  // Waits until a client session of the database waits for a lock, and
  // returns its process id; 0 after ten seconds.
  int WaitForBlockedSession() {
    return OnePid(absl::StrCat(
        "SELECT pid FROM pg_catalog.pg_stat_activity WHERE datname = '",
        database_,
        "' AND backend_type = 'client backend' AND wait_event_type = 'Lock'"));
  }

  // Ends the holding session, and the lock with it.
  void Release() {
    if (!holder_.joinable()) return;
    for (int attempt = 0; attempt < 100 && !done_; ++attempt) {
      (void)server_.RunSql(
          "postgres",
          absl::StrCat("SELECT pg_catalog.pg_terminate_backend(pid) FROM "
                       "pg_catalog.pg_stat_activity WHERE datname = '",
                       database_, "' AND wait_event = 'PgSleep'"));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    holder_.join();
  }

 private:
  // The process id `query` (run in the postgres database) answers once it
  // answers exactly one row; 0 when it has not after ten seconds.
  int OnePid(const std::string& query) const {
    for (int attempt = 0; attempt < 100; ++attempt) {
      absl::StatusOr<std::vector<std::vector<std::string>>> rows =
          server_.Query("postgres", query);
      int pid = 0;
      if (rows.ok() && rows->size() == 1 && (*rows)[0].size() == 1 &&
          absl::SimpleAtoi((*rows)[0][0], &pid)) {
        return pid;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }

  const testing::PostgresServer& server_;
  const std::string database_;
  std::atomic<bool> done_{false};
  std::thread holder_;
};

// Column changes between refreshes.

class PostgresColumnChangeTest : public RegistryRefreshPostgresTest {
 protected:
  void SetUp() override {
    RegistryRefreshPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    DSH_ASSERT_OK(Sql(R"sql(
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (
        id integer PRIMARY KEY,
        code varchar(10) NOT NULL,
        quantity integer,
        note text,
        legacy text))sql"));
    absl::StatusOr<CreatedDataSource> orders = RegisterOne("shop", "orders");
    ASSERT_TRUE(orders.ok()) << orders.status();
    orders_ = orders->data_source_id;
    ASSERT_THAT(NamesOf(orders->dictionary),
                ElementsAre("id", "code", "quantity", "note", "legacy"));
  }

  // Refreshes every data source and returns the outcome of shop.orders,
  // which must have read the catalog without error.
  RefreshOutcome RefreshOrders() {
    absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
        registry_->Refresh(std::nullopt);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    if (!outcomes.ok()) return RefreshOutcome();
    const RefreshOutcome* outcome = OutcomeFor(*outcomes, orders_);
    EXPECT_NE(outcome, nullptr);
    if (outcome == nullptr) return RefreshOutcome();
    EXPECT_EQ(outcome->error_code, std::nullopt) << outcome->error_message;
    EXPECT_TRUE(outcome->healthy);
    return *outcome;
  }

  DataSourceId orders_ = 0;
};

TEST_F(PostgresColumnChangeTest, RefreshOfAnUnchangedTableReportsNothing) {
  const std::vector<Column> before = StoredDictionary(orders_);

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(outcome.changes, IsEmpty());
  EXPECT_EQ(StoredDictionary(orders_), before);
}

TEST_F(PostgresColumnChangeTest, RefreshReportsAnAddedColumnAndTagsItNew) {
  DSH_ASSERT_OK(
      Sql("ALTER TABLE shop.orders ADD COLUMN shipped_at "
          "timestamp(3) with time zone"));

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(Describe(outcome.changes),
              ElementsAre("added shipped_at: timestamp(3) with time zone"));
  const std::vector<Column> stored = StoredDictionary(orders_);
  EXPECT_THAT(NamesOf(stored), ElementsAre("id", "code", "quantity", "note",
                                           "legacy", "shipped_at"));
  EXPECT_THAT(TagsOf(stored)["shipped_at"], ElementsAre(kNewColumnTag));
}

TEST_F(PostgresColumnChangeTest, RefreshReportsADroppedColumnAndForgetsIt) {
  DSH_ASSERT_OK(Sql("ALTER TABLE shop.orders DROP COLUMN legacy"));

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(Describe(outcome.changes), ElementsAre("removed legacy: text"));
  EXPECT_THAT(NamesOf(StoredDictionary(orders_)),
              ElementsAre("id", "code", "quantity", "note"));
}

TEST_F(PostgresColumnChangeTest,
       RefreshReportsWiderTypesAsTypeChangesTaggedNew) {
  DSH_ASSERT_OK(
      Sql("ALTER TABLE shop.orders"
          " ALTER COLUMN code TYPE varchar(20),"
          " ALTER COLUMN quantity TYPE bigint"));

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(Describe(outcome.changes),
              UnorderedElementsAre("typeChanged code: character varying(10) -> "
                                   "character varying(20)",
                                   "typeChanged quantity: integer -> bigint"));
  const std::vector<Column> stored = StoredDictionary(orders_);
  EXPECT_EQ(TypesOf(stored)["code"], "character varying(20)");
  EXPECT_EQ(TypesOf(stored)["quantity"], "bigint");
  EXPECT_THAT(TagsOf(stored)["code"], ElementsAre(kNewColumnTag));
  EXPECT_THAT(TagsOf(stored)["quantity"], ElementsAre(kNewColumnTag));
}

TEST_F(PostgresColumnChangeTest,
       RefreshReportsARenamedColumnAsRemovedAndAdded) {
  DSH_ASSERT_OK(Sql("ALTER TABLE shop.orders RENAME COLUMN note TO remark"));

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(Describe(outcome.changes),
              UnorderedElementsAre("removed note: text", "added remark: text"));
  const std::vector<Column> stored = StoredDictionary(orders_);
  EXPECT_THAT(NamesOf(stored),
              ElementsAre("id", "code", "quantity", "remark", "legacy"));
  EXPECT_THAT(TagsOf(stored)["remark"], ElementsAre(kNewColumnTag));
}

TEST_F(PostgresColumnChangeTest, RefreshKeepsTheTagsOfColumnsItDidNotChange) {
  DSH_ASSERT_OK(Sql("ALTER TABLE shop.orders ADD COLUMN channel text"));
  ASSERT_THAT(Describe(RefreshOrders().changes),
              ElementsAre("added channel: text"));
  DSH_ASSERT_OK(
      Sql("ALTER TABLE shop.orders ALTER COLUMN code TYPE "
          "varchar(30)"));

  const RefreshOutcome outcome = RefreshOrders();

  EXPECT_THAT(Describe(outcome.changes),
              ElementsAre("typeChanged code: character varying(10) -> "
                          "character varying(30)"));
  const std::map<std::string, std::vector<std::string>> tags =
      TagsOf(StoredDictionary(orders_));
  EXPECT_THAT(tags.at("channel"), ElementsAre(kNewColumnTag));
  EXPECT_THAT(tags.at("code"), ElementsAre(kNewColumnTag));
  for (const char* untouched : {"id", "quantity", "note", "legacy"}) {
    EXPECT_THAT(tags.at(untouched), IsEmpty()) << untouched;
  }
}

// Tables and schemas that go away.

class PostgresVanishingTableTest : public RegistryRefreshPostgresTest {
 protected:
  void SetUp() override {
    RegistryRefreshPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    DSH_ASSERT_OK(Sql(kSchema));
    absl::StatusOr<std::vector<CreatedDataSource>> created =
        Register({{"shop", "orders"}, {"shop", "customers"}});
    ASSERT_TRUE(created.ok()) << created.status();
    orders_ = (*created)[0];
    customers_ = (*created)[1];
  }

  absl::StatusOr<std::vector<RefreshOutcome>> RefreshAll() {
    return registry_->Refresh(std::nullopt);
  }

  static constexpr char kSchema[] = R"sql(
    CREATE SCHEMA shop;
    CREATE TABLE shop.orders (id integer PRIMARY KEY, total numeric(12,2));
    CREATE TABLE shop.customers (id integer PRIMARY KEY, name text))sql";

  CreatedDataSource orders_;
  CreatedDataSource customers_;
};

TEST_F(PostgresVanishingTableTest,
       RefreshMarksADroppedTableUnhealthyAndKeepsIt) {
  DSH_ASSERT_OK(Sql("DROP TABLE shop.orders"));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes = RefreshAll();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  const RefreshOutcome* orders = OutcomeFor(*outcomes, orders_.data_source_id);
  ASSERT_NE(orders, nullptr);
  EXPECT_FALSE(orders->healthy);
  EXPECT_EQ(orders->error_code, std::nullopt) << orders->error_message;
  ASSERT_THAT(orders->warnings, SizeIs(1));
  EXPECT_EQ(orders->warnings[0].code, "table_missing");
  EXPECT_THAT(orders->warnings[0].message, HasSubstr("orders"));

  absl::StatusOr<DataSourceRecord> stored =
      registry_->GetDictionary(orders_.data_source_id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_FALSE(stored->healthy);
  EXPECT_THAT(stored->health_message, HasSubstr("orders"));
  EXPECT_FALSE(stored->disabled);
  EXPECT_EQ(stored->dictionary, orders_.dictionary);
  EXPECT_TRUE(
      registry_->GetHandler(Technology::kPostgresql, orders_.handler_id, false)
          .ok());
}

TEST_F(PostgresVanishingTableTest,
       RefreshLeavesTheOtherTablesOfTheConnectionHealthy) {
  DSH_ASSERT_OK(Sql("DROP TABLE shop.orders"));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes = RefreshAll();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  const RefreshOutcome* customers =
      OutcomeFor(*outcomes, customers_.data_source_id);
  ASSERT_NE(customers, nullptr);
  EXPECT_TRUE(customers->healthy);
  EXPECT_EQ(customers->error_code, std::nullopt) << customers->error_message;
  absl::StatusOr<DataSourceRecord> stored =
      registry_->GetDictionary(customers_.data_source_id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(stored->healthy);
}

TEST_F(PostgresVanishingTableTest,
       RefreshMakesADataSourceHealthyWhenItsTableIsBack) {
  DSH_ASSERT_OK(Sql("DROP TABLE shop.orders"));
  ASSERT_TRUE(RefreshAll().ok());
  absl::StatusOr<DataSourceRecord> dropped =
      registry_->GetDictionary(orders_.data_source_id);
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  ASSERT_FALSE(dropped->healthy);
  DSH_ASSERT_OK(
      Sql("CREATE TABLE shop.orders (id integer PRIMARY KEY, "
          "total numeric(12,2))"));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes = RefreshAll();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  const RefreshOutcome* orders = OutcomeFor(*outcomes, orders_.data_source_id);
  ASSERT_NE(orders, nullptr);
  EXPECT_TRUE(orders->healthy);
  EXPECT_THAT(orders->warnings, IsEmpty());
  EXPECT_THAT(orders->changes, IsEmpty());
  absl::StatusOr<DataSourceRecord> stored =
      registry_->GetDictionary(orders_.data_source_id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_TRUE(stored->healthy);
  EXPECT_EQ(stored->health_message, "");
  EXPECT_EQ(stored->dictionary, orders_.dictionary);
}

TEST_F(PostgresVanishingTableTest,
       RefreshAfterASchemaRenameMarksItsSourcesUnhealthy) {
  DSH_ASSERT_OK(Sql("ALTER SCHEMA shop RENAME TO store"));

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes = RefreshAll();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  for (const CreatedDataSource& created : {orders_, customers_}) {
    const RefreshOutcome* outcome =
        OutcomeFor(*outcomes, created.data_source_id);
    ASSERT_NE(outcome, nullptr) << created.table;
    EXPECT_FALSE(outcome->healthy) << created.table;
    EXPECT_EQ(outcome->error_code, std::nullopt) << outcome->error_message;
    absl::StatusOr<DataSourceRecord> stored =
        registry_->GetDictionary(created.data_source_id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_FALSE(stored->healthy) << created.table;
    EXPECT_EQ(stored->dictionary, created.dictionary) << created.table;
  }
}

// Catalog reads that fail part way.

class PostgresInterruptedReadTest : public RegistryRefreshPostgresTest {
 protected:
  void SetUp() override {
    RegistryRefreshPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    DSH_ASSERT_OK(Sql(R"sql(
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer PRIMARY KEY, total numeric(12,2));
      CREATE TABLE shop.customers (id integer PRIMARY KEY, name text);
      CREATE TABLE shop.products (id integer PRIMARY KEY, sku text))sql"));
    absl::StatusOr<std::vector<CreatedDataSource>> created = Register(
        {{"shop", "orders"}, {"shop", "customers"}, {"shop", "products"}});
    ASSERT_TRUE(created.ok()) << created.status();
    created_ = *std::move(created);
    // Had a read gone through, these would change every dictionary.
    DSH_ASSERT_OK(Sql(R"sql(
      ALTER TABLE shop.orders ADD COLUMN placed_at date;
      ALTER TABLE shop.customers DROP COLUMN name;
      ALTER TABLE shop.products ALTER COLUMN id TYPE bigint)sql"));
  }

  // Every data source still has the dictionary it was created with.
  void ExpectEveryDictionaryAsCreated() {
    for (const CreatedDataSource& created : created_) {
      absl::StatusOr<DataSourceRecord> stored =
          registry_->GetDictionary(created.data_source_id);
      ASSERT_TRUE(stored.ok()) << stored.status();
      EXPECT_EQ(stored->dictionary, created.dictionary) << created.table;
      EXPECT_TRUE(stored->healthy) << created.table;
    }
  }

  // A refresh through a registry whose pool is empty, so that the session
  // it reads with is new: a parked session that fails is replaced
  // silently by the pool, a new one is not.
  std::future<absl::StatusOr<std::vector<RefreshOutcome>>> RefreshInBackground(
      RegistryOptions options = RegistryOptions()) {
    reader_ = OpenRegistry(std::move(options));
    Registry* reader = reader_.get();
    return std::async(std::launch::async, [reader] {
      return reader == nullptr ? absl::StatusOr<std::vector<RefreshOutcome>>(
                                     absl::InternalError("no registry"))
                               : reader->Refresh(std::nullopt);
    });
  }

  // Starts a refresh, waits until its read is blocked behind a catalog
  // lock, terminates that session and returns what the refresh answered;
  // an error status when the read never got that far.
  absl::StatusOr<std::vector<RefreshOutcome>> RefreshWithSessionTerminated() {
    CatalogLock lock(*server_, database_);
    if (!lock.WaitUntilHeld()) {
      return absl::InternalError("the catalog lock was never held");
    }
    auto refreshing = RefreshInBackground();
    const int reader_pid = lock.WaitForBlockedSession();
    if (reader_pid == 0) {
      lock.Release();  // Lets the refresh end before its future is dropped.
      return absl::InternalError("the refresh never reached the catalog");
    }
    const absl::Status terminated = server_->RunSql(
        "postgres", absl::StrCat("SELECT pg_catalog.pg_terminate_backend(",
                                 reader_pid, ")"));
    absl::StatusOr<std::vector<RefreshOutcome>> outcomes = refreshing.get();
    lock.Release();
    if (!terminated.ok()) return terminated;
    return outcomes;
  }

  std::vector<CreatedDataSource> created_;
  std::unique_ptr<Registry> reader_;
};

TEST_F(PostgresInterruptedReadTest,
       RefreshWhoseSessionIsTerminatedKeepsDictionaries) {
  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      RefreshWithSessionTerminated();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(created_.size()));
  for (const RefreshOutcome& outcome : *outcomes) {
    EXPECT_EQ(outcome.error_code, "database_unavailable")
        << outcome.error_message;
    EXPECT_THAT(outcome.error_message,
                HasSubstr(ConnectionStringOf(database_)));
    EXPECT_THAT(outcome.error_message, Not(HasSubstr(kPassword)));
    EXPECT_THAT(outcome.changes, IsEmpty());
  }
  ExpectEveryDictionaryAsCreated();
  EXPECT_THAT(Log(), HasSubstr(ConnectionStringOf(database_)));
  EXPECT_THAT(Log(), Not(HasSubstr(kPassword)));
}

TEST_F(PostgresInterruptedReadTest, RefreshAfterATerminatedSessionReadsAgain) {
  absl::StatusOr<std::vector<RefreshOutcome>> failed =
      RefreshWithSessionTerminated();
  ASSERT_TRUE(failed.ok()) << failed.status();
  ASSERT_TRUE(failed->front().error_code.has_value());

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      reader_->Refresh(std::nullopt);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(created_.size()));
  for (const RefreshOutcome& outcome : *outcomes) {
    EXPECT_EQ(outcome.error_code, std::nullopt) << outcome.error_message;
    EXPECT_THAT(outcome.changes, SizeIs(1)) << outcome.data_source_id;
  }
  EXPECT_THAT(NamesOf(StoredDictionary(created_[0].data_source_id)),
              ElementsAre("id", "total", "placed_at"));
}

TEST_F(PostgresInterruptedReadTest,
       RefreshThatTimesOutKeepsDictionariesAndSaysSo) {
  CatalogLock lock(*server_, database_);
  ASSERT_TRUE(lock.WaitUntilHeld());
  RegistryOptions options;
  options.statement_timeout_ms = 500;

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      RefreshInBackground(std::move(options)).get();
  lock.Release();

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(created_.size()));
  for (const RefreshOutcome& outcome : *outcomes) {
    EXPECT_EQ(outcome.error_code, "timeout") << outcome.error_message;
    EXPECT_THAT(outcome.error_message,
                HasSubstr(ConnectionStringOf(database_)));
  }
  ExpectEveryDictionaryAsCreated();
}

TEST_F(PostgresInterruptedReadTest,
       RefreshOnAParkedSessionTheServerEndedReconnects) {
  // The registry parked the session its create read with; the server
  // ends it while it is idle.
  TerminateOtherSessions();
  if (HasFatalFailure()) return;

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      registry_->Refresh(std::nullopt);

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(created_.size()));
  for (const RefreshOutcome& outcome : *outcomes) {
    EXPECT_EQ(outcome.error_code, std::nullopt) << outcome.error_message;
    EXPECT_THAT(outcome.changes, SizeIs(1)) << outcome.data_source_id;
  }
}

// Many handlers, one connection.

// The statements of `database` logged in `log` (log_statement = 'all')
// that read pg_catalog.pg_class.
int PgClassStatements(const std::string& log, const std::string& database) {
  // Each entry starts with the sandbox's prefix '%m [%p] %q%u@%d '; an
  // entry's statement may run over several lines.
  static const std::regex kEntryStart(
      R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] )");
  std::vector<std::string> entries;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, kEntryStart) || entries.empty()) {
      entries.push_back(line);
    } else {
      entries.back() += "\n" + line;
    }
  }
  const std::string who = absl::StrCat(" postgres@", database, " LOG:  ");
  int count = 0;
  for (const std::string& entry : entries) {
    const size_t at = entry.find(who);
    if (at == std::string::npos) continue;
    const std::string message = entry.substr(at + who.size());
    const bool statement = message.rfind("statement: ", 0) == 0 ||
                           message.rfind("execute ", 0) == 0;
    if (statement && message.find("pg_catalog.pg_class") != std::string::npos) {
      ++count;
    }
  }
  return count;
}

std::string ReadFrom(const std::string& path, std::streamoff offset) {
  std::ifstream file(path, std::ios::binary);
  file.seekg(offset);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::streamoff SizeOf(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  return file ? static_cast<std::streamoff>(file.tellg()) : 0;
}

TEST_F(RegistryRefreshPostgresTest,
       RefreshOfAThousandTablesOnOneConnectionReadsTheCatalogOnce) {
  constexpr int kTables = 1000;
  DSH_ASSERT_OK(Sql(absl::StrCat(
      "CREATE SCHEMA many; DO $$ BEGIN FOR i IN 1..", kTables,
      " LOOP EXECUTE pg_catalog.format("
      "'CREATE TABLE many.%I (id integer, label text)',"
      " 't' || pg_catalog.lpad(i::text, 4, '0')); END LOOP; END $$")));
  std::vector<TableRef> tables;
  for (int i = 1; i <= kTables; ++i) {
    char name[8];
    std::snprintf(name, sizeof(name), "t%04d", i);
    tables.push_back({"many", name});
  }
  ASSERT_TRUE(Register(tables).ok());
  // Sessions started from now on log every statement; the registry below
  // starts with an empty pool, so its session is one of them.
  DSH_ASSERT_OK(Sql(absl::StrCat("ALTER DATABASE ", database_,
                                 " SET log_statement = 'all'")));
  std::unique_ptr<Registry> fresh = OpenRegistry();
  ASSERT_NE(fresh, nullptr);
  const std::streamoff log_start = SizeOf(server_->log_path());

  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      fresh->Refresh(std::nullopt);

  const std::string log = ReadFrom(server_->log_path(), log_start);
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(kTables));
  int failed = 0;
  for (const RefreshOutcome& outcome : *outcomes) {
    if (outcome.error_code || !outcome.healthy) ++failed;
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(PgClassStatements(log, database_), 1) << log.substr(0, 4000);
}

// Update.

class PostgresUpdateTest : public RegistryRefreshPostgresTest {
 protected:
  void SetUp() override {
    RegistryRefreshPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    DSH_ASSERT_OK(Sql(R"sql(
      CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id integer PRIMARY KEY, total numeric(12,2));
      CREATE TABLE shop.customers (id integer PRIMARY KEY, name text);
      CREATE TABLE shop.archive (
        order_id bigint NOT NULL, closed_on date, reason varchar(40)))sql"));
    absl::StatusOr<std::vector<CreatedDataSource>> created =
        Register({{"shop", "orders"}, {"shop", "customers"}});
    ASSERT_TRUE(created.ok()) << created.status();
    orders_ = (*created)[0];
    customers_ = (*created)[1];
  }

  // An update body: `metadata` for the handler, naming `connection`.
  static std::string UpdateBody(const std::string& metadata,
                                const std::string& connection) {
    return absl::StrCat(R"({"handler": {"metadata": )", metadata,
                        R"(}, "connectionString": ")", connection, R"("})");
  }

  absl::StatusOr<UpdateResult> MoveOrdersTo(const std::string& table) {
    return registry_->UpdateHandler(
        Technology::kPostgresql, orders_.handler_id,
        UpdateBody(Metadata("shop", table, true, /*names=*/false),
                   ConnectionStringOf(database_)),
        false);
  }

  CreatedDataSource orders_;
  CreatedDataSource customers_;
};

TEST_F(PostgresUpdateTest, MovingAHandlerToAnotherTableReadsThatTablesColumns) {
  absl::StatusOr<UpdateResult> updated = MoveOrdersTo("archive");

  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(NamesOf(updated->columns),
              ElementsAre("order_id", "closed_on", "reason"));
  const std::vector<Column> stored = StoredDictionary(orders_.data_source_id);
  EXPECT_THAT(NamesOf(stored), ElementsAre("order_id", "closed_on", "reason"));
  EXPECT_EQ(TypesOf(stored)["reason"], "character varying(40)");
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kPostgresql, orders_.handler_id, false);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->handler.metadata.table, "archive");
}

TEST_F(PostgresUpdateTest, MovingAHandlerOntoAnotherHandlersTableIsRefused) {
  absl::StatusOr<UpdateResult> updated = MoveOrdersTo("customers");

  EXPECT_EQ(updated.status().code(), absl::StatusCode::kAlreadyExists)
      << updated.status();
  EXPECT_THAT(updated.status().message(),
              HasSubstr(absl::StrCat("handler ", customers_.handler_id)));
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kPostgresql, orders_.handler_id, false);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->handler.metadata.table, "orders");
  EXPECT_EQ(StoredDictionary(orders_.data_source_id), orders_.dictionary);
}

TEST_F(PostgresUpdateTest, UpdateWithoutAPasswordKeepsTheStoredOne) {
  absl::StatusOr<UpdateResult> updated = registry_->UpdateHandler(
      Technology::kPostgresql, orders_.handler_id,
      UpdateBody(Metadata("shop", "orders", /*with_password=*/false,
                          /*names=*/false),
                 ConnectionStringOf(database_)),
      false);
  ASSERT_TRUE(updated.ok()) << updated.status();

  // A registry with no session open must log in with what is stored.
  std::unique_ptr<Registry> fresh = OpenRegistry();
  ASSERT_NE(fresh, nullptr);
  absl::StatusOr<std::vector<RefreshOutcome>> outcomes =
      fresh->Refresh(std::vector<HandlerId>{orders_.handler_id});

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_THAT(*outcomes, SizeIs(1));
  EXPECT_EQ((*outcomes)[0].error_code, std::nullopt)
      << (*outcomes)[0].error_message;
}

TEST_F(PostgresUpdateTest, UpdateNamingAnotherConnectionIsRefusedAtItsPointer) {
  absl::StatusOr<UpdateResult> updated = registry_->UpdateHandler(
      Technology::kPostgresql, orders_.handler_id,
      UpdateBody(Metadata("shop", "orders", true, /*names=*/false),
                 ConnectionStringOf(database_ + "_other")),
      false);

  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument)
      << updated.status();
  std::vector<std::string> pointers;
  for (const Problem& problem : ProblemsOf(updated.status())) {
    pointers.push_back(problem.pointer);
  }
  EXPECT_THAT(pointers, ElementsAre("/connectionString"));
}

// Delete.

TEST_F(RegistryRefreshPostgresTest, DeletingADataSourceFreesItsTable) {
  DSH_ASSERT_OK(
      Sql("CREATE SCHEMA shop; CREATE TABLE shop.orders "
          "(id integer PRIMARY KEY)"));
  absl::StatusOr<CreatedDataSource> first = RegisterOne("shop", "orders");
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<DeleteResult> deleted =
      registry_->DeleteDataSource(first->data_source_id);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  absl::StatusOr<CreatedDataSource> again = RegisterOne("shop", "orders");

  EXPECT_EQ(deleted->handler_id, first->handler_id);
  EXPECT_EQ(registry_->GetDictionary(first->data_source_id).status().code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(again->handler_id, Gt(first->handler_id));
  EXPECT_THAT(again->data_source_id, Gt(first->data_source_id));
}

// Schema monitoring.

class PostgresSchemaMonitoringTest : public RegistryRefreshPostgresTest {
 protected:
  void SetUp() override {
    RegistryRefreshPostgresTest::SetUp();
    if (HasFatalFailure()) return;
    DSH_ASSERT_OK(Sql(R"sql(
      CREATE SCHEMA monitored;
      CREATE TABLE monitored.first_table (id integer PRIMARY KEY);
      CREATE TABLE monitored.second_table (id integer, note text))sql"));
    absl::StatusOr<std::vector<CreatedDataSource>> created =
        Register({{"monitored", "first_table"}, {"monitored", "second_table"}},
                 kEvolution);
    ASSERT_TRUE(created.ok()) << created.status();
    first_ = (*created)[0];
    second_ = (*created)[1];
  }

  static constexpr char kEvolution[] = R"json("schemaEvolution": {
      "disabled": false, "ownerProfileId": 7, "schemas": ["monitored"],
      "config": {"nameTemplate": {
        "nameFormat": "<Schema> <Tablename> feed",
        "tableFormat": "<schema>_<tablename>"}}})json";

  CreatedDataSource first_;
  CreatedDataSource second_;
};

TEST_F(PostgresSchemaMonitoringTest,
       ANewTableOfAMonitoredSchemaBecomesADataSource) {
  DSH_ASSERT_OK(
      Sql("CREATE TABLE monitored.army_records "
          "(id integer, unit text)"));

  absl::StatusOr<DetectChangesResult> result =
      registry_->DetectRemoteChanges("");

  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(result->created, SizeIs(1));
  const CreatedDataSource& created = result->created[0];
  EXPECT_EQ(created.name, "Monitored Army Records feed");
  EXPECT_EQ(created.sql_table_name, "monitored_army_records");
  absl::StatusOr<HandlerView> view =
      registry_->GetHandler(Technology::kPostgresql, created.handler_id, false);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->handler.metadata.schema, "monitored");
  EXPECT_EQ(view->handler.metadata.table, "army_records");
  absl::StatusOr<DataSourceRecord> source =
      registry_->GetDictionary(created.data_source_id);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(source->name, "Monitored Army Records feed");
  EXPECT_THAT(NamesOf(source->dictionary), ElementsAre("id", "unit"));
  ASSERT_THAT(source->spec.owner, SizeIs(1));
  EXPECT_THAT(source->spec.owner[0].profiles, ElementsAre(7));
  EXPECT_FALSE(source->disabled);
}

TEST_F(PostgresSchemaMonitoringTest,
       ADataSourceWhoseTableWasDroppedIsDisabled) {
  DSH_ASSERT_OK(Sql("DROP TABLE monitored.second_table"));

  absl::StatusOr<DetectChangesResult> result =
      registry_->DetectRemoteChanges("");

  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->disabled, ElementsAre(second_.data_source_id));
  EXPECT_THAT(result->created, IsEmpty());
  absl::StatusOr<DataSourceRecord> second =
      registry_->GetDictionary(second_.data_source_id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->disabled);
  EXPECT_EQ(second->dictionary, second_.dictionary);
  absl::StatusOr<DataSourceRecord> first =
      registry_->GetDictionary(first_.data_source_id);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->disabled);
}

}  // namespace
}  // namespace dsh
