// A fixture that runs a test against each store alike: the memory store and
// a SQLite store on a fresh file.
#ifndef DSH_TESTS_STORE_STORE_FIXTURE_H_
#define DSH_TESTS_STORE_STORE_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dsh/store.h"
#include "gtest/gtest.h"
#include "tests/store/store_test_records.h"
#include "tests/support/scratch_dir.h"

namespace dsh::store_test {

enum class StoreKind { kMemory, kSqlite };

inline std::string KindName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kMemory ? "Memory" : "Sqlite";
}

class StoreFixture : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::kMemory) {
      store_ = NewMemoryStore();
      return;
    }
    absl::StatusOr<std::unique_ptr<Store>> opened =
        OpenSqliteStore(dir_.File("registry.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
  }

  std::vector<InsertOutcome> Insert(std::vector<NewDataSource> entries) {
    absl::StatusOr<std::vector<InsertOutcome>> outcomes =
        store_->InsertDataSources(entries);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status();
    return outcomes.ok() ? *outcomes : std::vector<InsertOutcome>();
  }

  // Everything a reader can see of ids 1..20, as text.
  std::string Snapshot() {
    std::string out;
    for (std::int64_t id = 1; id <= 20; ++id) {
      absl::StatusOr<HandlerRecord> handler = store_->GetHandler(id);
      out += handler.ok() ? Describe(*handler) : handler.status().ToString();
      absl::StatusOr<DataSourceRecord> ds = store_->GetDataSource(id);
      out += ds.ok() ? Describe(*ds) : ds.status().ToString();
    }
    return out;
  }

  ::dsh::testing::ScratchDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace dsh::store_test

#endif  // DSH_TESTS_STORE_STORE_FIXTURE_H_
