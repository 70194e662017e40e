#include "registry/change_detection.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace dsh::registry {
namespace {

void AddTag(Column& column, const char* tag) {
  if (std::find(column.tags.begin(), column.tags.end(), tag) ==
      column.tags.end()) {
    column.tags.push_back(tag);
  }
}

}  // namespace

DictionaryDiff DiffDictionaries(const std::vector<Column>& stored,
                                const std::vector<Column>& current) {
  absl::flat_hash_map<std::string, const Column*> before;
  for (const Column& column : stored) before.emplace(column.name, &column);

  DictionaryDiff diff;
  absl::flat_hash_set<std::string> still_there;
  for (const Column& now : current) {
    still_there.insert(now.name);
    Column kept = now;
    const auto found = before.find(now.name);
    if (found == before.end()) {
      AddTag(kept, kNewColumnTag);
      diff.changes.push_back(
          {ColumnChange::Kind::kAdded, now.name, "", now.remote_type});
    } else {
      const Column& old = *found->second;
      kept.tags = old.tags;
      if (old.remote_type != now.remote_type) {
        AddTag(kept, kNewColumnTag);
        diff.changes.push_back({ColumnChange::Kind::kTypeChanged, now.name,
                                old.remote_type, now.remote_type});
      }
    }
    diff.dictionary.push_back(std::move(kept));
  }
  for (const Column& old : stored) {
    if (!still_there.contains(old.name)) {
      diff.changes.push_back(
          {ColumnChange::Kind::kRemoved, old.name, old.remote_type, ""});
    }
  }
  return diff;
}

}  // namespace dsh::registry
