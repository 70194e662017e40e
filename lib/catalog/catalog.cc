#include "dsh/catalog.h"

namespace dsh {

std::string_view RelationKindName(RelationKind kind) {
  switch (kind) {
    case RelationKind::kTable:
      return "table";
    case RelationKind::kPartitionedTable:
      return "partitioned_table";
    case RelationKind::kView:
      return "view";
    case RelationKind::kMaterializedView:
      return "materialized_view";
    case RelationKind::kForeignTable:
      return "foreign_table";
    case RelationKind::kLateBindingView:
      return "late_binding_view";
    case RelationKind::kExternalTable:
      return "external_table";
  }
  return "unknown";
}

}  // namespace dsh
