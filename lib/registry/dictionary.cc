#include "registry/dictionary.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "model/absl_compat.h"

namespace dsh::registry {
namespace {

std::string QuoteIdentifier(std::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(AsAbsl(name), {{"\"", "\"\""}}),
                      "\"");
}

}  // namespace

std::string QuotedTableName(std::string_view schema, std::string_view table) {
  return absl::StrCat(QuoteIdentifier(schema), ".", QuoteIdentifier(table));
}

BuiltDictionary BuildDictionary(
    Technology technology, const TableDescription& table,
    const std::optional<std::vector<std::string>>& wanted,
    const std::string& pointer) {
  BuiltDictionary built;
  const std::string table_name =
      QuotedTableName(table.resolved.schema, table.resolved.table);

  if (wanted) {
    for (size_t i = 0; i < wanted->size(); ++i) {
      const std::string& name = (*wanted)[i];
      const bool present =
          std::any_of(table.columns.begin(), table.columns.end(),
                      [&](const Column& c) { return c.name == name; });
      if (!present) {
        // The pointer names the column; the value is not repeated, in case
        // a secret was pasted into the wrong field.
        built.problems.push_back(
            {absl::StrCat(pointer, "/columns/", i),
             absl::StrCat("no such column in ", table_name)});
      }
    }
  }
  const absl::flat_hash_set<std::string> keep =
      wanted ? absl::flat_hash_set<std::string>(wanted->begin(), wanted->end())
             : absl::flat_hash_set<std::string>();

  for (const Column& remote : table.columns) {
    if (wanted && !keep.contains(remote.name)) continue;
    Column column = remote;
    if (column.data_type.empty()) {
      const TypeMapping mapping = MapRemoteType(technology, remote.remote_type);
      column.data_type = mapping.data_type;
      if (!mapping.known) {
        built.warnings.push_back(
            {"unknown_type", pointer,
             absl::StrCat("column ", QuoteIdentifier(remote.name), " of ",
                          table_name, " has type \"", remote.remote_type,
                          "\", which dsh does not know; it is governed as ",
                          mapping.data_type)});
      }
    }
    built.columns.push_back(std::move(column));
  }
  return built;
}

}  // namespace dsh::registry
