// A CatalogConnector over a host's describe_tables / list_tables callbacks.
#ifndef DSH_CAPI_HOST_CATALOG_H_
#define DSH_CAPI_HOST_CATALOG_H_

#include <memory>

#include "dsh/c.h"
#include "dsh/catalog.h"

namespace dsh::capi {

// `host` is copied; its describe_tables must not be NULL. Connect never
// calls the host: the connection settings (less the password and CA) go
// with every request instead. A callback's non-OK status becomes a status
// of the matching absl code whose message is the host's text, unchanged.
std::shared_ptr<CatalogConnector> NewHostCatalogConnector(const dsh_host& host);

}  // namespace dsh::capi

#endif  // DSH_CAPI_HOST_CATALOG_H_
