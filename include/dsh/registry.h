// The registry: one tenant's handlers and data sources, and the operations
// on them. A Registry joins a Store (where records live) and a
// CatalogConnector (where column metadata comes from).
#ifndef DSH_REGISTRY_H_
#define DSH_REGISTRY_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dsh/catalog.h"
#include "dsh/export.h"
#include "dsh/log.h"
#include "dsh/model.h"
#include "dsh/store.h"

namespace dsh {

struct RegistryOptions {
  // Strict mode: the vendor's required list for `dataSource` holds
  // literally. The default, compatible mode accepts the vendor's examples.
  bool strict = false;
  // Redshift clusters with case-sensitive identifiers enabled.
  bool case_sensitive_identifiers = false;
  // alias -> canonical host (a VPC endpoint or CNAME onto the cluster).
  std::vector<std::pair<std::string, std::string>> host_aliases;
  // The organization of data sources whose payload names none.
  std::string organization = "default";
  int connect_timeout_seconds = 10;
  int statement_timeout_ms = 30000;
  // The freshness rule of the dictionary cache: a read without skipCache
  // serves the stored dictionary while it is younger than this, and reads
  // the catalog once it is older (serving the stored one, with a logged
  // warning, when that read fails). 0 serves the stored dictionary always.
  int dictionary_max_age_seconds = 24 * 60 * 60;
  // Catalog connections are reused between operations (docs/catalog.md).
  CatalogPoolOptions pool;
  Logger logger;
};

// The outcome of validating a payload without touching a database or the
// store: the connection it would use and the warnings it would get.
struct ValidateResult {
  std::string connection_string;
  std::vector<Warning> warnings;
};

// Thread-safe.
class DSH_EXPORT Registry {
 public:
  Registry(RegistryOptions options, std::unique_ptr<Store> store,
           std::shared_ptr<CatalogConnector> catalogs);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // POST /{technology}/handler. All or nothing: when this fails, the store
  // is as it was. Duplicate tables are skipped with a warning, not refused.
  // Fails with InvalidArgument (every problem, with pointers; malformed
  // JSON with its byte offset), AlreadyExists (a name is taken), NotFound
  // (a remote table does not exist), Unavailable (database or store).
  absl::StatusOr<CreateResult> Create(Technology technology,
                                      std::string_view payload_json);

  // Checks a payload as Create would, consulting neither the catalog nor
  // the store; duplicates inside the payload are warnings.
  absl::StatusOr<ValidateResult> Validate(Technology technology,
                                          std::string_view payload_json);

  // GET /{technology}/handler/{id}. With `skip_cache` the dictionary is
  // read from the catalog now (and saved); otherwise the stored one is
  // served. NotFound when there is no such handler of that technology.
  absl::StatusOr<HandlerView> GetHandler(Technology technology, HandlerId id,
                                         bool skip_cache);

  // PUT /{technology}/handler/{id}: replaces the handler's whole metadata
  // from `body` (ParseUpdateRequest's shape). A left-out password keeps the
  // stored one; a left-out `columns` keeps the dictionary. The body's
  // connectionString must be the new metadata's. The catalog is read when
  // the table or connection changes, when `columns` is given, or with
  // `skip_cache`. AlreadyExists when the new table belongs to another
  // handler; NotFound when the handler or the new table is absent.
  absl::StatusOr<UpdateResult> UpdateHandler(Technology technology,
                                             HandlerId id,
                                             std::string_view body,
                                             bool skip_cache);

  // PUT /{technology}/bulk: moves every handler of the body's
  // connectionString to the body's connection settings in one atomic step.
  // Dictionaries are kept; refresh to read them through the new settings.
  absl::StatusOr<BulkResult> BulkUpdate(Technology technology,
                                        std::string_view body);

  // Refreshes the data sources of `handler_ids` (all when nullopt): one
  // catalog round trip per connection; each outcome says what changed or
  // why it failed. `progress` is called after each connection.
  using RefreshProgress = std::function<void(size_t done, size_t total)>;
  absl::StatusOr<std::vector<RefreshOutcome>> Refresh(
      const std::optional<std::vector<HandlerId>>& handler_ids,
      const RefreshProgress& progress = nullptr);

  // PUT /dataSource/detectRemoteChanges: refreshes the selected data
  // sources and, where schemaEvolution is enabled, registers tables new in
  // the monitored schemas and disables data sources whose table is gone.
  absl::StatusOr<DetectChangesResult> DetectRemoteChanges(
      std::string_view body, const RefreshProgress& progress = nullptr);

  // GET /dictionary/{id}: the stored data source. NotFound when absent.
  absl::StatusOr<DataSourceRecord> GetDictionary(DataSourceId id);

  // DELETE /dataSource/{id}: removes the data source and its handler,
  // freeing the table for a new registration.
  absl::StatusOr<DeleteResult> DeleteDataSource(DataSourceId id);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsh

#endif  // DSH_REGISTRY_H_
