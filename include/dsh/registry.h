// The registry: one tenant's handlers and data sources, and the operations
// on them. A Registry joins a Store (where records live) and a
// CatalogConnector (where column metadata comes from).
#ifndef DSH_REGISTRY_H_
#define DSH_REGISTRY_H_

#include <memory>
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

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsh

#endif  // DSH_REGISTRY_H_
