// Where column metadata comes from. A Catalog is one open connection to one
// database; a CatalogConnector opens them. dsh ships a PostgreSQL/Redshift
// connector (libpqxx) and an in-memory catalog for tests; hosts may
// implement their own.
#ifndef DSH_CATALOG_H_
#define DSH_CATALOG_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "dsh/export.h"
#include "dsh/model.h"

namespace dsh {

// A table as a payload names it, before resolution against the catalog.
struct TableRef {
  std::string schema;
  std::string table;

  friend bool operator==(const TableRef& a, const TableRef& b) {
    return a.schema == b.schema && a.table == b.table;
  }
};

enum class RelationKind {
  kTable,
  kPartitionedTable,
  kView,
  kMaterializedView,
  kForeignTable,
  kLateBindingView,  // Redshift only.
  kExternalTable,    // Redshift Spectrum only.
};

DSH_EXPORT std::string_view RelationKindName(RelationKind kind);

// The catalog's answer for one requested table.
//
// `status` is OK when the table was found; NotFound when no relation
// matches; InvalidArgument when the case-insensitive match is ambiguous (the
// message names every candidate). Resolution: an exact match of schema and
// table wins; otherwise a case-insensitive match is taken when exactly one
// relation matches.
struct TableDescription {
  TableRef requested;
  absl::Status status;
  TableRef resolved;  // Names as the catalog stores them.
  RelationKind kind = RelationKind::kTable;
  // In column order. `remote_type` is the type text exactly as the database
  // prints it; `data_type` is the governed type when the catalog knows it
  // (it sees through domains and enums), empty when it does not.
  std::vector<Column> columns;
};

// How to reach one database. `password` and `ca_bundle_pem` are secrets.
struct ConnectionSettings {
  Technology technology = Technology::kRedshift;
  std::string host;
  int port = 0;
  std::string database;
  std::string username;
  std::string password;
  bool ssl = true;
  std::string ca_bundle_pem;  // Empty: no CA given.
  int connect_timeout_seconds = 10;
  int statement_timeout_ms = 30000;
};

// One open connection to one database. Not safe for concurrent use.
class DSH_EXPORT Catalog {
 public:
  virtual ~Catalog() = default;

  // Describes every table of `tables` in one round trip, returning one
  // description per requested table in the same order. A failure of the
  // whole read (connection lost, timeout, permission) is the returned
  // status; a table that is missing or ambiguous is reported in its own
  // description.
  virtual absl::StatusOr<std::vector<TableDescription>> DescribeTables(
      absl::Span<const TableRef> tables) = 0;

  // Every relation of the kinds DescribeTables reads, in the schemas named
  // exactly by `schemas`, in one round trip, ordered by schema and name.
  virtual absl::StatusOr<std::vector<TableRef>> ListTables(
      absl::Span<const std::string> schemas) = 0;
};

// Opens catalogs. Implementations must be safe to call from many threads.
class DSH_EXPORT CatalogConnector {
 public:
  virtual ~CatalogConnector() = default;

  // Unavailable when the server cannot be reached, PermissionDenied when it
  // refuses the login. The error never contains the password.
  virtual absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) = 0;
};

// Connection reuse. The returned connector keeps up to
// `max_idle_per_database` idle connections per distinct ConnectionSettings
// (secrets included in the comparison, never in a log); a Catalog handed
// out is used by one thread at a time and goes back to the pool when
// destroyed, unless a call on it failed with Unavailable (the connection is
// then dropped). Idle connections older than `max_idle_seconds` are closed
// rather than reused.
struct CatalogPoolOptions {
  int max_idle_per_database = 4;
  int max_idle_seconds = 300;
};
DSH_EXPORT std::shared_ptr<CatalogConnector> NewPooledCatalogConnector(
    std::shared_ptr<CatalogConnector> connector,
    CatalogPoolOptions options = CatalogPoolOptions());

// The real connector: libpqxx over the PostgreSQL wire protocol, with the
// Redshift or PostgreSQL dialect chosen by `settings.technology`.
DSH_EXPORT std::unique_ptr<CatalogConnector> NewPostgresCatalogConnector();

// The governed type family of a remote type and whether dsh knows the type.
// Unknown types map to "text". See docs/type-mapping.md.
struct TypeMapping {
  std::string data_type;
  bool known = false;
};
DSH_EXPORT TypeMapping MapRemoteType(Technology technology,
                                     std::string_view remote_type);

}  // namespace dsh

#endif  // DSH_CATALOG_H_
