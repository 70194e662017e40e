// An in-memory catalog for tests and for hosts without a database: tables
// are added by hand and described with the same resolution rules as the real
// catalog.
#ifndef DSH_MEMORY_CATALOG_H_
#define DSH_MEMORY_CATALOG_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dsh/catalog.h"
#include "dsh/export.h"

namespace dsh {

// Shared state of the memory catalog; connectors and catalogs made from it
// see later changes. Thread-safe.
class DSH_EXPORT MemoryCatalogConnector : public CatalogConnector {
 public:
  MemoryCatalogConnector();
  ~MemoryCatalogConnector() override;

  // Adds or replaces a relation in the database `host:port/database`.
  // `host` is compared exactly, so tests use the canonical host.
  void PutTable(const ConnectionString& database, const TableRef& name,
                std::vector<Column> columns,
                RelationKind kind = RelationKind::kTable);
  void DropTable(const ConnectionString& database, const TableRef& name);

  // Makes every later Connect, DescribeTables or ListTables fail with
  // `status`; OkStatus() clears it. A failed call is still counted.
  void FailConnect(absl::Status status);
  void FailDescribe(absl::Status status);
  void FailList(absl::Status status);

  // How many calls were made, failed ones included. One DescribeTables or
  // ListTables call is one round trip.
  int connect_calls() const;
  int describe_calls() const;
  int list_calls() const;

  // Catalogs opened and not yet destroyed: the connections a real server
  // would hold open.
  int open_catalogs() const;

  absl::StatusOr<std::unique_ptr<Catalog>> Connect(
      const ConnectionSettings& settings) override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace dsh

#endif  // DSH_MEMORY_CATALOG_H_
