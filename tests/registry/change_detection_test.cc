#include "registry/change_detection.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsh::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

Column Col(std::string name, std::string type,
           std::vector<std::string> tags = {}) {
  Column column;
  column.name = std::move(name);
  column.remote_type = std::move(type);
  column.tags = std::move(tags);
  return column;
}

TEST(DiffDictionaries, FindsNothingWhenTheTableIsUnchanged) {
  const std::vector<Column> stored = {Col("id", "integer", {"pii"})};
  const DictionaryDiff diff = DiffDictionaries(stored, {Col("id", "integer")});
  EXPECT_THAT(diff.changes, IsEmpty());
  EXPECT_EQ(diff.dictionary, stored);
}

TEST(DiffDictionaries, TagsAnAddedColumnNew) {
  const DictionaryDiff diff = DiffDictionaries(
      {Col("id", "integer")}, {Col("id", "integer"), Col("note", "text")});
  EXPECT_THAT(
      diff.changes,
      ElementsAre(AllOf(Field(&ColumnChange::kind, ColumnChange::Kind::kAdded),
                        Field(&ColumnChange::column, "note"),
                        Field(&ColumnChange::new_remote_type, "text"))));
  EXPECT_THAT(diff.dictionary[1].tags, ElementsAre("New"));
  EXPECT_THAT(diff.dictionary[0].tags, IsEmpty());
}

TEST(DiffDictionaries, TagsAColumnWhoseTypeChangedNewAndKeepsItsTags) {
  const DictionaryDiff diff =
      DiffDictionaries({Col("code", "character varying(10)", {"pii"})},
                       {Col("code", "character varying(20)")});
  EXPECT_THAT(
      diff.changes,
      ElementsAre(AllOf(
          Field(&ColumnChange::kind, ColumnChange::Kind::kTypeChanged),
          Field(&ColumnChange::old_remote_type, "character varying(10)"),
          Field(&ColumnChange::new_remote_type, "character varying(20)"))));
  EXPECT_THAT(diff.dictionary[0].tags, ElementsAre("pii", "New"));
}

TEST(DiffDictionaries, DropsARemovedColumnAndReportsIt) {
  const DictionaryDiff diff = DiffDictionaries(
      {Col("id", "integer"), Col("gone", "date")}, {Col("id", "integer")});
  EXPECT_THAT(diff.changes,
              ElementsAre(AllOf(
                  Field(&ColumnChange::kind, ColumnChange::Kind::kRemoved),
                  Field(&ColumnChange::column, "gone"))));
  EXPECT_THAT(diff.dictionary, ElementsAre(Field(&Column::name, "id")));
}

TEST(DiffDictionaries, ShowsARenameAsARemovalAndAnAddition) {
  const DictionaryDiff diff =
      DiffDictionaries({Col("old_name", "text")}, {Col("new_name", "text")});
  EXPECT_THAT(
      diff.changes,
      ElementsAre(Field(&ColumnChange::kind, ColumnChange::Kind::kAdded),
                  Field(&ColumnChange::kind, ColumnChange::Kind::kRemoved)));
}

TEST(DiffDictionaries, DoesNotTagAColumnNewTwice) {
  const DictionaryDiff diff =
      DiffDictionaries({Col("a", "integer", {"New"})}, {Col("a", "bigint")});
  EXPECT_THAT(diff.dictionary[0].tags, ElementsAre("New"));
}

TEST(DiffDictionaries, KeepsTheTablesColumnOrder) {
  const DictionaryDiff diff =
      DiffDictionaries({Col("b", "integer"), Col("a", "integer")},
                       {Col("a", "integer"), Col("b", "integer")});
  EXPECT_THAT(diff.dictionary, ElementsAre(Field(&Column::name, "a"),
                                           Field(&Column::name, "b")));
}

}  // namespace
}  // namespace dsh::registry
