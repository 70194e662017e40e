// What only the SQLite store promises: a private file in WAL mode, data that
// outlives the Store object and the process, one registration per table
// across connections and processes, and clear errors for files it cannot
// use.
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/sqlite_connection.h"
#include "tests/store/sqlite_test_support.h"
#include "tests/store/store_test_records.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::dsh::store_test::Describe;
using ::dsh::store_test::EntryFor;
using ::dsh::store_test::KeyOf;
using ::dsh::store_test::RawFile;
using ::dsh::store_test::ReadAll;
using ::dsh::store_test::RichEntry;
using ::dsh::store_test::WriteAll;
using ::dsh::testing::ScratchDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

mode_t ModeOf(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 07777;
  return info.st_mode & 07777;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> Open() {
    absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path_);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  std::vector<InsertOutcome> Insert(Store& store,
                                    std::vector<NewDataSource> entries) {
    absl::StatusOr<std::vector<InsertOutcome>> outcomes =
        store.InsertDataSources(entries);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<InsertOutcome>();
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("registry.db");
};

TEST_F(SqliteStoreTest, CreatesTheFileAndItsWalReadableByItsOwnerOnly) {
  const mode_t old_mask = umask(0);
  std::unique_ptr<Store> store = Open();
  umask(old_mask);
  ASSERT_NE(store, nullptr);
  Insert(*store, {EntryFor("orders")});

  EXPECT_EQ(ModeOf(path_), 0600u);
  EXPECT_EQ(ModeOf(path_ + "-wal"), 0600u);
  EXPECT_EQ(ModeOf(path_ + "-shm"), 0600u);
}

TEST_F(SqliteStoreTest, TakesGroupAndOtherAccessOffAnExistingFile) {
  { std::ofstream(path_).flush(); }
  ASSERT_EQ(chmod(path_.c_str(), 0664), 0);

  std::unique_ptr<Store> store = Open();

  ASSERT_NE(store, nullptr);
  EXPECT_EQ(ModeOf(path_), 0600u);
}

TEST_F(SqliteStoreTest, KeepsTheFileInWalMode) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);

  EXPECT_EQ(RawFile(path_).Rows("PRAGMA journal_mode"), "wal|\n");
}

TEST_F(SqliteStoreTest, RecordsTheSchemaVersionAndThatTheFileIsADshStore) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  RawFile raw(path_);

  EXPECT_EQ(raw.Rows("PRAGMA user_version"), "2|\n");
  EXPECT_EQ(raw.Rows("PRAGMA application_id"), "1685284913|\n");
}

TEST_F(SqliteStoreTest, ShowsEveryFieldAgainAfterReopening) {
  std::vector<InsertOutcome> outcomes;
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    outcomes = Insert(*store, {RichEntry(), EntryFor("orders")});
  }
  ASSERT_EQ(outcomes.size(), 2u);

  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  absl::StatusOr<HandlerRecord> handler =
      reopened->GetHandler(outcomes[0].handler_id);
  absl::StatusOr<DataSourceRecord> data_source =
      reopened->GetDataSource(outcomes[0].data_source_id);
  ASSERT_TRUE(handler.ok() && data_source.ok());
  HandlerRecord expected_handler = RichEntry().handler;
  expected_handler.id = outcomes[0].handler_id;
  expected_handler.data_source_id = outcomes[0].data_source_id;
  DataSourceRecord expected_data_source = RichEntry().data_source;
  expected_data_source.id = outcomes[0].data_source_id;
  expected_data_source.handler_id = outcomes[0].handler_id;
  EXPECT_EQ(Describe(*handler), Describe(expected_handler));
  EXPECT_EQ(Describe(*data_source), Describe(expected_data_source));
  EXPECT_THAT(*reopened->FindHandlers({KeyOf("orders")}),
              ElementsAre(outcomes[1].handler_id));
}

TEST_F(SqliteStoreTest, NeverGivesOutAnIdAgainAfterTheNewestRowIsDeleted) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<InsertOutcome> first =
      Insert(*store, {EntryFor("a"), EntryFor("b")});
  ASSERT_EQ(first.size(), 2u);
  {
    RawFile raw(path_);
    raw.Exec("PRAGMA foreign_keys = ON");
    raw.Exec(absl::StrCat("DELETE FROM data_sources WHERE id = ",
                          first[1].data_source_id));
    ASSERT_EQ(raw.Rows("SELECT count(*) FROM handlers"), "1|\n");
  }
  store.reset();
  store = Open();
  ASSERT_NE(store, nullptr);

  const std::vector<InsertOutcome> next = Insert(*store, {EntryFor("c")});

  ASSERT_EQ(next.size(), 1u);
  EXPECT_GT(next[0].handler_id, first[1].handler_id);
  EXPECT_GT(next[0].data_source_id, first[1].data_source_id);
}

TEST_F(SqliteStoreTest, LeavesTheFileByteForByteAsItWasWhenANameIsTaken) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Insert(*store, {EntryFor("orders")});
  RawFile raw(path_);
  const std::string before = raw.Dump();
  NewDataSource clash = EntryFor("items");
  clash.data_source.name = EntryFor("orders").data_source.name;

  absl::StatusOr<std::vector<InsertOutcome>> refused =
      store->InsertDataSources({EntryFor("refunds"), clash});

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(raw.Dump(), before);
}

TEST_F(SqliteStoreTest, KeepsTableKeysAsSeparateColumns) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  NewDataSource query_backed = EntryFor("q");
  query_backed.handler.key.reset();
  Insert(*store, {EntryFor("orders"), query_backed});

  EXPECT_EQ(RawFile(path_).Rows("SELECT key_family, key_host, key_port, "
                                "key_database, key_schema, key_table FROM "
                                "handlers ORDER BY id"),
            "redshift|cluster.example.io|5439|dev|sales|orders|\n"
            "NULL|NULL|NULL|NULL|NULL|NULL|\n");
}

TEST_F(SqliteStoreTest, NamesAPathWhoseFolderDoesNotExist) {
  const std::string path = dir_.File("missing/registry.db");

  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(path);

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(path), HasSubstr("No such file")));
}

TEST_F(SqliteStoreTest, NamesAPathThatIsAFolder) {
  absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(dir_.path());

  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(),
              AllOf(HasSubstr(dir_.path()), HasSubstr("not a regular file")));
}

TEST_F(SqliteStoreTest, ReadsARelativePathAsAFileNameNeverAsAUri) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(chdir(dir_.path().c_str()), 0);
  {
    absl::StatusOr<std::unique_ptr<Store>> opened = OpenSqliteStore(":memory:");
    ASSERT_TRUE(opened.ok()) << opened.status();
    Insert(**opened, {EntryFor("orders")});
  }
  absl::StatusOr<std::unique_ptr<Store>> uri =
      OpenSqliteStore("file:x.db?mode=memory");
  ASSERT_EQ(chdir(cwd), 0);

  ASSERT_TRUE(uri.ok()) << uri.status();
  EXPECT_EQ(ModeOf(dir_.File(":memory:")), 0600u);
  EXPECT_EQ(ModeOf(dir_.File("file:x.db?mode=memory")), 0600u);
  EXPECT_EQ(
      RawFile(dir_.File(":memory:")).Rows("SELECT count(*) FROM handlers"),
      "1|\n");
}

TEST_F(SqliteStoreTest, ReportsADamagedHandlerAsInternalNamingIt) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<InsertOutcome> outcomes =
      Insert(*store, {EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  RawFile(path_).Exec("UPDATE handlers SET metadata = x'0148ff'");

  absl::StatusOr<HandlerRecord> read =
      store->GetHandler(outcomes[0].handler_id);

  EXPECT_EQ(read.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(read.status().message(),
              AllOf(HasSubstr(path_),
                    HasSubstr(absl::StrCat("handler ", outcomes[0].handler_id)),
                    HasSubstr("corrupt handler metadata record")));
}

TEST_F(SqliteStoreTest, ReportsADamagedDictionaryAsInternal) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<InsertOutcome> outcomes =
      Insert(*store, {EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  RawFile(path_).Exec("UPDATE data_sources SET dictionary = x'0143ffffff'");

  absl::StatusOr<DataSourceRecord> read =
      store->GetDataSource(outcomes[0].data_source_id);

  EXPECT_EQ(read.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(read.status().message(), HasSubstr("corrupt dictionary"));
}

TEST_F(SqliteStoreTest, SurvivesRandomDamageToEveryBlob) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<InsertOutcome> outcomes = Insert(*store, {RichEntry()});
  ASSERT_EQ(outcomes.size(), 1u);
  RawFile raw(path_);
  const std::string metadata = raw.Rows("SELECT hex(metadata) FROM handlers");
  const std::string details = raw.Rows("SELECT hex(details) FROM data_sources");
  std::mt19937 random(20240611);
  int refused = 0;

  for (int round = 0; round < 300; ++round) {
    // Flip one hex digit of each blob, or cut it short.
    auto damage = [&](std::string hex) {
      hex.resize(hex.size() - 2);  // The "|\n" that Rows adds.
      const size_t at = random() % hex.size();
      if (round % 3 == 0) return hex.substr(0, at & ~size_t{1});
      hex[at] = "0123456789ABCDEF"[random() % 16];
      return hex;
    };
    raw.Exec(absl::StrCat("UPDATE handlers SET metadata = x'", damage(metadata),
                          "'"));
    raw.Exec(absl::StrCat("UPDATE data_sources SET details = x'",
                          damage(details), "'"));

    absl::StatusOr<HandlerRecord> handler =
        store->GetHandler(outcomes[0].handler_id);
    absl::StatusOr<DataSourceRecord> data_source =
        store->GetDataSource(outcomes[0].data_source_id);

    for (const absl::Status& status :
         {handler.status(), data_source.status()}) {
      EXPECT_TRUE(status.ok() || status.code() == absl::StatusCode::kInternal)
          << status;
      if (!status.ok()) ++refused;
    }
  }
  EXPECT_GT(refused, 100);
}

TEST_F(SqliteStoreTest, ReportsAFileHeldByAnotherWriterAsUnavailable) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  RawFile other(path_);
  other.Exec("BEGIN IMMEDIATE");

  // Waits out the store's busy timeout (ten seconds) before giving up.
  absl::StatusOr<std::vector<InsertOutcome>> blocked =
      store->InsertDataSources({EntryFor("orders")});
  other.Exec("ROLLBACK");

  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(blocked.status().message(), HasSubstr(path_));
  EXPECT_EQ(Insert(*store, {EntryFor("orders")}).size(), 1u);
}

TEST(SqliteStatus, TellsTheCallerWhetherToRetry) {
  using store::SqliteStatus;
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, "/x.db", "doing", "busy").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_LOCKED, "/x.db", "doing", "m").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_IOERR_FSYNC, "/x.db", "doing", "m").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_FULL, "/x.db", "doing", "m").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, "/x.db", "doing", "m").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_NOTADB, "/x.db", "doing", "m").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(
      SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, "/x.db", "doing", "m").code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_CHECK, "/x.db", "doing", "m").code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, "/x.db", "reading", "busy").message(),
            "SQLite store \"/x.db\": reading: busy");
}

TEST_F(SqliteStoreTest, RegistersATableOnceFromTwoStoresOnOneFile) {
  std::unique_ptr<Store> first = Open();
  std::unique_ptr<Store> second = Open();
  ASSERT_TRUE(first != nullptr && second != nullptr);

  for (int round = 0; round < 10; ++round) {
    const NewDataSource entry = EntryFor(absl::StrCat("race", round));
    std::atomic<int> ready{0};
    absl::StatusOr<std::vector<InsertOutcome>> results[2];
    Store* stores[2] = {first.get(), second.get()};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready.load() < 2) std::this_thread::yield();
        results[t] = stores[t]->InsertDataSources({entry});
      });
    }
    for (std::thread& thread : threads) thread.join();

    ASSERT_TRUE(results[0].ok() && results[1].ok())
        << results[0].status() << results[1].status();
    const InsertOutcome& a = (*results[0])[0];
    const InsertOutcome& b = (*results[1])[0];
    const InsertOutcome& winner = a.existing_handler_id ? b : a;
    const InsertOutcome& loser = a.existing_handler_id ? a : b;
    EXPECT_GT(winner.handler_id, 0);
    EXPECT_FALSE(winner.existing_handler_id.has_value());
    EXPECT_THAT(loser.existing_handler_id, Optional(winner.handler_id));
  }
}

// What a racing process reports per round: its new handler id, or the id
// of the handler it found, or -1 with the status code on failure.
struct RaceReport {
  std::int64_t handler_id = 0;
  std::int64_t existing_handler_id = 0;
  std::int64_t failure = 0;
};

// Runs in a forked child: opens its own store, says it is ready, and for
// each byte read from `go` inserts that round's table. Never returns.
[[noreturn]] void RaceInChild(const std::string& path, int go, int report) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(3);
  const char ready = 'r';
  if (!WriteAll(report, &ready, 1)) _exit(4);
  char round = 0;
  while (ReadAll(go, &round, 1)) {
    RaceReport out;
    absl::StatusOr<std::vector<InsertOutcome>> outcomes =
        (*store)->InsertDataSources(
            {EntryFor(absl::StrCat("race", static_cast<int>(round)))});
    if (!outcomes.ok()) {
      out.failure = static_cast<std::int64_t>(outcomes.status().code());
    } else {
      out.handler_id = (*outcomes)[0].handler_id;
      out.existing_handler_id = (*outcomes)[0].existing_handler_id.value_or(0);
    }
    if (!WriteAll(report, &out, sizeof(out))) _exit(5);
  }
  _exit(0);
}

TEST_F(SqliteStoreTest, RegistersATableOnceFromTwoProcesses) {
  // The file is created here, then closed, so that no connection of this
  // process crosses the fork.
  ASSERT_NE(Open(), nullptr);
  int go[2][2];
  int report[2][2];
  pid_t children[2];
  for (int c = 0; c < 2; ++c) {
    ASSERT_EQ(pipe(go[c]), 0);
    ASSERT_EQ(pipe(report[c]), 0);
    children[c] = fork();
    ASSERT_GE(children[c], 0);
    if (children[c] == 0) {
      // Only the parent may hold a write end of a go pipe, or a child
      // would never see it close.
      for (int earlier = 0; earlier < c; ++earlier) {
        close(go[earlier][1]);
        close(report[earlier][0]);
      }
      close(go[c][1]);
      close(report[c][0]);
      RaceInChild(path_, go[c][0], report[c][1]);
    }
    close(go[c][0]);
    close(report[c][1]);
  }
  for (int c = 0; c < 2; ++c) {
    char ready = 0;
    ASSERT_TRUE(ReadAll(report[c][0], &ready, 1));
  }

  for (char round = 0; round < 20; ++round) {
    for (int c = 0; c < 2; ++c) ASSERT_TRUE(WriteAll(go[c][1], &round, 1));
    RaceReport reports[2];
    for (int c = 0; c < 2; ++c) {
      ASSERT_TRUE(ReadAll(report[c][0], &reports[c], sizeof(RaceReport)));
      ASSERT_EQ(reports[c].failure, 0) << "round " << int{round};
    }
    const RaceReport& winner =
        reports[0].existing_handler_id != 0 ? reports[1] : reports[0];
    const RaceReport& loser =
        reports[0].existing_handler_id != 0 ? reports[0] : reports[1];
    EXPECT_GT(winner.handler_id, 0) << "round " << int{round};
    EXPECT_EQ(winner.existing_handler_id, 0) << "round " << int{round};
    EXPECT_EQ(loser.handler_id, 0) << "round " << int{round};
    EXPECT_EQ(loser.existing_handler_id, winner.handler_id)
        << "round " << int{round};
  }

  for (int c = 0; c < 2; ++c) {
    close(go[c][1]);
    int status = 0;
    ASSERT_EQ(waitpid(children[c], &status, 0), children[c]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    close(report[c][0]);
  }
  EXPECT_EQ(RawFile(path_).Rows("SELECT count(*) FROM handlers"), "20|\n");
}

// Runs in a forked child: waits for `go` to close, then opens the store
// and registers a table of its own. Exits 0 when both worked.
[[noreturn]] void OpenAtOnce(const std::string& path, int go, int child) {
  char byte = 0;
  if (read(go, &byte, 1) != 0) _exit(2);
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(3);
  absl::StatusOr<std::vector<InsertOutcome>> outcomes =
      (*store)->InsertDataSources({EntryFor(absl::StrCat("child", child))});
  _exit(outcomes.ok() ? 0 : 4);
}

TEST_F(SqliteStoreTest, LetsSeveralProcessesCreateTheSameNewFileAtOnce) {
  constexpr int kChildren = 4;
  for (int round = 0; round < 5; ++round) {
    const std::string path = dir_.File(absl::StrCat("new", round, ".db"));
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    std::vector<pid_t> children;
    for (int c = 0; c < kChildren; ++c) {
      const pid_t child = fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        close(go[1]);
        OpenAtOnce(path, go[0], c);
      }
      children.push_back(child);
    }
    close(go[0]);
    close(go[1]);  // Every child wakes up now.

    for (pid_t child : children) {
      int status = 0;
      ASSERT_EQ(waitpid(child, &status, 0), child);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "round " << round << ": child status " << status;
    }
    EXPECT_EQ(RawFile(path).Rows("SELECT count(*) FROM handlers"),
              absl::StrCat(kChildren, "|\n"));
    EXPECT_EQ(ModeOf(path), 0600u);
  }
}

// Runs in a forked child: inserts one table after another and writes each
// new handler id to `ack` once InsertDataSources has returned OK. Runs
// until it is killed.
[[noreturn]] void InsertUntilKilled(const std::string& path, int round,
                                    int ack) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(3);
  for (std::int64_t i = 0;; ++i) {
    absl::StatusOr<std::vector<InsertOutcome>> outcomes =
        (*store)->InsertDataSources(
            {EntryFor(absl::StrCat("crash", round, "_", i))});
    if (!outcomes.ok() || (*outcomes)[0].handler_id == 0) _exit(4);
    const std::int64_t id = (*outcomes)[0].handler_id;
    if (!WriteAll(ack, &id, sizeof(id))) _exit(5);
  }
}

TEST_F(SqliteStoreTest, KeepsEveryAcknowledgedInsertWhenTheWriterIsKilled) {
  ASSERT_NE(Open(), nullptr);
  struct Acknowledged {
    std::string table;
    HandlerId id;
  };
  std::vector<Acknowledged> acknowledged;

  for (int round = 0; round < 12; ++round) {
    int ack[2];
    ASSERT_EQ(pipe(ack), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(ack[0]);
      InsertUntilKilled(path_, round, ack[1]);
    }
    close(ack[1]);

    // Kill right after the last acknowledgement read, while the writer is
    // most likely inside its next transaction.
    const int wanted = round % 4 + 1;
    for (int i = 0; i < wanted; ++i) {
      std::int64_t id = 0;
      if (!ReadAll(ack[0], &id, sizeof(id))) break;
      acknowledged.push_back({absl::StrCat("crash", round, "_", i), id});
    }
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    close(ack[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer failed with " << status;

    std::unique_ptr<Store> reopened = Open();
    ASSERT_NE(reopened, nullptr);
    for (const Acknowledged& entry : acknowledged) {
      absl::StatusOr<HandlerRecord> handler = reopened->GetHandler(entry.id);
      ASSERT_TRUE(handler.ok()) << entry.table << ": " << handler.status();
      EXPECT_EQ(handler->metadata.table, entry.table);
    }
  }
  EXPECT_EQ(acknowledged.size(), 30u);
}

}  // namespace
}  // namespace dsh
