#include "dsh/registry.h"

#include <utility>

#include "registry/registry_impl.h"

namespace dsh {

Registry::Impl::Impl(RegistryOptions options, std::unique_ptr<Store> store,
                     std::shared_ptr<CatalogConnector> catalogs)
    : options_(std::move(options)),
      store_(std::move(store)),
      catalogs_(NewPooledCatalogConnector(std::move(catalogs), options_.pool)),
      refresher_(*store_, catalogs_, options_) {
  identity_.case_sensitive_identifiers = options_.case_sensitive_identifiers;
  identity_.host_aliases = options_.host_aliases;
}

Registry::Registry(RegistryOptions options, std::unique_ptr<Store> store,
                   std::shared_ptr<CatalogConnector> catalogs)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(store),
                                   std::move(catalogs))) {}

Registry::~Registry() = default;

absl::StatusOr<CreateResult> Registry::Create(Technology technology,
                                              std::string_view payload_json) {
  return impl_->Create(technology, payload_json);
}

absl::StatusOr<ValidateResult> Registry::Validate(
    Technology technology, std::string_view payload_json) {
  return impl_->Validate(technology, payload_json);
}

absl::StatusOr<HandlerView> Registry::GetHandler(Technology technology,
                                                 HandlerId id,
                                                 bool skip_cache) {
  return impl_->GetHandler(technology, id, skip_cache);
}

absl::StatusOr<UpdateResult> Registry::UpdateHandler(Technology technology,
                                                     HandlerId id,
                                                     std::string_view body,
                                                     bool skip_cache) {
  return impl_->UpdateHandler(technology, id, body, skip_cache);
}

absl::StatusOr<BulkResult> Registry::BulkUpdate(Technology technology,
                                                std::string_view body) {
  return impl_->BulkUpdate(technology, body);
}

absl::StatusOr<std::vector<RefreshOutcome>> Registry::Refresh(
    const std::optional<std::vector<HandlerId>>& handler_ids,
    const RefreshProgress& progress) {
  return impl_->Refresh(handler_ids, progress);
}

absl::StatusOr<DetectChangesResult> Registry::DetectRemoteChanges(
    std::string_view body, const RefreshProgress& progress) {
  return impl_->DetectRemoteChanges(body, progress);
}

absl::StatusOr<DataSourceRecord> Registry::GetDictionary(DataSourceId id) {
  return impl_->GetDictionary(id);
}

absl::StatusOr<DeleteResult> Registry::DeleteDataSource(DataSourceId id) {
  return impl_->DeleteDataSource(id);
}

}  // namespace dsh
