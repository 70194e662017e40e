// How every store lists, replaces, refreshes, disables and deletes what it
// holds, checked against each store alike.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dsh/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/record_rules.h"
#include "tests/store/store_fixture.h"
#include "tests/store/store_test_records.h"

namespace dsh {
namespace {

using ::dsh::store_test::Describe;
using ::dsh::store_test::EntryFor;
using ::dsh::store_test::KeyOf;
using ::dsh::store_test::KindName;
using ::dsh::store_test::RichEntry;
using ::dsh::store_test::StoreKind;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kHostA[] = "cluster.example.io";
constexpr char kHostB[] = "other.example.io";

std::string ConnectionOf(const std::string& host) {
  return absl::StrCat(host, ":5439/dev");
}

std::vector<HandlerId> IdsOf(const std::vector<HandlerRecord>& handlers) {
  std::vector<HandlerId> ids;
  for (const HandlerRecord& handler : handlers) ids.push_back(handler.id);
  return ids;
}

// `handler` moved to `host`: its metadata, connection string and key.
HandlerRecord MovedTo(HandlerRecord handler, const std::string& host) {
  handler.metadata.hostname = host;
  handler.connection_string = ConnectionOf(host);
  if (handler.key) handler.key->host = host;
  return handler;
}

class StoreChanges : public store_test::StoreFixture {
 protected:
  HandlerRecord ReadHandler(HandlerId id) {
    absl::StatusOr<HandlerRecord> handler = store_->GetHandler(id);
    EXPECT_TRUE(handler.ok()) << handler.status();
    return handler.ok() ? *handler : HandlerRecord();
  }

  DataSourceRecord ReadDataSource(DataSourceId id) {
    absl::StatusOr<DataSourceRecord> record = store_->GetDataSource(id);
    EXPECT_TRUE(record.ok()) << record.status();
    return record.ok() ? *record : DataSourceRecord();
  }

  std::vector<HandlerRecord> List(const HandlerFilter& filter) {
    absl::StatusOr<std::vector<HandlerRecord>> handlers =
        store_->ListHandlers(filter);
    EXPECT_TRUE(handlers.ok()) << handlers.status();
    return handlers.ok() ? *handlers : std::vector<HandlerRecord>();
  }

  std::vector<HandlerRecord> ListConnection(const std::string& host) {
    HandlerFilter filter;
    filter.connection_string = ConnectionOf(host);
    return List(filter);
  }

  // A bulk change moving every listed handler of `from` to `to`.
  absl::StatusOr<std::int64_t> MoveConnection(const std::string& from,
                                              const std::string& to) {
    std::vector<HandlerUpdate> updates;
    for (const HandlerRecord& handler : ListConnection(from)) {
      updates.push_back({MovedTo(handler, to), std::nullopt});
    }
    return store_->UpdateHandlers(updates, ConnectionOf(from));
  }

  // The update that gives handler `id` the table `table` and its data
  // source the names EntryFor(`table`) would give.
  HandlerUpdate RetableTo(HandlerId id, const std::string& table) {
    HandlerUpdate update;
    update.handler = ReadHandler(id);
    update.handler.metadata.table = table;
    update.handler.key = KeyOf(table);
    DataSourceRecord record = ReadDataSource(update.handler.data_source_id);
    const DataSourceRecord names = EntryFor(table).data_source;
    record.name = names.name;
    record.sql_table_name = names.sql_table_name;
    update.data_source = record;
    return update;
  }
};

TEST_P(StoreChanges, ListsEveryHandlerInIdOrderWithItsSecrets) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b"), RichEntry()});
  ASSERT_EQ(outcomes.size(), 3u);

  const std::vector<HandlerRecord> listed = List(HandlerFilter());

  ASSERT_EQ(listed.size(), 3u);
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(Describe(listed[i]),
              Describe(ReadHandler(outcomes[i].handler_id)));
  }
  EXPECT_EQ(listed[0].metadata.password, "pw-a");
  EXPECT_EQ(listed[2].metadata.password, RichEntry().handler.metadata.password);
}

TEST_P(StoreChanges, ListsOnlyTheHandlersOfOneConnection) {
  const std::vector<InsertOutcome> outcomes = Insert(
      {EntryFor("a"), EntryFor("b", kHostB), EntryFor("c"), RichEntry()});
  ASSERT_EQ(outcomes.size(), 4u);

  EXPECT_THAT(IdsOf(ListConnection(kHostA)),
              ElementsAre(outcomes[0].handler_id, outcomes[2].handler_id));
  EXPECT_THAT(IdsOf(ListConnection("nowhere.example.io")), IsEmpty());
}

TEST_P(StoreChanges, ListsOnlyTheHandlersOfOneTechnology) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), RichEntry(), EntryFor("b")});
  ASSERT_EQ(outcomes.size(), 3u);
  HandlerFilter postgresql;
  postgresql.technology = Technology::kPostgresql;
  HandlerFilter redshift;
  redshift.technology = Technology::kRedshift;

  EXPECT_THAT(IdsOf(List(postgresql)), ElementsAre(outcomes[1].handler_id));
  EXPECT_THAT(IdsOf(List(redshift)),
              ElementsAre(outcomes[0].handler_id, outcomes[2].handler_id));
}

TEST_P(StoreChanges, ListsTheHandlersWithGivenIdsOnceEachInIdOrder) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b"), EntryFor("c")});
  ASSERT_EQ(outcomes.size(), 3u);
  HandlerFilter filter;
  filter.ids =
      std::vector<HandlerId>{outcomes[2].handler_id, 9999,
                             outcomes[0].handler_id, outcomes[2].handler_id};

  EXPECT_THAT(IdsOf(List(filter)),
              ElementsAre(outcomes[0].handler_id, outcomes[2].handler_id));
}

TEST_P(StoreChanges, ListsNothingForAnEmptyIdList) {
  Insert({EntryFor("a"), EntryFor("b")});
  HandlerFilter filter;
  filter.ids = std::vector<HandlerId>();

  EXPECT_THAT(List(filter), IsEmpty());
}

TEST_P(StoreChanges, ListsOnlyHandlersMatchingEveryFieldOfTheFilter) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b", kHostB), RichEntry()});
  ASSERT_EQ(outcomes.size(), 3u);
  HandlerFilter filter;
  filter.ids = std::vector<HandlerId>{
      outcomes[0].handler_id, outcomes[1].handler_id, outcomes[2].handler_id};
  filter.connection_string = ConnectionOf(kHostB);
  filter.technology = Technology::kRedshift;

  EXPECT_THAT(IdsOf(List(filter)), ElementsAre(outcomes[1].handler_id));
  filter.technology = Technology::kPostgresql;
  EXPECT_THAT(List(filter), IsEmpty());
}

TEST_P(StoreChanges, ReplacesAHandlerAndItsDataSourceKeepingIdsAndCreation) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const DataSourceRecord old = ReadDataSource(outcomes[0].data_source_id);
  HandlerUpdate update;
  update.handler = RichEntry().handler;
  update.handler.id = outcomes[0].handler_id;
  update.data_source = RichEntry().data_source;

  absl::StatusOr<std::int64_t> change =
      store_->UpdateHandlers({update}, std::nullopt);

  ASSERT_TRUE(change.ok()) << change.status();
  HandlerRecord expected_handler = RichEntry().handler;
  expected_handler.id = outcomes[0].handler_id;
  expected_handler.data_source_id = outcomes[0].data_source_id;
  EXPECT_EQ(Describe(ReadHandler(outcomes[0].handler_id)),
            Describe(expected_handler));
  const DataSourceRecord read = ReadDataSource(outcomes[0].data_source_id);
  DataSourceRecord expected = RichEntry().data_source;
  expected.id = outcomes[0].data_source_id;
  expected.handler_id = outcomes[0].handler_id;
  expected.created_at_ms = old.created_at_ms;
  expected.updated_at_ms = read.updated_at_ms;
  EXPECT_EQ(Describe(read), Describe(expected));
  EXPECT_GT(read.updated_at_ms, old.updated_at_ms);
}

TEST_P(StoreChanges, KeepsTheDataSourceButBumpsItsTimeWhenOnlyAHandlerChanges) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const DataSourceRecord old = ReadDataSource(outcomes[0].data_source_id);
  HandlerRecord handler = ReadHandler(outcomes[0].handler_id);
  handler.metadata.password = "new secret";

  ASSERT_TRUE(
      store_->UpdateHandlers({{handler, std::nullopt}}, std::nullopt).ok());

  EXPECT_EQ(ReadHandler(handler.id).metadata.password, "new secret");
  DataSourceRecord read = ReadDataSource(outcomes[0].data_source_id);
  EXPECT_GT(read.updated_at_ms, old.updated_at_ms);
  read.updated_at_ms = old.updated_at_ms;
  EXPECT_EQ(Describe(read), Describe(old));
}

TEST_P(StoreChanges, GivesEveryUpdateCallAGreaterChangeId) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const HandlerRecord handler = ReadHandler(outcomes[0].handler_id);

  std::int64_t previous = 0;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::int64_t> change =
        i % 2 == 0
            ? store_->UpdateHandlers({{handler, std::nullopt}}, std::nullopt)
            : store_->UpdateHandlers({}, std::nullopt);
    ASSERT_TRUE(change.ok()) << change.status();
    EXPECT_GT(*change, previous);
    previous = *change;
  }
}

TEST_P(StoreChanges, RefusesAnUpdateOfAGoneHandlerAndWritesNothing) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const std::string before = Snapshot();
  HandlerRecord changed = ReadHandler(outcomes[0].handler_id);
  changed.metadata.password = "changed";
  HandlerRecord gone = changed;
  gone.id = 4141;
  gone.data_source_id = 0;
  gone.key = KeyOf("gone");

  absl::StatusOr<std::int64_t> refused = store_->UpdateHandlers(
      {{changed, std::nullopt}, {gone, std::nullopt}}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(refused.status().message(), HasSubstr("handler 4141"));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, RefusesMovingOntoAnotherHandlersTableNamingThatHandler) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  HandlerRecord handler = ReadHandler(outcomes[1].handler_id);
  handler.key = KeyOf("orders");

  absl::StatusOr<std::int64_t> refused =
      store_->UpdateHandlers({{handler, std::nullopt}}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(),
              AllOf(HasSubstr(absl::StrCat("handler ", outcomes[1].handler_id,
                                           " cannot move")),
                    HasSubstr("\"sales\".\"orders\""),
                    HasSubstr(absl::StrCat("already registered by handler ",
                                           outcomes[0].handler_id))));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, LetsAHandlerKeepItsOwnTableAndNames) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  HandlerUpdate update;
  update.handler = ReadHandler(outcomes[0].handler_id);
  update.handler.metadata.username = "someone else";
  update.data_source = ReadDataSource(outcomes[0].data_source_id);
  update.data_source->spec.description = "kept names, new words";

  absl::StatusOr<std::int64_t> change =
      store_->UpdateHandlers({update}, std::nullopt);

  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_EQ(ReadHandler(outcomes[0].handler_id).metadata.username,
            "someone else");
  EXPECT_EQ(ReadDataSource(outcomes[0].data_source_id).spec.description,
            "kept names, new words");
}

TEST_P(StoreChanges, SwapsTheTablesOfTwoHandlersInOneCall) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  HandlerRecord first = ReadHandler(outcomes[0].handler_id);
  HandlerRecord second = ReadHandler(outcomes[1].handler_id);
  std::swap(first.key, second.key);
  std::swap(first.metadata.table, second.metadata.table);

  absl::StatusOr<std::int64_t> change = store_->UpdateHandlers(
      {{first, std::nullopt}, {second, std::nullopt}}, std::nullopt);

  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_THAT(*store_->FindHandlers({KeyOf("orders"), KeyOf("items")}),
              ElementsAre(outcomes[1].handler_id, outcomes[0].handler_id));
  EXPECT_EQ(ReadHandler(outcomes[0].handler_id).metadata.table, "items");
}

TEST_P(StoreChanges, SwapsTheNamesOfTwoDataSourcesInOneCall) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);

  absl::StatusOr<std::int64_t> change =
      store_->UpdateHandlers({RetableTo(outcomes[0].handler_id, "items"),
                              RetableTo(outcomes[1].handler_id, "orders")},
                             std::nullopt);

  ASSERT_TRUE(change.ok()) << change.status();
  const DataSourceRecord first = ReadDataSource(outcomes[0].data_source_id);
  const DataSourceRecord second = ReadDataSource(outcomes[1].data_source_id);
  EXPECT_EQ(first.name, EntryFor("items").data_source.name);
  EXPECT_EQ(first.sql_table_name, "items");
  EXPECT_EQ(second.name, EntryFor("orders").data_source.name);
  EXPECT_EQ(second.sql_table_name, "orders");
  EXPECT_THAT(*store_->FindHandlers({KeyOf("orders"), KeyOf("items")}),
              ElementsAre(outcomes[1].handler_id, outcomes[0].handler_id));
}

TEST_P(StoreChanges, RefusesTwoUpdatesOfOneCallTakingTheSameTable) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  HandlerRecord first = ReadHandler(outcomes[0].handler_id);
  HandlerRecord second = ReadHandler(outcomes[1].handler_id);
  first.key = KeyOf("refunds");
  second.key = KeyOf("refunds");

  absl::StatusOr<std::int64_t> refused = store_->UpdateHandlers(
      {{first, std::nullopt}, {second, std::nullopt}}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("already registered by handler ",
                                     outcomes[0].handler_id)));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, RefusesADataSourceNameTakenByAnotherDataSource) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  HandlerUpdate update = RetableTo(outcomes[1].handler_id, "items");
  update.data_source->name = EntryFor("orders").data_source.name;

  absl::StatusOr<std::int64_t> refused =
      store_->UpdateHandlers({update}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("\"Sales orders at cluster.example.io\" already "
                        "exists"));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, RefusesASqlTableNameTakenByAnotherDataSource) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  HandlerUpdate update = RetableTo(outcomes[1].handler_id, "items");
  update.data_source->sql_table_name = "orders";

  absl::StatusOr<std::int64_t> refused =
      store_->UpdateHandlers({update}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("SQL table name \"orders\" already exists in SQL "
                        "schema \"sales\""));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, FreesTheOldTableAndNamesOfAnUpdatedHandler) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_TRUE(store_
                  ->UpdateHandlers({RetableTo(outcomes[0].handler_id, "items")},
                                   std::nullopt)
                  .ok());

  const std::vector<InsertOutcome> again = Insert({EntryFor("orders")});

  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].existing_handler_id.has_value());
  EXPECT_GT(again[0].handler_id, outcomes[0].handler_id);
}

TEST_P(StoreChanges, RefusesTheSameHandlerTwiceInOneCall) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const HandlerRecord handler = ReadHandler(outcomes[0].handler_id);

  absl::StatusOr<std::int64_t> refused = store_->UpdateHandlers(
      {{handler, std::nullopt}, {handler, std::nullopt}}, std::nullopt);

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("handler ", handler.id,
                                     " appears more than once")));
}

TEST_P(StoreChanges, RefusesAnUpdateThatWouldRelinkAHandler) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  HandlerUpdate wrong_handler_link;
  wrong_handler_link.handler = ReadHandler(outcomes[0].handler_id);
  wrong_handler_link.handler.data_source_id = outcomes[1].data_source_id;
  HandlerUpdate wrong_data_source = RetableTo(outcomes[0].handler_id, "x");
  wrong_data_source.data_source->id = outcomes[1].data_source_id;

  for (const HandlerUpdate& update : {wrong_handler_link, wrong_data_source}) {
    absl::StatusOr<std::int64_t> refused =
        store_->UpdateHandlers({update}, std::nullopt);

    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(refused.status().message(),
                HasSubstr("an update cannot change ids"));
  }
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, MovesEveryHandlerOfAConnectionAtOnce) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b", kHostB), EntryFor("c")});
  ASSERT_EQ(outcomes.size(), 3u);

  absl::StatusOr<std::int64_t> change =
      MoveConnection(kHostA, "new.example.io");

  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_THAT(ListConnection(kHostA), IsEmpty());
  EXPECT_THAT(IdsOf(ListConnection("new.example.io")),
              ElementsAre(outcomes[0].handler_id, outcomes[2].handler_id));
  EXPECT_THAT(IdsOf(ListConnection(kHostB)),
              ElementsAre(outcomes[1].handler_id));
  EXPECT_THAT(*store_->FindHandlers({KeyOf("a", "new.example.io"), KeyOf("a")}),
              ElementsAre(outcomes[0].handler_id, std::nullopt));
}

TEST_P(StoreChanges, AbortsABulkChangeThatLeavesAHandlerOfTheConnectionOut) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  const HandlerRecord first =
      MovedTo(ReadHandler(outcomes[0].handler_id), kHostB);

  absl::StatusOr<std::int64_t> refused =
      store_->UpdateHandlers({{first, std::nullopt}}, ConnectionOf(kHostA));

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(refused.status().message(),
              AllOf(HasSubstr(absl::StrCat("handler ", outcomes[1].handler_id,
                                           " has connection")),
                    HasSubstr(ConnectionOf(kHostA))));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, AbortsABulkChangeCoveringAHandlerOfAnotherConnection) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b", kHostB)});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::string before = Snapshot();
  const HandlerRecord first =
      MovedTo(ReadHandler(outcomes[0].handler_id), "new.example.io");
  const HandlerRecord second =
      MovedTo(ReadHandler(outcomes[1].handler_id), "new.example.io");

  absl::StatusOr<std::int64_t> refused = store_->UpdateHandlers(
      {{first, std::nullopt}, {second, std::nullopt}}, ConnectionOf(kHostA));

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(refused.status().message(),
              HasSubstr(absl::StrCat("handler ", outcomes[1].handler_id,
                                     " is among the updates")));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreChanges, AbortsRatherThanNotFoundWhenABulkChangeMeetsAGoneHandler) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("a"), EntryFor("b")});
  ASSERT_EQ(outcomes.size(), 2u);
  const std::vector<HandlerRecord> listed = ListConnection(kHostA);
  ASSERT_TRUE(store_->DeleteDataSource(outcomes[1].data_source_id).ok());
  std::vector<HandlerUpdate> updates;
  for (const HandlerRecord& handler : listed) {
    updates.push_back({MovedTo(handler, kHostB), std::nullopt});
  }

  absl::StatusOr<std::int64_t> refused =
      store_->UpdateHandlers(updates, ConnectionOf(kHostA));

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(IdsOf(ListConnection(kHostA)),
              ElementsAre(outcomes[0].handler_id));
}

TEST_P(StoreChanges, AcceptsAnEmptyBulkChangeOfAConnectionWithoutHandlers) {
  Insert({EntryFor("a")});

  absl::StatusOr<std::int64_t> change =
      store_->UpdateHandlers({}, ConnectionOf("unused.example.io"));

  ASSERT_TRUE(change.ok()) << change.status();
  EXPECT_GT(*change, 0);
}

TEST_P(StoreChanges, LetsOnlyOneOfTwoRacingBulkChangesMoveAConnection) {
  for (int round = 0; round < 5; ++round) {
    const std::string from = absl::StrCat("from", round, ".example.io");
    Insert({EntryFor(absl::StrCat("r", round, "a"), from),
            EntryFor(absl::StrCat("r", round, "b"), from)});
    // Both read the connection before either changes it.
    std::vector<HandlerUpdate> updates[2];
    for (int t = 0; t < 2; ++t) {
      for (const HandlerRecord& handler : ListConnection(from)) {
        updates[t].push_back(
            {MovedTo(handler, absl::StrCat("to", t, ".example.io")),
             std::nullopt});
      }
    }
    std::atomic<int> ready{0};
    absl::StatusOr<std::int64_t> results[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready.load() < 2) std::this_thread::yield();
        results[t] = store_->UpdateHandlers(updates[t], ConnectionOf(from));
      });
    }
    for (std::thread& thread : threads) thread.join();

    ASSERT_NE(results[0].ok(), results[1].ok())
        << results[0].status() << " / " << results[1].status();
    const int winner = results[0].ok() ? 0 : 1;
    EXPECT_EQ(results[1 - winner].status().code(), absl::StatusCode::kAborted);
    EXPECT_THAT(ListConnection(from), IsEmpty());
    for (const HandlerUpdate& update : updates[winner]) {
      EXPECT_EQ(ReadHandler(update.handler.id).connection_string,
                ConnectionOf(absl::StrCat("to", winner, ".example.io")));
    }
  }
}

TEST_P(StoreChanges, GivesThreadsDistinctChangeIdsThatIncreasePerThread) {
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::vector<HandlerRecord> handlers;
  for (int t = 0; t < kThreads; ++t) {
    const std::vector<InsertOutcome> outcomes =
        Insert({EntryFor(absl::StrCat("t", t))});
    ASSERT_EQ(outcomes.size(), 1u);
    handlers.push_back(ReadHandler(outcomes[0].handler_id));
  }
  std::vector<std::vector<std::int64_t>> changes(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        absl::StatusOr<std::int64_t> change =
            store_->UpdateHandlers({{handlers[t], std::nullopt}}, std::nullopt);
        if (change.ok()) changes[t].push_back(*change);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::int64_t> all;
  for (const std::vector<std::int64_t>& mine : changes) {
    ASSERT_EQ(mine.size(), static_cast<size_t>(kEach));
    for (size_t i = 1; i < mine.size(); ++i) EXPECT_GT(mine[i], mine[i - 1]);
    all.insert(mine.begin(), mine.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

TEST_P(StoreChanges, SavesSeveralDictionariesWithTheirHealthInOneCall) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  const DataSourceRecord old = ReadDataSource(outcomes[1].data_source_id);
  DictionaryUpdate healthy;
  healthy.id = outcomes[0].data_source_id;
  healthy.dictionary = {{"id", "integer", "bigint", false, true, {"New"}}};
  healthy.read_at_ms = 111;
  DictionaryUpdate gone_table;
  gone_table.id = outcomes[1].data_source_id;
  gone_table.dictionary = old.dictionary;
  gone_table.healthy = false;
  gone_table.health_message = "table \"sales\".\"items\" does not exist";
  gone_table.read_at_ms = 222;

  ASSERT_TRUE(store_->SaveDictionaries({healthy, gone_table}).ok());

  const DataSourceRecord first = ReadDataSource(outcomes[0].data_source_id);
  const DataSourceRecord second = ReadDataSource(outcomes[1].data_source_id);
  EXPECT_EQ(Describe(first.dictionary), Describe(healthy.dictionary));
  EXPECT_TRUE(first.healthy);
  EXPECT_EQ(first.health_message, "");
  EXPECT_EQ(first.dictionary_read_at_ms, 111);
  EXPECT_EQ(Describe(second.dictionary), Describe(old.dictionary));
  EXPECT_FALSE(second.healthy);
  EXPECT_EQ(second.health_message, gone_table.health_message);
  EXPECT_EQ(second.dictionary_read_at_ms, 222);
  EXPECT_GT(second.updated_at_ms, old.updated_at_ms);
}

TEST_P(StoreChanges, SkipsDictionariesOfDataSourcesThatAreGone) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);
  ASSERT_TRUE(store_->DeleteDataSource(outcomes[0].data_source_id).ok());
  DictionaryUpdate deleted;
  deleted.id = outcomes[0].data_source_id;
  DictionaryUpdate never;
  never.id = 9898;
  DictionaryUpdate kept;
  kept.id = outcomes[1].data_source_id;
  kept.read_at_ms = 333;

  const absl::Status saved = store_->SaveDictionaries({deleted, never, kept});

  ASSERT_TRUE(saved.ok()) << saved;
  EXPECT_EQ(ReadDataSource(kept.id).dictionary_read_at_ms, 333);
  EXPECT_EQ(store_->GetDataSource(deleted.id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetDataSource(never.id).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreChanges, ClearsTheHealthMessageWhenSavingOneDictionary) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  DictionaryUpdate unhealthy;
  unhealthy.id = outcomes[0].data_source_id;
  unhealthy.healthy = false;
  unhealthy.health_message = "gone";
  ASSERT_TRUE(store_->SaveDictionaries({unhealthy}).ok());

  ASSERT_TRUE(store_->SaveDictionary(unhealthy.id, {}, true, 5).ok());

  const DataSourceRecord read = ReadDataSource(unhealthy.id);
  EXPECT_TRUE(read.healthy);
  EXPECT_EQ(read.health_message, "");
}

TEST_P(StoreChanges, DisablesAndEnablesADataSourceBumpingItsUpdatedTime) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const DataSourceId id = outcomes[0].data_source_id;
  const DataSourceRecord old = ReadDataSource(id);

  ASSERT_TRUE(store_->SetDisabled(id, true).ok());
  const DataSourceRecord disabled = ReadDataSource(id);
  ASSERT_TRUE(store_->SetDisabled(id, false).ok());
  const DataSourceRecord enabled = ReadDataSource(id);

  EXPECT_FALSE(old.disabled);
  EXPECT_TRUE(disabled.disabled);
  EXPECT_FALSE(enabled.disabled);
  EXPECT_GT(disabled.updated_at_ms, old.updated_at_ms);
  EXPECT_GT(enabled.updated_at_ms, disabled.updated_at_ms);
}

TEST_P(StoreChanges, ReportsDisablingAnUnknownDataSourceAsNotFound) {
  const absl::Status status = store_->SetDisabled(5151, true);

  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("data source 5151"));
}

TEST_P(StoreChanges, DeletesADataSourceWithItsHandlerAndReturnsBoth) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);

  absl::StatusOr<DeleteResult> deleted =
      store_->DeleteDataSource(outcomes[0].data_source_id);

  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->data_source_id, outcomes[0].data_source_id);
  EXPECT_EQ(deleted->handler_id, outcomes[0].handler_id);
  EXPECT_EQ(store_->GetDataSource(outcomes[0].data_source_id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetHandler(outcomes[0].handler_id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(IdsOf(List(HandlerFilter())),
              ElementsAre(outcomes[1].handler_id));
}

TEST_P(StoreChanges, RegistersADeletedTableAgainUnderNewIds) {
  const std::vector<InsertOutcome> first =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(first.size(), 2u);
  ASSERT_TRUE(store_->DeleteDataSource(first[1].data_source_id).ok());

  const std::vector<InsertOutcome> again = Insert({EntryFor("items")});

  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].existing_handler_id.has_value());
  EXPECT_GT(again[0].handler_id, first[1].handler_id);
  EXPECT_GT(again[0].data_source_id, first[1].data_source_id);
  EXPECT_THAT(*store_->FindHandlers({KeyOf("items")}),
              ElementsAre(again[0].handler_id));
}

TEST_P(StoreChanges, ReportsDeletingAnUnknownOrDeletedDataSourceAsNotFound) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  ASSERT_TRUE(store_->DeleteDataSource(outcomes[0].data_source_id).ok());

  absl::StatusOr<DeleteResult> again =
      store_->DeleteDataSource(outcomes[0].data_source_id);
  absl::StatusOr<DeleteResult> unknown = store_->DeleteDataSource(6262);

  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("data source 6262"));
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreChanges,
                         ::testing::Values(StoreKind::kMemory,
                                           StoreKind::kSqlite),
                         KindName);

}  // namespace
}  // namespace dsh
