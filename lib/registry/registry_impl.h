// The state behind dsh::Registry and the operations' shared steps. Each
// operation lives in its own file: create.cc, handlers.cc, monitoring.cc.
#ifndef DSH_LIB_REGISTRY_REGISTRY_IMPL_H_
#define DSH_LIB_REGISTRY_REGISTRY_IMPL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dsh/registry.h"
#include "identity/table_key.h"
#include "payload/create_payload.h"
#include "registry/refresher.h"

namespace dsh {

// One handler of a create request on its way to the store.
struct PlannedEntry {
  size_t index = 0;  // Into the payload's handler array.
  TableDescription table;
  TableKey key;
};

class Registry::Impl {
 public:
  Impl(RegistryOptions options, std::unique_ptr<Store> store,
       std::shared_ptr<CatalogConnector> catalogs);

  absl::StatusOr<CreateResult> Create(Technology technology,
                                      std::string_view json);
  absl::StatusOr<ValidateResult> Validate(Technology technology,
                                          std::string_view json);
  absl::StatusOr<HandlerView> GetHandler(Technology technology, HandlerId id,
                                         bool skip_cache);
  absl::StatusOr<UpdateResult> UpdateHandler(Technology technology,
                                             HandlerId id,
                                             std::string_view body,
                                             bool skip_cache);
  absl::StatusOr<BulkResult> BulkUpdate(Technology technology,
                                        std::string_view body);
  absl::StatusOr<std::vector<RefreshOutcome>> Refresh(
      const std::optional<std::vector<HandlerId>>& handler_ids,
      const RefreshProgress& progress);
  absl::StatusOr<DetectChangesResult> DetectRemoteChanges(
      std::string_view body, const RefreshProgress& progress);
  absl::StatusOr<DataSourceRecord> GetDictionary(DataSourceId id);
  absl::StatusOr<DeleteResult> DeleteDataSource(DataSourceId id);

 private:
  payload::ParseOptions ParseOptionsFor(Technology technology) const;
  absl::StatusOr<payload::ParsedCreate> Parse(Technology technology,
                                              std::string_view json) const;
  std::vector<TableKey> PayloadKeys(const CreateRequest& request) const;
  std::vector<size_t> SkipRepeats(const payload::ParsedCreate& parsed,
                                  const std::vector<size_t>& indices,
                                  const std::vector<TableKey>& keys,
                                  std::vector<Warning>& warnings) const;
  absl::StatusOr<std::vector<PlannedEntry>> Resolve(
      const payload::ParsedCreate& parsed, const std::vector<size_t>& indices);
  absl::StatusOr<std::vector<TableDescription>> DescribeGroup(
      const payload::ParsedCreate& parsed, const std::vector<size_t>& members);
  absl::StatusOr<std::vector<NewDataSource>> BuildRecords(
      const payload::ParsedCreate& parsed,
      const std::vector<PlannedEntry>& entries,
      std::vector<Warning>& warnings) const;
  // The handler of `id` if it is of `technology`; NotFound otherwise.
  absl::StatusOr<HandlerRecord> FindHandler(Technology technology,
                                            HandlerId id);
  // Everything Create does after parsing: repeats, catalog, names, store.
  absl::StatusOr<CreateResult> Register(payload::ParsedCreate parsed);

  RegistryOptions options_;
  identity::IdentityOptions identity_;
  std::unique_ptr<Store> store_;
  std::shared_ptr<CatalogConnector> catalogs_;
  registry::Refresher refresher_;
};

}  // namespace dsh

#endif  // DSH_LIB_REGISTRY_REGISTRY_IMPL_H_
