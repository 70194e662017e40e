#include "catalog/dialect.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "model/absl_compat.h"

namespace dsh {
namespace catalog_internal {
namespace {

// Every session reads with search_path set to pg_catalog alone, so that
// neither a hostile schema nor the login's own settings change what a name
// in the query means, and format_type prints a user type the same way for
// every login ("public.year", schema-qualified). Every statement runs in a
// read-only transaction of its own: the describe query is a single
// statement, so it sees one snapshot, costs one round trip, and cannot
// write.
constexpr std::string_view kPostgresSettings =
    "-c search_path=pg_catalog -c default_transaction_read_only=on";

// Reads pg_catalog only: information_schema drops type modifiers, hides
// materialized views and columns the login may not select, and is slow.
// Names arrive as parameters and are compared under the "C" collation, so
// that case folding is ASCII-only, as for unquoted identifiers.
constexpr std::string_view kPostgresDescribe = R"sql(
WITH RECURSIVE
requested (request, schema_name, table_name) AS (
  SELECT r.request, r.schema_name COLLATE pg_catalog."C",
         r.table_name COLLATE pg_catalog."C"
  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]),
                  pg_catalog.unnest($2::pg_catalog.text[]))
       WITH ORDINALITY AS r (schema_name, table_name, request)
),
candidate AS (
  SELECT q.request, c.oid, n.nspname, c.relname, c.relkind,
         n.nspname = q.schema_name AND c.relname = q.table_name AS exact
  FROM requested q
  JOIN pg_catalog.pg_namespace n
    ON pg_catalog.lower(n.nspname) = pg_catalog.lower(q.schema_name)
  JOIN pg_catalog.pg_class c
    ON c.relnamespace = n.oid
   AND pg_catalog.lower(c.relname) = pg_catalog.lower(q.table_name)
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
),
ranked AS (
  SELECT k.*,
         k.exact OR (NOT pg_catalog.bool_or(k.exact) OVER w
                     AND pg_catalog.count(*) OVER w = 1) AS chosen
  FROM candidate k
  WINDOW w AS (PARTITION BY k.request)
),
domain_chain (domain_oid, base_oid) AS (
  SELECT t.oid, t.typbasetype FROM pg_catalog.pg_type t WHERE t.typtype = 'd'
  UNION ALL
  SELECT d.domain_oid, t.typbasetype
  FROM domain_chain d
  JOIN pg_catalog.pg_type t ON t.oid = d.base_oid AND t.typtype = 'd'
),
domain_base AS (
  SELECT d.domain_oid, d.base_oid
  FROM domain_chain d
  JOIN pg_catalog.pg_type t ON t.oid = d.base_oid AND t.typtype <> 'd'
)
SELECT k.request, k.nspname::pg_catalog.text, k.relname::pg_catalog.text,
       k.relkind, k.chosen,
       a.attname::pg_catalog.text,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       EXISTS (SELECT FROM pg_catalog.pg_index i
               WHERE i.indrelid = a.attrelid AND i.indisprimary
                 AND a.attnum = ANY (i.indkey)),
       pg_catalog.format_type(b.oid,
                              CASE WHEN db.base_oid IS NULL
                                   THEN a.atttypmod END),
       b.typtype
FROM ranked k
LEFT JOIN pg_catalog.pg_attribute a
  ON k.chosen AND a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN domain_base db ON db.domain_oid = a.atttypid
LEFT JOIN pg_catalog.pg_type b
  ON b.oid = COALESCE(db.base_oid, a.atttypid)
ORDER BY k.request, k.nspname, k.relname, a.attnum
)sql";

constexpr std::string_view kPostgresList = R"sql(
SELECT n.nspname::pg_catalog.text, c.relname::pg_catalog.text
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
WHERE n.nspname = ANY ($1::pg_catalog.text[])
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
)sql";

// A text[] literal: every element double-quoted, with backslash and
// double quote escaped, so that any name survives.
std::string ArrayLiteral(const std::vector<std::string_view>& items) {
  std::string literal = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

Statement PostgresDescribe(absl::Span<const TableRef> tables) {
  std::vector<std::string_view> schemas;
  std::vector<std::string_view> names;
  for (const TableRef& table : tables) {
    schemas.push_back(table.schema);
    names.push_back(table.table);
  }
  return {std::string(kPostgresDescribe),
          {ArrayLiteral(schemas), ArrayLiteral(names)}};
}

Statement PostgresList(absl::Span<const std::string> schemas) {
  return {std::string(kPostgresList),
          {ArrayLiteral({schemas.begin(), schemas.end()})}};
}

// PostgreSQL keeps 63 bytes of a name (NAMEDATALEN - 1). Arrays carry any
// number of names in two parameters.
constexpr CatalogDialect kPostgresql{
    Technology::kPostgresql,
    kPostgresSettings,
    /*max_name_bytes=*/63,
    /*max_names_per_statement=*/std::numeric_limits<size_t>::max(),
    PostgresDescribe,
    PostgresList};

// Redshift's leader node is PostgreSQL 8.0 with its own additions: no
// arrays as parameters, no unnest or WITH ORDINALITY, no COLLATE clause,
// no default_transaction_read_only. Its statements therefore send each
// distinct name as a parameter of its own, compare names through
// pg_catalog.lower on both sides (which folds at least ASCII letters,
// whatever the server's locale), and return every candidate relation's
// columns: the catalog then applies the resolution rules itself.
constexpr std::string_view kRedshiftSettings = "-c search_path=pg_catalog";

// Late-binding views are views in pg_class whose columns pg_attribute
// does not know; pg_get_late_binding_view_cols() binds them and says. A
// relation it names is read from it alone. External tables are not in
// pg_class at all: svv_external_columns holds them, partition keys after
// the other columns, in key order (a table has at most 1,600 columns).
// Both record sets are filtered on their own schema and name columns;
// svv_external_columns also shows other databases' tables to
// cross-database queries, so it is filtered on the database too.
// `@S` stands for the lowered schema parameters and `@T` for the lowered
// table parameters.
constexpr std::string_view kRedshiftDescribe = R"sql(
WITH
late_binding AS (
  SELECT l.view_schema, l.view_name, l.col_name, l.col_type, l.col_num
  FROM pg_catalog.pg_get_late_binding_view_cols()
       AS l (view_schema name, view_name name, col_name name,
             col_type varchar, col_num int)
  WHERE pg_catalog.lower(l.view_schema) IN (@S)
    AND pg_catalog.lower(l.view_name) IN (@T)
),
local_relation AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind
  FROM pg_catalog.pg_namespace n
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
  WHERE pg_catalog.lower(n.nspname) IN (@S)
    AND pg_catalog.lower(c.relname) IN (@T)
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND NOT EXISTS (SELECT 1 FROM late_binding l
                    WHERE l.view_schema = n.nspname
                      AND l.view_name = c.relname)
),
described AS (
  SELECT r.nspname::varchar AS schema_name,
         r.relname::varchar AS table_name,
         r.relkind AS kind,
         a.attnum::int AS position,
         a.attname::varchar AS column_name,
         pg_catalog.format_type(a.atttypid, a.atttypmod) AS column_type,
         a.attnotnull AS not_null,
         EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                 WHERE k.conrelid = r.oid AND k.contype = 'p'
                   AND a.attnum = ANY (k.conkey)) AS is_primary,
         t.typtype AS base_kind
  FROM local_relation r
  LEFT JOIN pg_catalog.pg_attribute a
    ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  UNION ALL
  SELECT l.view_schema::varchar, l.view_name::varchar, 'l', l.col_num,
         l.col_name::varchar, l.col_type, false, false, NULL
  FROM late_binding l
  UNION ALL
  SELECT e.schemaname::varchar, e.tablename::varchar, 'e',
         CASE WHEN e.part_key > 0 THEN 100000 + e.part_key
              ELSE e.columnnum END,
         e.columnname::varchar, e.external_type,
         COALESCE(e.is_nullable = 'false', false), false, NULL
  FROM pg_catalog.svv_external_columns e
  WHERE pg_catalog.lower(e.schemaname) IN (@S)
    AND pg_catalog.lower(e.tablename) IN (@T)
    AND e.redshift_database_name = pg_catalog.current_database()
)
SELECT NULL::bigint, d.schema_name, d.table_name, d.kind, NULL::boolean,
       d.column_name, d.column_type, d.not_null, d.is_primary,
       d.column_type, d.base_kind
FROM described d
ORDER BY d.schema_name, d.table_name, d.kind, d.position
)sql";

// The same three sources as the describe statement, so that a name listed
// is a name described. `@S` stands for the schema parameters, as given.
constexpr std::string_view kRedshiftList = R"sql(
SELECT n.nspname::varchar, c.relname::varchar
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
WHERE n.nspname IN (@S)
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION
SELECT l.view_schema::varchar, l.view_name::varchar
FROM pg_catalog.pg_get_late_binding_view_cols()
     AS l (view_schema name, view_name name, col_name name,
           col_type varchar, col_num int)
WHERE l.view_schema IN (@S)
UNION
SELECT e.schemaname::varchar, e.tablename::varchar
FROM pg_catalog.svv_external_columns e
WHERE e.schemaname IN (@S)
  AND e.redshift_database_name = pg_catalog.current_database()
)sql";

// Appends each name of `names` to `parameters` once and returns the list
// of placeholders for them, each wrapped as `wrap` says ("%" is the
// placeholder).
std::string Placeholders(const std::vector<std::string>& names,
                         std::string_view wrap,
                         std::vector<std::string>& parameters) {
  std::vector<std::string> placeholders;
  for (const std::string& name : names) {
    parameters.push_back(name);
    placeholders.push_back(absl::StrReplaceAll(
        AsAbsl(wrap), {{"%", absl::StrCat("$", parameters.size())}}));
  }
  return absl::StrJoin(placeholders, ", ");
}

// `names` once each, in the order first seen.
std::vector<std::string> Distinct(std::vector<std::string> names) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  for (std::string& name : names) {
    if (seen.insert(name).second) out.push_back(std::move(name));
  }
  return out;
}

Statement RedshiftDescribe(absl::Span<const TableRef> tables) {
  std::vector<std::string> schemas;
  std::vector<std::string> names;
  for (const TableRef& table : tables) {
    schemas.push_back(table.schema);
    names.push_back(table.table);
  }
  Statement statement;
  constexpr std::string_view kLowered = "pg_catalog.lower(%::varchar)";
  const std::string s = Placeholders(Distinct(std::move(schemas)), kLowered,
                                     statement.parameters);
  const std::string t =
      Placeholders(Distinct(std::move(names)), kLowered, statement.parameters);
  statement.text =
      absl::StrReplaceAll(AsAbsl(kRedshiftDescribe), {{"@S", s}, {"@T", t}});
  return statement;
}

Statement RedshiftList(absl::Span<const std::string> schemas) {
  Statement statement;
  const std::string s = Placeholders(Distinct({schemas.begin(), schemas.end()}),
                                     "%::varchar", statement.parameters);
  statement.text = absl::StrReplaceAll(AsAbsl(kRedshiftList), {{"@S", s}});
  return statement;
}

// Redshift keeps names of up to 127 bytes. A statement carries at most
// twice this many parameters, far below the protocol's 32,767, and its
// IN lists stay cheap to plan.
constexpr CatalogDialect kRedshift{Technology::kRedshift,
                                   kRedshiftSettings,
                                   /*max_name_bytes=*/127,
                                   /*max_names_per_statement=*/4000,
                                   RedshiftDescribe,
                                   RedshiftList};

}  // namespace

const CatalogDialect& DialectFor(Technology technology) {
  return technology == Technology::kRedshift ? kRedshift : kPostgresql;
}

std::optional<RelationKind> RelationKindOf(char kind) {
  switch (kind) {
    case 'r':
      return RelationKind::kTable;
    case 'p':
      return RelationKind::kPartitionedTable;
    case 'v':
      return RelationKind::kView;
    case 'm':
      return RelationKind::kMaterializedView;
    case 'f':
      return RelationKind::kForeignTable;
    case 'l':
      return RelationKind::kLateBindingView;
    case 'e':
      return RelationKind::kExternalTable;
  }
  return std::nullopt;
}

}  // namespace catalog_internal
}  // namespace dsh
