// The promises every store makes, checked against each store alike.
#include <atomic>
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

class StoreBehaviour : public store_test::StoreFixture {};

TEST_P(StoreBehaviour, GivesPositiveIdsThatIncreaseAcrossCalls) {
  const std::vector<InsertOutcome> first =
      Insert({EntryFor("a"), EntryFor("b")});
  const std::vector<InsertOutcome> second = Insert({EntryFor("c")});

  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_GT(first[0].handler_id, 0);
  EXPECT_GT(first[0].data_source_id, 0);
  EXPECT_GT(first[1].handler_id, first[0].handler_id);
  EXPECT_GT(first[1].data_source_id, first[0].data_source_id);
  EXPECT_GT(second[0].handler_id, first[1].handler_id);
  EXPECT_GT(second[0].data_source_id, first[1].data_source_id);
}

TEST_P(StoreBehaviour, ReturnsAnEmptyListForAnEmptyCall) {
  absl::StatusOr<std::vector<InsertOutcome>> outcomes =
      store_->InsertDataSources({});
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_TRUE(outcomes->empty());
}

TEST_P(StoreBehaviour, ReturnsEveryFieldOfAHandlerAsInserted) {
  const NewDataSource entry = RichEntry();
  const std::vector<InsertOutcome> outcomes = Insert({entry});
  ASSERT_EQ(outcomes.size(), 1u);

  absl::StatusOr<HandlerRecord> read =
      store_->GetHandler(outcomes[0].handler_id);
  ASSERT_TRUE(read.ok()) << read.status();
  HandlerRecord expected = entry.handler;
  expected.id = outcomes[0].handler_id;
  expected.data_source_id = outcomes[0].data_source_id;
  EXPECT_EQ(Describe(*read), Describe(expected));
}

TEST_P(StoreBehaviour, ReturnsEveryFieldOfADataSourceAsInserted) {
  const NewDataSource entry = RichEntry();
  const std::vector<InsertOutcome> outcomes = Insert({entry});
  ASSERT_EQ(outcomes.size(), 1u);

  absl::StatusOr<DataSourceRecord> read =
      store_->GetDataSource(outcomes[0].data_source_id);
  ASSERT_TRUE(read.ok()) << read.status();
  DataSourceRecord expected = entry.data_source;
  expected.id = outcomes[0].data_source_id;
  expected.handler_id = outcomes[0].handler_id;
  EXPECT_EQ(Describe(*read), Describe(expected));
}

TEST_P(StoreBehaviour, KeepsAbsentOptionalFieldsApartFromEmptyOnes) {
  NewDataSource empty = EntryFor("empty");
  empty.handler.metadata.query = "";
  empty.handler.metadata.columns = std::vector<std::string>();
  empty.handler.metadata.stale_data_tolerance = 0.0;
  empty.data_source.spec.is_private = false;
  empty.data_source.schema_evolution = SchemaEvolution();
  NewDataSource absent = EntryFor("absent");

  const std::vector<InsertOutcome> outcomes = Insert({empty, absent});
  ASSERT_EQ(outcomes.size(), 2u);

  absl::StatusOr<HandlerRecord> h0 = store_->GetHandler(outcomes[0].handler_id);
  absl::StatusOr<HandlerRecord> h1 = store_->GetHandler(outcomes[1].handler_id);
  absl::StatusOr<DataSourceRecord> d0 =
      store_->GetDataSource(outcomes[0].data_source_id);
  absl::StatusOr<DataSourceRecord> d1 =
      store_->GetDataSource(outcomes[1].data_source_id);
  ASSERT_TRUE(h0.ok() && h1.ok() && d0.ok() && d1.ok());
  EXPECT_THAT(h0->metadata.query, Optional(std::string()));
  EXPECT_THAT(h0->metadata.columns, Optional(std::vector<std::string>()));
  EXPECT_THAT(h0->metadata.stale_data_tolerance, Optional(0.0));
  EXPECT_THAT(d0->spec.is_private, Optional(false));
  EXPECT_TRUE(d0->schema_evolution.has_value());
  EXPECT_FALSE(d0->schema_evolution->owner_profile_id.has_value());
  EXPECT_FALSE(h1->metadata.query.has_value());
  EXPECT_FALSE(h1->metadata.columns.has_value());
  EXPECT_FALSE(h1->metadata.stale_data_tolerance.has_value());
  EXPECT_FALSE(d1->spec.is_private.has_value());
  EXPECT_FALSE(d1->schema_evolution.has_value());
}

TEST_P(StoreBehaviour, KeepsQueryBackedHandlersWithoutATableKey) {
  NewDataSource first = EntryFor("q1");
  first.handler.key.reset();
  first.handler.metadata.query = "select 1";
  NewDataSource second = EntryFor("q2");
  second.handler.key.reset();
  second.handler.metadata.query = "select 1";

  const std::vector<InsertOutcome> outcomes = Insert({first, second});

  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[1].existing_handler_id.has_value());
  absl::StatusOr<HandlerRecord> read =
      store_->GetHandler(outcomes[1].handler_id);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_FALSE(read->key.has_value());
}

TEST_P(StoreBehaviour, SkipsATableAlreadyRegisteredAndNamesItsHandler) {
  const std::vector<InsertOutcome> first = Insert({EntryFor("orders")});
  NewDataSource again = EntryFor("orders");
  again.data_source.name = "Another name";
  again.data_source.sql_table_name = "another";

  const std::vector<InsertOutcome> second = Insert({again, EntryFor("items")});

  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_THAT(second[0].existing_handler_id, Optional(first[0].handler_id));
  EXPECT_EQ(second[0].handler_id, 0);
  EXPECT_EQ(second[0].data_source_id, 0);
  EXPECT_FALSE(second[1].existing_handler_id.has_value());
  EXPECT_GT(second[1].handler_id, first[0].handler_id);
  absl::StatusOr<HandlerRecord> kept = store_->GetHandler(first[0].handler_id);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->metadata.password, "pw-orders");
}

TEST_P(StoreBehaviour, ReportsARepeatWithinOneCallAsADuplicateOfTheFirst) {
  NewDataSource repeat = EntryFor("orders");
  repeat.data_source.name = "Repeat";
  repeat.data_source.sql_table_name = "repeat";

  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), repeat});

  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_GT(outcomes[0].handler_id, 0);
  EXPECT_THAT(outcomes[1].existing_handler_id,
              Optional(outcomes[0].handler_id));
  EXPECT_EQ(outcomes[1].handler_id, 0);
}

TEST_P(StoreBehaviour, SkipsADuplicateEvenWhenItsNamesAreTaken) {
  const std::vector<InsertOutcome> first = Insert({EntryFor("orders")});

  const std::vector<InsertOutcome> second = Insert({EntryFor("orders")});

  ASSERT_EQ(second.size(), 1u);
  EXPECT_THAT(second[0].existing_handler_id, Optional(first[0].handler_id));
}

TEST_P(StoreBehaviour, TellsTablesApartByEveryPartOfTheKey) {
  std::vector<NewDataSource> entries;
  for (int variant = 0; variant < 6; ++variant) {
    NewDataSource entry = EntryFor("t");
    TableKey& key = *entry.handler.key;
    if (variant == 1) key.family = Technology::kPostgresql;
    if (variant == 2) key.host = "other.example.io";
    if (variant == 3) key.port = 5440;
    if (variant == 4) key.database = "prod";
    if (variant == 5) key.schema = "sales.t";
    if (variant == 5) key.table = "";
    entry.data_source.name = "t" + std::to_string(variant);
    entry.data_source.sql_table_name = "t" + std::to_string(variant);
    entries.push_back(entry);
  }

  const std::vector<InsertOutcome> outcomes = Insert(entries);

  ASSERT_EQ(outcomes.size(), 6u);
  for (const InsertOutcome& outcome : outcomes) {
    EXPECT_FALSE(outcome.existing_handler_id.has_value());
  }
}

TEST_P(StoreBehaviour, RefusesATakenDataSourceNameAndWritesNothing) {
  Insert({EntryFor("orders"), EntryFor("items")});
  const std::string before = Snapshot();
  NewDataSource clash = EntryFor("returns");
  clash.data_source.name = EntryFor("items").data_source.name;

  absl::StatusOr<std::vector<InsertOutcome>> refused =
      store_->InsertDataSources({EntryFor("refunds"), clash});

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(
      refused.status().message(),
      HasSubstr("\"Sales items at cluster.example.io\" already exists"));
  EXPECT_EQ(Snapshot(), before);
  absl::StatusOr<std::vector<std::optional<HandlerId>>> found =
      store_->FindHandlers({KeyOf("refunds"), KeyOf("returns")});
  ASSERT_TRUE(found.ok());
  EXPECT_THAT(*found, ElementsAre(std::nullopt, std::nullopt));
  EXPECT_EQ(Insert({EntryFor("refunds")}).size(), 1u);
}

TEST_P(StoreBehaviour, RefusesTwoEntriesOfOneCallWithTheSameName) {
  NewDataSource second = EntryFor("items");
  second.data_source.name = EntryFor("orders").data_source.name;
  const std::string before = Snapshot();

  absl::StatusOr<std::vector<InsertOutcome>> refused =
      store_->InsertDataSources({EntryFor("orders"), second});

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(), HasSubstr("already exists"));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreBehaviour, RefusesASqlTableNameTakenInTheSameSqlSchema) {
  Insert({EntryFor("orders")});
  const std::string before = Snapshot();
  NewDataSource clash = EntryFor("items");
  clash.data_source.sql_table_name =
      EntryFor("orders").data_source.sql_table_name;

  absl::StatusOr<std::vector<InsertOutcome>> refused =
      store_->InsertDataSources({clash});

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(),
              HasSubstr("SQL table name \"orders\" already exists in SQL "
                        "schema \"sales\""));
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(StoreBehaviour, RefusesTwoEntriesOfOneCallWithTheSameSqlName) {
  NewDataSource second = EntryFor("items");
  second.data_source.sql_table_name =
      EntryFor("orders").data_source.sql_table_name;

  absl::StatusOr<std::vector<InsertOutcome>> refused =
      store_->InsertDataSources({EntryFor("orders"), second});

  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAlreadyExists);
  absl::StatusOr<std::vector<std::optional<HandlerId>>> found =
      store_->FindHandlers({KeyOf("orders")});
  ASSERT_TRUE(found.ok());
  EXPECT_THAT(*found, ElementsAre(std::nullopt));
}

TEST_P(StoreBehaviour, AllowsTheSameSqlTableNameInAnotherSqlSchema) {
  Insert({EntryFor("orders")});
  NewDataSource other = EntryFor("items");
  other.data_source.sql_schema_name = "archive";
  other.data_source.sql_table_name =
      EntryFor("orders").data_source.sql_table_name;

  absl::StatusOr<std::vector<InsertOutcome>> outcomes =
      store_->InsertDataSources({other});

  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  EXPECT_GT((*outcomes)[0].handler_id, 0);
}

TEST_P(StoreBehaviour, FindsTheHandlerOfEachKeyInOrder) {
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("orders"), EntryFor("items")});
  ASSERT_EQ(outcomes.size(), 2u);

  absl::StatusOr<std::vector<std::optional<HandlerId>>> found =
      store_->FindHandlers({KeyOf("items"), KeyOf("missing"), KeyOf("orders"),
                            KeyOf("orders", "elsewhere.example.io")});

  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_THAT(*found, ElementsAre(outcomes[1].handler_id, std::nullopt,
                                  outcomes[0].handler_id, std::nullopt));
}

TEST_P(StoreBehaviour, ReportsAnUnknownHandlerAsNotFoundNamingItsId) {
  absl::StatusOr<HandlerRecord> read = store_->GetHandler(4242);

  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(read.status().message(), HasSubstr("handler 4242"));
}

TEST_P(StoreBehaviour, ReportsAnUnknownDataSourceAsNotFoundNamingItsId) {
  absl::StatusOr<DataSourceRecord> read = store_->GetDataSource(4343);

  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(read.status().message(), HasSubstr("data source 4343"));
}

TEST_P(StoreBehaviour, StampsCreationTimeOnlyWhenTheRecordHasNone) {
  const std::int64_t before = store::NowMs();
  const std::vector<InsertOutcome> outcomes =
      Insert({EntryFor("fresh"), RichEntry()});
  ASSERT_EQ(outcomes.size(), 2u);

  absl::StatusOr<DataSourceRecord> fresh =
      store_->GetDataSource(outcomes[0].data_source_id);
  absl::StatusOr<DataSourceRecord> given =
      store_->GetDataSource(outcomes[1].data_source_id);
  ASSERT_TRUE(fresh.ok() && given.ok());
  EXPECT_GE(fresh->created_at_ms, before);
  EXPECT_EQ(fresh->updated_at_ms, fresh->created_at_ms);
  EXPECT_EQ(given->created_at_ms, RichEntry().data_source.created_at_ms);
  EXPECT_EQ(given->updated_at_ms, RichEntry().data_source.updated_at_ms);
}

TEST_P(StoreBehaviour, SavesADictionaryWithItsHealthAndReadTime) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const DataSourceId id = outcomes[0].data_source_id;
  absl::StatusOr<DataSourceRecord> old = store_->GetDataSource(id);
  ASSERT_TRUE(old.ok());
  const std::vector<Column> dictionary = {
      {"id", "integer", "bigint", false, true, {}},
      {"added", "json", "super", true, false, {"New", "x|y"}}};

  ASSERT_TRUE(store_->SaveDictionary(id, dictionary, false, 1234).ok());

  absl::StatusOr<DataSourceRecord> saved = store_->GetDataSource(id);
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(Describe(saved->dictionary), Describe(dictionary));
  EXPECT_FALSE(saved->healthy);
  EXPECT_EQ(saved->dictionary_read_at_ms, 1234);
  EXPECT_GT(saved->updated_at_ms, old->updated_at_ms);
  EXPECT_EQ(saved->created_at_ms, old->created_at_ms);
  EXPECT_EQ(saved->name, old->name);
}

TEST_P(StoreBehaviour, BumpsTheUpdatedTimeOnEverySave) {
  const std::vector<InsertOutcome> outcomes = Insert({EntryFor("orders")});
  ASSERT_EQ(outcomes.size(), 1u);
  const DataSourceId id = outcomes[0].data_source_id;

  std::int64_t previous = store_->GetDataSource(id)->updated_at_ms;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->SaveDictionary(id, {}, true, i).ok());
    const std::int64_t now = store_->GetDataSource(id)->updated_at_ms;
    EXPECT_GT(now, previous);
    previous = now;
  }
}

TEST_P(StoreBehaviour, ReportsSavingAnUnknownDataSourceAsNotFound) {
  const absl::Status saved = store_->SaveDictionary(777, {}, true, 1);

  EXPECT_EQ(saved.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(saved.message(), HasSubstr("data source 777"));
}

TEST_P(StoreBehaviour, RegistersATableOnceWhenThreadsRaceForIt) {
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::atomic<int> ready{0};
  std::vector<std::vector<InsertOutcome>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        // Every thread registers "shared" first, then tables of its own.
        const std::string table =
            i == 0 ? "shared" : absl::StrCat("t", t, "_", i);
        absl::StatusOr<std::vector<InsertOutcome>> outcome =
            store_->InsertDataSources({EntryFor(table)});
        if (outcome.ok()) results[t].push_back((*outcome)[0]);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  int created_shared = 0;
  std::set<HandlerId> ids;
  for (const std::vector<InsertOutcome>& result : results) {
    ASSERT_EQ(result.size(), static_cast<size_t>(kEach));
    if (!result[0].existing_handler_id) ++created_shared;
    for (const InsertOutcome& outcome : result) {
      if (outcome.handler_id != 0) ids.insert(outcome.handler_id);
    }
  }
  EXPECT_EQ(created_shared, 1);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * (kEach - 1) + 1));
}

INSTANTIATE_TEST_SUITE_P(AllStores, StoreBehaviour,
                         ::testing::Values(StoreKind::kMemory,
                                           StoreKind::kSqlite),
                         KindName);

}  // namespace
}  // namespace dsh
