// Validates and registers one table through an installed dsh, with the
// memory store and the memory catalog, so no database is needed.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "dsh/dsh.h"

namespace {

constexpr char kPayload[] = R"({
  "handler": [{"metadata": {
    "hostname": "warehouse.example.io", "port": 5439, "database": "dev",
    "username": "analyst", "password": "not-printed", "ssl": false,
    "schema": "sales", "table": "orders"}}],
  "dataSource": {"blobHandler": {"scheme": "https", "url": ""},
                 "blobHandlerType": "Redshift", "recordFormat": "",
                 "type": "queryable"}})";

dsh::Column IntegerColumn(std::string name) {
  dsh::Column column;
  column.name = std::move(name);
  column.remote_type = "integer";
  return column;
}

}  // namespace

int main() {
  auto catalogs = std::make_shared<dsh::MemoryCatalogConnector>();
  catalogs->PutTable({"warehouse.example.io", 5439, "dev"}, {"sales", "orders"},
                     {IntegerColumn("id"), IntegerColumn("quantity")});
  dsh::Registry registry(dsh::RegistryOptions(), dsh::NewMemoryStore(),
                         catalogs);

  absl::StatusOr<dsh::ValidateResult> validated =
      registry.Validate(dsh::Technology::kRedshift, kPayload);
  if (!validated.ok()) {
    std::cout << "validate failed: " << dsh::ErrorCodeName(validated.status())
              << "\n";
    return 1;
  }
  std::cout << "validated " << validated->connection_string << " with "
            << validated->warnings.size() << " warnings\n";

  absl::StatusOr<dsh::CreateResult> created =
      registry.Create(dsh::Technology::kRedshift, kPayload);
  if (!created.ok()) {
    std::cout << "create failed: " << dsh::ErrorCodeName(created.status())
              << "\n";
    return 1;
  }
  std::cout << "created " << created->created.size() << " data source\n";

  absl::StatusOr<dsh::ValidateResult> malformed =
      registry.Validate(dsh::Technology::kRedshift, "{\"handler\": ");
  std::cout << "malformed payload: " << dsh::ErrorCodeName(malformed.status())
            << "\n";
  return 0;
}
