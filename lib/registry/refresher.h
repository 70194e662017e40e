// Reading dictionaries again from the catalog, for any set of handlers.
#ifndef DSH_LIB_REGISTRY_REFRESHER_H_
#define DSH_LIB_REGISTRY_REFRESHER_H_

#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "dsh/catalog.h"
#include "dsh/registry.h"
#include "dsh/store.h"

namespace dsh::registry {

// Refreshes data sources so that one catalog round trip serves every
// handler of one connection, and so that two callers refreshing the same
// handler at once share one read. Thread-safe.
class Refresher {
 public:
  // Called after each connection's tables are read: handlers done so far,
  // and in all.
  using Progress = std::function<void(std::size_t done, std::size_t total)>;

  // `store` and `options` must outlive the refresher.
  Refresher(Store& store, std::shared_ptr<CatalogConnector> catalogs,
            const RegistryOptions& options);

  // One outcome per handler, in the order given. A handler whose read
  // failed keeps its dictionary and gets the error; a handler whose table
  // is gone keeps its dictionary and is marked unhealthy. Changed
  // dictionaries are saved in one store transaction.
  std::vector<RefreshOutcome> Refresh(
      const std::vector<HandlerRecord>& handlers,
      const Progress& progress = nullptr);

 private:
  // Handlers sharing one way of connecting.
  struct Group {
    ConnectionSettings settings;
    std::vector<std::size_t> members;  // Indices into the owned handlers.
  };

  std::vector<RefreshOutcome> ReadAndSave(
      const std::vector<const HandlerRecord*>& handlers,
      const Progress& progress);
  void ReadGroup(const Group& group,
                 const std::vector<const HandlerRecord*>& handlers,
                 std::vector<RefreshOutcome>& outcomes,
                 std::vector<DictionaryUpdate>& updates,
                 std::vector<std::size_t>& updated);

  Store& store_;
  std::shared_ptr<CatalogConnector> catalogs_;
  const RegistryOptions& options_;

  std::mutex mutex_;
  absl::flat_hash_map<HandlerId, std::shared_future<RefreshOutcome>> in_flight_;
};

// Everything that decides which connection a handler needs: handlers with
// the same identity share a catalog round trip. Kept in memory only: it
// holds the password.
using ConnectionIdentity =
    std::tuple<Technology, std::string, int, std::string, std::string,
               std::string, bool, std::string>;
ConnectionIdentity IdentityOf(const ConnectionSettings& settings);

// How the registry reaches a handler's database.
ConnectionSettings SettingsFor(Technology technology,
                               const HandlerMetadata& metadata,
                               const RegistryOptions& options);

// Milliseconds since the Unix epoch.
std::int64_t NowMs();

// `status` with `context: ` before its message, keeping code and payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace dsh::registry

#endif  // DSH_LIB_REGISTRY_REFRESHER_H_
