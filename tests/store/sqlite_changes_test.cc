// What only the SQLite store promises about changes: a file of the previous
// schema version opens and keeps its records, change ids increase across
// Store objects and processes, a bulk change racing an insert from another
// process never leaves a connection half moved, and an acknowledged update
// survives the writer being killed.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dsh/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/record_codec.h"
#include "tests/store/sqlite_test_support.h"
#include "tests/store/store_test_records.h"
#include "tests/support/scratch_dir.h"

namespace dsh {
namespace {

using ::dsh::store_test::Describe;
using ::dsh::store_test::EntryFor;
using ::dsh::store_test::RawFile;
using ::dsh::store_test::ReadAll;
using ::dsh::store_test::RichEntry;
using ::dsh::store_test::WriteAll;
using ::dsh::testing::ScratchDir;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The schema of store files of version 1, exactly as that version created
// it, so that the upgrade is tested against a real old file.
constexpr char kVersionOneSchema[] = R"sql(
CREATE TABLE data_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  sql_schema_name TEXT NOT NULL,
  sql_table_name TEXT NOT NULL,
  is_private INTEGER NOT NULL CHECK (is_private IN (0, 1)),
  organization TEXT NOT NULL,
  healthy INTEGER NOT NULL CHECK (healthy IN (0, 1)),
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  dictionary_read_at_ms INTEGER NOT NULL,
  details BLOB NOT NULL,
  dictionary BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX data_sources_by_name ON data_sources (name);
CREATE UNIQUE INDEX data_sources_by_sql_name
  ON data_sources (sql_schema_name, sql_table_name);
CREATE TABLE handlers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  data_source_id INTEGER NOT NULL UNIQUE
    REFERENCES data_sources (id) ON DELETE CASCADE,
  technology TEXT NOT NULL CHECK (technology IN ('redshift', 'postgresql')),
  connection_string TEXT NOT NULL,
  key_family TEXT CHECK (key_family IN ('redshift', 'postgresql')),
  key_host TEXT,
  key_port INTEGER,
  key_database TEXT,
  key_schema TEXT,
  key_table TEXT,
  metadata BLOB NOT NULL,
  CHECK ((key_family IS NULL) = (key_host IS NULL)
     AND (key_family IS NULL) = (key_port IS NULL)
     AND (key_family IS NULL) = (key_database IS NULL)
     AND (key_family IS NULL) = (key_schema IS NULL)
     AND (key_family IS NULL) = (key_table IS NULL))
) STRICT;
CREATE UNIQUE INDEX handlers_by_table_key ON handlers
  (key_family, key_host, key_port, key_database, key_schema, key_table);
CREATE INDEX handlers_by_connection ON handlers (connection_string);
PRAGMA application_id = 1685284913;
PRAGMA user_version = 1;
)sql";

std::string Hex(const std::string& bytes) {
  return absl::StrCat("x'", absl::BytesToHexString(bytes), "'");
}

// SQL text quoting for the test's own fixed values.
std::string Text(const std::string& text) {
  return absl::StrCat("'", text, "'");
}

std::string ConnectionOf(const std::string& host) {
  return absl::StrCat(host, ":5439/dev");
}

HandlerRecord MovedTo(HandlerRecord handler, const std::string& host) {
  handler.metadata.hostname = host;
  handler.connection_string = ConnectionOf(host);
  if (handler.key) handler.key->host = host;
  return handler;
}

std::vector<HandlerId> IdsOf(const std::vector<HandlerRecord>& handlers) {
  std::vector<HandlerId> ids;
  for (const HandlerRecord& handler : handlers) ids.push_back(handler.id);
  return ids;
}

class SqliteChangesTest : public ::testing::Test {
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

  std::vector<HandlerRecord> ListConnection(Store& store,
                                            const std::string& host) {
    HandlerFilter filter;
    filter.connection_string = ConnectionOf(host);
    absl::StatusOr<std::vector<HandlerRecord>> handlers =
        store.ListHandlers(filter);
    EXPECT_TRUE(handlers.ok()) << handlers.status();
    return handlers.ok() ? *handlers : std::vector<HandlerRecord>();
  }

  // Writes RichEntry() into a version 1 file as data source `data_source_id`
  // and handler `handler_id`, the way version 1 stored it.
  void WriteVersionOneRecord(RawFile& raw, DataSourceId data_source_id,
                             HandlerId handler_id) {
    const NewDataSource entry = RichEntry();
    const DataSourceRecord& ds = entry.data_source;
    const HandlerRecord& h = entry.handler;
    raw.Exec(absl::StrCat(
        "INSERT INTO data_sources VALUES (", data_source_id, ", CAST(",
        Hex(ds.name), " AS TEXT), ", Text(ds.sql_schema_name), ", ",
        Text(ds.sql_table_name), ", ", ds.is_private ? 1 : 0, ", ",
        Text(ds.organization), ", ", ds.healthy ? 1 : 0, ", ", ds.created_at_ms,
        ", ", ds.updated_at_ms, ", ", ds.dictionary_read_at_ms, ", ",
        Hex(store::EncodeDataSourceDetails(ds)), ", ",
        Hex(store::EncodeDictionary(ds.dictionary)), ")"));
    raw.Exec(absl::StrCat(
        "INSERT INTO handlers VALUES (", handler_id, ", ", data_source_id,
        ", 'postgresql', ", Text(h.connection_string), ", 'postgresql', ",
        Text(h.key->host), ", ", h.key->port, ", ", Text(h.key->database), ", ",
        Text(h.key->schema), ", ", Text(h.key->table), ", ",
        Hex(store::EncodeHandlerMetadata(h.metadata)), ")"));
  }

  ScratchDir dir_;
  std::string path_ = dir_.File("registry.db");
};

TEST_F(SqliteChangesTest, OpensAVersionOneFileAndKeepsEveryRecord) {
  {
    RawFile raw(path_);
    raw.Exec(kVersionOneSchema);
    WriteVersionOneRecord(raw, 7, 9);
  }

  std::unique_ptr<Store> store = Open();

  ASSERT_NE(store, nullptr);
  HandlerRecord expected_handler = RichEntry().handler;
  expected_handler.id = 9;
  expected_handler.data_source_id = 7;
  DataSourceRecord expected = RichEntry().data_source;
  expected.id = 7;
  expected.handler_id = 9;
  expected.health_message = "";
  expected.disabled = false;
  absl::StatusOr<HandlerRecord> handler = store->GetHandler(9);
  absl::StatusOr<DataSourceRecord> data_source = store->GetDataSource(7);
  ASSERT_TRUE(handler.ok()) << handler.status();
  ASSERT_TRUE(data_source.ok()) << data_source.status();
  EXPECT_EQ(Describe(*handler), Describe(expected_handler));
  EXPECT_EQ(Describe(*data_source), Describe(expected));
  EXPECT_EQ(RawFile(path_).Rows("PRAGMA user_version"), "2|\n");
}

TEST_F(SqliteChangesTest, GoesOnFromAVersionOneFilesIdsAndCountsChanges) {
  {
    RawFile raw(path_);
    raw.Exec(kVersionOneSchema);
    WriteVersionOneRecord(raw, 7, 9);
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);

  const std::vector<InsertOutcome> outcomes =
      Insert(*store, {EntryFor("orders")});
  absl::StatusOr<std::int64_t> change = store->UpdateHandlers({}, std::nullopt);
  const absl::Status disabled = store->SetDisabled(7, true);

  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_GT(outcomes[0].data_source_id, 7);
  EXPECT_GT(outcomes[0].handler_id, 9);
  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(*change, 1);
  ASSERT_TRUE(disabled.ok()) << disabled;
  EXPECT_TRUE(store->GetDataSource(7)->disabled);
}

TEST_F(SqliteChangesTest, KeepsTheNewFieldsInColumnsOfTheirOwn) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Insert(*store, {RichEntry()});

  EXPECT_EQ(RawFile(path_).Rows("SELECT health_message, disabled FROM "
                                "data_sources"),
            "table \"orders|2024\" is gone\n|1|\n");
}

TEST_F(SqliteChangesTest, GivesIncreasingChangeIdsAcrossStoresAndProcesses) {
  HandlerRecord handler;
  std::vector<std::int64_t> changes;
  {
    std::unique_ptr<Store> first = Open();
    std::unique_ptr<Store> second = Open();
    ASSERT_TRUE(first != nullptr && second != nullptr);
    const std::vector<InsertOutcome> outcomes =
        Insert(*first, {EntryFor("orders")});
    ASSERT_EQ(outcomes.size(), 1u);
    handler = *first->GetHandler(outcomes[0].handler_id);
    for (Store* store : {first.get(), second.get(), first.get()}) {
      absl::StatusOr<std::int64_t> change =
          store->UpdateHandlers({{handler, std::nullopt}}, std::nullopt);
      ASSERT_TRUE(change.ok()) << change.status();
      changes.push_back(*change);
    }
  }

  // No connection crosses the fork: SQLite's locks do not survive it.
  int report[2];
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(report[0]);
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path_);
    if (!store.ok()) _exit(3);
    absl::StatusOr<std::int64_t> change =
        (*store)->UpdateHandlers({{handler, std::nullopt}}, std::nullopt);
    if (!change.ok()) _exit(4);
    _exit(WriteAll(report[1], &*change, sizeof(*change)) ? 0 : 5);
  }
  close(report[1]);
  std::int64_t from_child = 0;
  ASSERT_TRUE(ReadAll(report[0], &from_child, sizeof(from_child)));
  close(report[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  changes.push_back(from_child);

  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  absl::StatusOr<std::int64_t> last =
      reopened->UpdateHandlers({}, std::nullopt);
  ASSERT_TRUE(last.ok()) << last.status();
  changes.push_back(*last);

  for (size_t i = 1; i < changes.size(); ++i) {
    EXPECT_GT(changes[i], changes[i - 1]) << "change " << i;
  }
}

TEST_F(SqliteChangesTest,
       LeavesTheFileByteForByteAsItWasWhenAnUpdateIsRefused) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  const std::vector<InsertOutcome> outcomes =
      Insert(*store, {EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  ASSERT_TRUE(store->UpdateHandlers({}, std::nullopt).ok());
  RawFile raw(path_);
  const std::string before = raw.Dump();
  HandlerRecord first = *store->GetHandler(outcomes[0].handler_id);
  HandlerRecord second = *store->GetHandler(outcomes[1].handler_id);
  // The first update alone would succeed; the second takes a table that
  // stays registered to the first.
  first.metadata.password = "changed";
  second.key = first.key;

  absl::StatusOr<std::int64_t> clash = store->UpdateHandlers(
      {{first, std::nullopt}, {second, std::nullopt}}, std::nullopt);
  absl::StatusOr<std::int64_t> partial =
      store->UpdateHandlers({{MovedTo(first, "b.example.io"), std::nullopt}},
                            ConnectionOf("cluster.example.io"));

  EXPECT_EQ(clash.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(partial.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(raw.Dump(), before);
}

TEST_F(SqliteChangesTest, DeletesBothRowsAndNeverGivesTheirIdsOutAgain) {
  std::vector<InsertOutcome> outcomes;
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    outcomes = Insert(*store, {EntryFor("orders"), EntryFor("items")});
    ASSERT_EQ(outcomes.size(), 2u);
    ASSERT_TRUE(store->DeleteDataSource(outcomes[1].data_source_id).ok());
  }
  EXPECT_EQ(RawFile(path_).Rows("SELECT (SELECT count(*) FROM handlers), "
                                "(SELECT count(*) FROM data_sources)"),
            "1|1|\n");

  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  const std::vector<InsertOutcome> again =
      Insert(*reopened, {EntryFor("items")});

  ASSERT_EQ(again.size(), 1u);
  EXPECT_GT(again[0].handler_id, outcomes[1].handler_id);
  EXPECT_GT(again[0].data_source_id, outcomes[1].data_source_id);
}

TEST_F(SqliteChangesTest,
       AbortsABulkChangeWhenAnotherStoreAddsToTheConnection) {
  std::unique_ptr<Store> mover = Open();
  std::unique_ptr<Store> inserter = Open();
  ASSERT_TRUE(mover != nullptr && inserter != nullptr);
  Insert(*mover, {EntryFor("a"), EntryFor("b")});
  const std::vector<HandlerRecord> listed =
      ListConnection(*mover, "cluster.example.io");
  const std::vector<InsertOutcome> late = Insert(*inserter, {EntryFor("late")});
  ASSERT_EQ(late.size(), 1u);
  std::vector<HandlerUpdate> updates;
  for (const HandlerRecord& handler : listed) {
    updates.push_back({MovedTo(handler, "b.example.io"), std::nullopt});
  }

  absl::StatusOr<std::int64_t> refused =
      mover->UpdateHandlers(updates, ConnectionOf("cluster.example.io"));

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("handler ", late[0].handler_id,
                                     " has connection")));
  EXPECT_THAT(ListConnection(*mover, "b.example.io"), IsEmpty());
  EXPECT_EQ(ListConnection(*mover, "cluster.example.io").size(), 3u);
}

// What the inserting process reports per round. `returned_ns` is when its
// insert returned, on the monotonic clock, which every process shares.
struct InsertReport {
  std::int64_t handler_id = 0;
  std::int64_t failure = 0;
  std::int64_t returned_ns = 0;
};

std::int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string RoundHost(int round) {
  return absl::StrCat("r", round, ".example.io");
}

// Runs in a forked child: for each round byte read from `go`, registers one
// more table on that round's connection and reports what came of it.
[[noreturn]] void InsertOnSignal(const std::string& path, int go, int report) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(3);
  const char ready = 'r';
  if (!WriteAll(report, &ready, 1)) _exit(4);
  unsigned char round = 0;
  while (ReadAll(go, &round, 1)) {
    InsertReport out;
    absl::StatusOr<std::vector<InsertOutcome>> outcomes =
        (*store)->InsertDataSources({EntryFor(
            absl::StrCat("r", int{round}, "_late"), RoundHost(round))});
    out.returned_ns = MonotonicNs();
    if (outcomes.ok()) {
      out.handler_id = (*outcomes)[0].handler_id;
    } else {
      out.failure = static_cast<std::int64_t>(outcomes.status().code());
    }
    if (!WriteAll(report, &out, sizeof(out))) _exit(5);
  }
  _exit(0);
}

TEST_F(SqliteChangesTest, NeverHalfMovesAConnectionThatAnotherProcessAddsTo) {
  ASSERT_NE(Open(), nullptr);
  int go[2];
  int report[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(report), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    close(report[0]);
    InsertOnSignal(path_, go[0], report[1]);
  }
  close(go[0]);
  close(report[1]);
  char ready = 0;
  ASSERT_TRUE(ReadAll(report[0], &ready, 1));
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);

  int inserted_between = 0;
  int moved_with_insert = 0;
  int moved_before_insert = 0;
  int aborted = 0;
  for (int round = 0; round < 40; ++round) {
    const std::string from = RoundHost(round);
    const std::string to = absl::StrCat("moved", round, ".example.io");
    std::vector<HandlerId> original;
    for (const InsertOutcome& outcome :
         Insert(*store, {EntryFor(absl::StrCat("r", round, "_0"), from),
                         EntryFor(absl::StrCat("r", round, "_1"), from),
                         EntryFor(absl::StrCat("r", round, "_2"), from)})) {
      original.push_back(outcome.handler_id);
    }

    const unsigned char signal = static_cast<unsigned char>(round);
    ASSERT_TRUE(WriteAll(go[1], &signal, 1));
    // Pauses of different lengths each round, so that the insert lands
    // before the listing, between it and the update, or after both.
    std::this_thread::sleep_for(std::chrono::microseconds(round % 3 * 1500));
    const std::vector<HandlerRecord> listed = ListConnection(*store, from);
    std::this_thread::sleep_for(std::chrono::microseconds(round % 4 * 400));
    std::vector<HandlerUpdate> updates;
    for (const HandlerRecord& handler : listed) {
      updates.push_back({MovedTo(handler, to), std::nullopt});
    }
    const std::int64_t update_called_ns = MonotonicNs();
    absl::StatusOr<std::int64_t> change =
        store->UpdateHandlers(updates, ConnectionOf(from));
    InsertReport inserted;
    ASSERT_TRUE(ReadAll(report[0], &inserted, sizeof(inserted)));
    ASSERT_EQ(inserted.failure, 0) << "round " << round;

    // An insert that had committed before the update was called, yet was
    // not listed, is one the update must refuse to leave behind.
    const bool listed_late = listed.size() == 4;
    if (!listed_late && inserted.returned_ns < update_called_ns) {
      ++inserted_between;
      EXPECT_FALSE(change.ok())
          << "round " << round << ": handler " << inserted.handler_id
          << " joined the connection after the listing and before the "
             "update, and the update still went ahead";
    }
    const std::vector<HandlerId> left = IdsOf(ListConnection(*store, from));
    const std::vector<HandlerId> arrived = IdsOf(ListConnection(*store, to));
    if (change.ok()) {
      // Everything listed moved; the insert, if it was not listed, came
      // after the move and is the only handler left behind.
      EXPECT_THAT(arrived, ElementsAreArray(IdsOf(listed))) << round;
      ++(listed_late ? moved_with_insert : moved_before_insert);
      EXPECT_EQ(left, listed_late ? std::vector<HandlerId>()
                                  : std::vector<HandlerId>{inserted.handler_id})
          << round;
    } else {
      ++aborted;
      ASSERT_EQ(change.status().code(), absl::StatusCode::kAborted)
          << change.status();
      EXPECT_THAT(arrived, IsEmpty()) << round;
      std::vector<HandlerId> all = original;
      all.push_back(inserted.handler_id);
      EXPECT_EQ(left, all) << round;
    }
  }

  close(go[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  close(report[0]);
  RecordProperty("moved_with_insert", moved_with_insert);
  RecordProperty("moved_before_insert", moved_before_insert);
  RecordProperty("aborted", aborted);
  RecordProperty("inserted_between", inserted_between);
  EXPECT_EQ(moved_with_insert + moved_before_insert + aborted, 40);
}

// What the moving process acknowledges after each UpdateHandlers that
// returned OK.
struct MoveAck {
  std::int64_t step = 0;
  std::int64_t change_id = 0;
};

std::string StepMark(int round, std::int64_t step) {
  return absl::StrCat("round ", round, " step ", step);
}

// Runs in a forked child: moves every handler back and forth between two
// hosts in one bulk change after another, marking each step in the
// handlers, and acknowledges each step on `ack` once it returned OK. Runs
// until it is killed.
[[noreturn]] void MoveUntilKilled(const std::string& path, int round, int ack) {
  absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(path);
  if (!store.ok()) _exit(3);
  for (std::int64_t step = 0;; ++step) {
    absl::StatusOr<std::vector<HandlerRecord>> handlers =
        (*store)->ListHandlers(HandlerFilter());
    if (!handlers.ok() || handlers->empty()) _exit(4);
    const std::string from = (*handlers)[0].connection_string;
    const std::string to =
        from == ConnectionOf("a.example.io") ? "b.example.io" : "a.example.io";
    std::vector<HandlerUpdate> updates;
    for (const HandlerRecord& handler : *handlers) {
      HandlerRecord moved = MovedTo(handler, to);
      moved.metadata.native_view_name = StepMark(round, step);
      updates.push_back({moved, std::nullopt});
    }
    absl::StatusOr<std::int64_t> change =
        (*store)->UpdateHandlers(updates, from);
    if (!change.ok()) _exit(5);
    const MoveAck out{step, *change};
    if (!WriteAll(ack, &out, sizeof(out))) _exit(6);
  }
}

TEST_F(SqliteChangesTest, KeepsEveryAcknowledgedBulkChangeWhenKilled) {
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    Insert(*store,
           {EntryFor("u0", "a.example.io"), EntryFor("u1", "a.example.io"),
            EntryFor("u2", "a.example.io")});
  }

  for (int round = 0; round < 6; ++round) {
    int ack[2];
    ASSERT_EQ(pipe(ack), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(ack[0]);
      MoveUntilKilled(path_, round, ack[1]);
    }
    close(ack[1]);

    // Kill right after an acknowledgement, while the writer is most
    // likely inside its next transaction.
    MoveAck last;
    for (int i = 0; i < round % 3 + 1; ++i) {
      ASSERT_TRUE(ReadAll(ack[0], &last, sizeof(last))) << "round " << round;
    }
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "mover failed with " << status;
    // The mover may have run a few steps further before the signal landed;
    // their acknowledgements wait in the pipe. An acknowledgement is
    // smaller than PIPE_BUF, so each is there whole or not at all.
    for (MoveAck later; ReadAll(ack[0], &later, sizeof(later));) last = later;
    close(ack[0]);

    std::unique_ptr<Store> reopened = Open();
    ASSERT_NE(reopened, nullptr);
    absl::StatusOr<std::vector<HandlerRecord>> handlers =
        reopened->ListHandlers(HandlerFilter());
    ASSERT_TRUE(handlers.ok()) << handlers.status();
    ASSERT_EQ(handlers->size(), 3u);
    const HandlerRecord& first = (*handlers)[0];
    // The acknowledged step, or the one after it if that committed before
    // the kill: never anything older, and never a mixture.
    EXPECT_TRUE(first.metadata.native_view_name == StepMark(round, last.step) ||
                first.metadata.native_view_name ==
                    StepMark(round, last.step + 1))
        << first.metadata.native_view_name << " after "
        << StepMark(round, last.step);
    for (const HandlerRecord& handler : *handlers) {
      EXPECT_EQ(handler.connection_string, first.connection_string);
      EXPECT_EQ(handler.key->host, first.metadata.hostname);
      EXPECT_EQ(handler.metadata.native_view_name,
                first.metadata.native_view_name);
    }
    absl::StatusOr<std::int64_t> next =
        reopened->UpdateHandlers({}, std::nullopt);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_GT(*next, last.change_id);
  }
}

}  // namespace
}  // namespace dsh
