// How a table named in a payload is matched against what a catalog holds.
// Shared by every catalog so that the memory catalog and the PostgreSQL
// catalog answer alike.
#ifndef DSH_LIB_CATALOG_RESOLUTION_H_
#define DSH_LIB_CATALOG_RESOLUTION_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dsh/catalog.h"

namespace dsh {
namespace catalog_internal {

// `name` as a SQL identifier in double quotes, inner quotes doubled, so
// that a name holding dots, quotes or spaces reads unambiguously.
std::string QuoteIdentifier(std::string_view name);

// `"schema"."table"`.
std::string QuotedTableName(const TableRef& table);

// Equality after folding ASCII letters only, as PostgreSQL and Redshift
// fold unquoted identifiers: non-ASCII letters must match exactly.
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);

// True when schema and table both match ignoring ASCII case.
bool MatchesIgnoringAsciiCase(const TableRef& requested,
                              const TableRef& candidate);

// Picks the relation `requested` names among `candidates`, every relation
// whose schema and table match it ignoring ASCII case. An exact match wins;
// otherwise a single candidate is taken. Returns its index, NotFound when
// there is none, or InvalidArgument ("ambiguous", naming each candidate)
// when several match only ignoring case. `database` (host:port/database)
// goes into the messages.
absl::StatusOr<size_t> ResolveTable(const TableRef& requested,
                                    const std::vector<TableRef>& candidates,
                                    std::string_view database);

}  // namespace catalog_internal
}  // namespace dsh

#endif  // DSH_LIB_CATALOG_RESOLUTION_H_
