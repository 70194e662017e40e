// What the PostgreSQL catalog says differently to PostgreSQL and to
// Redshift. A dialect is data: the settings a catalog session starts with,
// the limits of the database's names, and how to build the statement that
// describes tables and the one that lists them.
#ifndef DSH_LIB_CATALOG_DIALECT_H_
#define DSH_LIB_CATALOG_DIALECT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "dsh/catalog.h"
#include "dsh/model.h"

namespace dsh {
namespace catalog_internal {

// The columns every describe statement returns, in this order. One row per
// relation the statement found for a request and, when the relation has
// columns, one row per column instead:
//   request   bigint   1-based index into the requested tables, or NULL
//                      when the row answers every request whose names
//                      match its relation ignoring ASCII case
//   schema    text     the relation's schema, as stored
//   table     text     the relation's name, as stored
//   kind      "char"   pg_class.relkind, or a dialect's own letter
//   chosen    boolean  the statement's own pick for the request: the exact
//                      match, else the only candidate (NULL when the
//                      statement does not pick)
//   column    text     NULL on a row without a column; the rest below are
//                      then NULL too
//   type      text     the column's type as the database prints it
//   not_null  boolean
//   primary   boolean  member of the primary key
//   base      text     the type under any domains, printed the same way
//   base_kind "char"   pg_type.typtype of that base type, or NULL
// Rows of one relation are adjacent, its columns in position order.
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

// The columns a list statement returns: schema and table, as stored. The
// order of the rows does not matter.
enum ListColumn { kListSchemaColumn, kListTableColumn, kListColumnCount };

// SQL text and its parameters, every one sent as text.
struct Statement {
  std::string text;
  std::vector<std::string> parameters;
};

struct CatalogDialect {
  Technology technology;
  // `-c name=value` settings for the connection's `options`, besides the
  // statement timeout. Values hold no spaces or quotes.
  std::string_view session_settings;
  // The longest name, in bytes, that the database keeps. A longer name
  // cannot be one it stores.
  size_t max_name_bytes;
  // How many requested tables, or schemas, one statement may carry; more
  // are asked in several statements.
  size_t max_names_per_statement;
  // Builds the statement describing `tables`. Every name holds no NUL and
  // fits `max_name_bytes`; there are at most `max_names_per_statement`.
  Statement (*describe)(absl::Span<const TableRef> tables);
  // Builds the statement listing the relations of `schemas`, with the
  // same promises.
  Statement (*list)(absl::Span<const std::string> schemas);
};

const CatalogDialect& DialectFor(Technology technology);

// The relation kind a describe statement's `kind` letter stands for.
std::optional<RelationKind> RelationKindOf(char kind);

}  // namespace catalog_internal
}  // namespace dsh

#endif  // DSH_LIB_CATALOG_DIALECT_H_
