#include "catalog/resolution.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dsh {
namespace catalog_internal {

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string QuotedTableName(const TableRef& table) {
  return absl::StrCat(QuoteIdentifier(table.schema), ".",
                      QuoteIdentifier(table.table));
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (absl::ascii_tolower(static_cast<unsigned char>(a[i])) !=
        absl::ascii_tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool MatchesIgnoringAsciiCase(const TableRef& requested,
                              const TableRef& candidate) {
  return EqualsIgnoringAsciiCase(requested.schema, candidate.schema) &&
         EqualsIgnoringAsciiCase(requested.table, candidate.table);
}

absl::StatusOr<size_t> ResolveTable(const TableRef& requested,
                                    const std::vector<TableRef>& candidates,
                                    std::string_view database) {
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i] == requested) return i;
  }
  if (candidates.size() == 1) return 0;

  const std::string where(database);
  if (candidates.empty()) {
    return absl::NotFoundError(absl::StrCat("remote table ",
                                            QuotedTableName(requested),
                                            " does not exist in ", where));
  }

  // Sorted, so that the message does not depend on catalog order.
  std::vector<std::string> names;
  names.reserve(candidates.size());
  for (const TableRef& candidate : candidates) {
    names.push_back(QuotedTableName(candidate));
  }
  std::sort(names.begin(), names.end());
  return absl::InvalidArgumentError(absl::StrCat(
      "remote table ", QuotedTableName(requested), " is ambiguous in ", where,
      ": it matches ", absl::StrJoin(names, ", "),
      " when case is ignored; name one of them exactly"));
}

}  // namespace catalog_internal
}  // namespace dsh
