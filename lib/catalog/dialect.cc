#include "catalog/dialect.h"

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

constexpr CatalogDialect kPostgresql{Technology::kPostgresql, kPostgresSettings,
                                     kPostgresDescribe};

// TODO(#3): a Redshift dialect. Its leader node lacks unnest and WITH
// ORDINALITY, so requests travel differently; late-binding views come from
// pg_get_late_binding_view_cols() filtered on its schema column, and
// external tables from svv_external_columns filtered by schema, each as a
// UNION ALL branch of the same single query with its own kind letter. Until
// then Redshift is read with the PostgreSQL query, which serves servers
// that speak PostgreSQL's catalog but not a real Redshift leader node.
constexpr CatalogDialect kRedshift{Technology::kRedshift, kPostgresSettings,
                                   kPostgresDescribe};

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
  }
  return std::nullopt;
}

}  // namespace catalog_internal
}  // namespace dsh
