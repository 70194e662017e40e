// What the PostgreSQL catalog says differently to PostgreSQL and to
// Redshift. A dialect is data: the settings a catalog session starts with
// and the one query that describes every requested table.
#ifndef DSH_LIB_CATALOG_DIALECT_H_
#define DSH_LIB_CATALOG_DIALECT_H_

#include <optional>
#include <string_view>

#include "dsh/catalog.h"
#include "dsh/model.h"

namespace dsh {
namespace catalog_internal {

// The columns every describe query returns, in this order. One row per
// candidate relation (a relation whose schema and table match a request
// ignoring ASCII case) and, for the chosen candidate of each request, one
// row per column instead:
//   request   bigint   1-based index into the requested tables
//   schema    text     the relation's schema, as stored
//   table     text     the relation's name, as stored
//   kind      "char"   pg_class.relkind, or a dialect's own letter
//   chosen    boolean  the exact match, else the only candidate
//   column    text     NULL on a candidate row or for a relation with no
//                      columns; the rest below are then NULL too
//   type      text     format_type of the column's type and modifier
//   not_null  boolean
//   primary   boolean  member of the primary key
//   base      text     format_type of the type under any domains
//   base_kind "char"   pg_type.typtype of that base type
enum DescribeColumn {
  kRequestColumn,
  kSchemaColumn,
  kTableColumn,
  kKindColumn,
  kChosenColumn,
  kNameColumn,
  kTypeColumn,
  kNotNullColumn,
  kPrimaryColumn,
  kBaseColumn,
  kBaseKindColumn,
  kDescribeColumnCount,
};

struct CatalogDialect {
  Technology technology;
  // `-c name=value` settings for the connection's `options`, besides the
  // statement timeout. Values hold no spaces or quotes.
  std::string_view session_settings;
  // Takes $1 (text[] of schemas) and $2 (text[] of tables), same length.
  std::string_view describe_query;
};

const CatalogDialect& DialectFor(Technology technology);

// The relation kind a describe query's `kind` letter stands for.
std::optional<RelationKind> RelationKindOf(char kind);

}  // namespace catalog_internal
}  // namespace dsh

#endif  // DSH_LIB_CATALOG_DIALECT_H_
