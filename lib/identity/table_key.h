// Table keys: the canonical identity of a remote table, and duplicate
// detection over them (spec section 5, docs/duplicates.md).
#ifndef DSH_LIB_IDENTITY_TABLE_KEY_H_
#define DSH_LIB_IDENTITY_TABLE_KEY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "dsh/model.h"

namespace dsh::identity {

struct IdentityOptions {
  // Redshift clusters with enable_case_sensitive_identifier: names are not
  // folded. PostgreSQL names are never folded.
  bool case_sensitive_identifiers = false;
  // alias -> canonical host, both compared after canonicalisation.
  std::vector<std::pair<std::string, std::string>> host_aliases;
};

// Trimmed, lower-cased, one trailing dot removed, brackets removed from an
// IPv6 literal and the literal written in its RFC 5952 form, then mapped
// through the alias table. Never resolves DNS. Only ASCII is lower-cased;
// an IPv4 literal keeps its spelling (leading zeros included); an
// IPv4-mapped IPv6 literal becomes "::ffff:a.b.c.d" and stays distinct from
// "a.b.c.d". An alias maps in one step, not transitively.
std::string CanonicalHost(std::string_view host,
                          const IdentityOptions& options);

// The key of a handler's table from the payload's own names: Redshift names
// (database, schema, table) have their ASCII letters lower-cased unless
// identifiers are case-sensitive; PostgreSQL names are kept exactly. A port
// of 0 becomes the technology's default. A query-backed handler has no
// table and should not be keyed.
TableKey KeyFromPayload(Technology technology, const HandlerMetadata& handler,
                        const IdentityOptions& options);

// The key with schema and table as the catalog resolved them; these are
// taken exactly. Host, port and database are as in KeyFromPayload.
TableKey KeyFromCatalog(Technology technology, const HandlerMetadata& handler,
                        std::string_view schema, std::string_view table,
                        const IdentityOptions& options);

// The connection string of a handler: canonical host, port (default filled
// in) and database, folded as in KeyFromPayload.
ConnectionString ConnectionOf(Technology technology,
                              const HandlerMetadata& handler,
                              const IdentityOptions& options);

// An entry that repeats an earlier one.
struct Repeat {
  std::size_t index = 0;        // The later entry, which is skipped.
  std::size_t first_index = 0;  // The entry it repeats.
};

// Every entry of `keys` whose key occurred earlier, in index order.
std::vector<Repeat> FindRepeats(absl::Span<const TableKey> keys);

}  // namespace dsh::identity

#endif  // DSH_LIB_IDENTITY_TABLE_KEY_H_
