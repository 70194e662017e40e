-- Redshift's catalog, as far as the Redshift dialect reads it, rebuilt on
-- PostgreSQL 15 so that the dialect's real statements travel over the real
-- wire: pg_get_late_binding_view_cols() and svv_external_columns under
-- their Redshift names, in pg_catalog where Redshift keeps them, with
-- Redshift's column layouts; Redshift's own types as domains in pg_catalog,
-- so that format_type prints their bare names as Redshift does. Loaded by
-- a superuser into a database of its own (it changes that database's
-- pg_catalog). redshift_catalog_test.cc names these objects: change both
-- together.
SET client_min_messages = warning;

-- What the two record sets read, outside pg_catalog.
CREATE SCHEMA redshift_fake;
CREATE TABLE redshift_fake.late_binding_view_cols (
  view_schema name,
  view_name name,
  col_name name,
  col_type varchar,
  col_num int
);
CREATE TABLE redshift_fake.external_columns (
  redshift_database_name text,
  schemaname text,
  tablename text,
  columnname text,
  external_type text,
  columnnum integer,
  part_key integer,
  is_nullable text
);
-- Whether pg_get_late_binding_view_cols() takes a second to answer.
CREATE TABLE redshift_fake.slow (slow boolean);
GRANT USAGE ON SCHEMA redshift_fake TO PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA redshift_fake TO PUBLIC;

-- Redshift's is a leader-node function returning a record set, called with
-- a column definition list; so is this one.
CREATE FUNCTION pg_catalog.pg_get_late_binding_view_cols()
  RETURNS SETOF record
  LANGUAGE sql STABLE
  AS $$
    SELECT pg_catalog.pg_sleep(1) FROM redshift_fake.slow WHERE slow;
    SELECT view_schema, view_name, col_name, col_type, col_num
    FROM redshift_fake.late_binding_view_cols;
  $$;

-- PostgreSQL refuses new relations in pg_catalog unless told otherwise.
SET allow_system_table_mods = on;
CREATE VIEW pg_catalog.svv_external_columns AS
  SELECT redshift_database_name, schemaname, tablename, columnname,
         external_type, columnnum, part_key, is_nullable
  FROM redshift_fake.external_columns;
RESET allow_system_table_mods;
GRANT SELECT ON pg_catalog.svv_external_columns TO PUBLIC;

-- Redshift types PostgreSQL does not have.
CREATE DOMAIN pg_catalog.super AS jsonb;
CREATE DOMAIN pg_catalog.varbyte AS bytea;
CREATE DOMAIN pg_catalog.geometry AS bytea;
CREATE DOMAIN pg_catalog.geography AS bytea;
CREATE DOMAIN pg_catalog.hllsketch AS text;

-- Local tables and views, read from pg_class and pg_attribute. Primary
-- keys on Redshift are informational: pg_constraint holds them.
CREATE SCHEMA sales;
CREATE TABLE sales.orders (
  order_id bigint NOT NULL,
  note character varying(256),
  total numeric(12,2) NOT NULL,
  placed timestamp without time zone,
  PRIMARY KEY (order_id)
);
CREATE TABLE sales.documents (
  doc_id integer PRIMARY KEY,
  body super,
  raw varbyte,
  shape geometry,
  place geography,
  visitors hllsketch,
  opened time with time zone,
  stamped timestamp with time zone
);
CREATE VIEW sales.big_orders AS
  SELECT order_id, total FROM sales.orders WHERE total > 1000;

-- Late-binding views. Redshift lists them in pg_class like other views,
-- but only the function knows their columns: each has a placeholder view
-- without columns here, and stale_feed one whose pg_attribute disagrees
-- with the function (the function is right).
CREATE VIEW sales.order_feed AS SELECT;
CREATE VIEW sales.stale_feed AS SELECT 1 AS stale_column;
CREATE SCHEMA archive;
CREATE VIEW archive.order_feed AS SELECT;
-- Case twins, as on a cluster with enable_case_sensitive_identifier.
CREATE SCHEMA reports;
CREATE VIEW reports."Daily" AS SELECT;
CREATE VIEW reports.daily AS SELECT;
CREATE VIEW reports."Weekly" AS SELECT;

-- Out of order on purpose: col_num decides.
INSERT INTO redshift_fake.late_binding_view_cols VALUES
  ('sales', 'order_feed', 'placed', 'timestamp without time zone', 4),
  ('archive', 'order_feed', 'archived_id', 'integer', 1),
  ('sales', 'order_feed', 'order_id', 'bigint', 1),
  ('reports', 'daily', 'visits', 'hllsketch', 2),
  ('sales', 'order_feed', 'details', 'super', 3),
  ('reports', 'Daily', 'Day', 'date', 1),
  ('sales', 'order_feed', 'note', 'character varying(256)', 2),
  ('sales', 'stale_feed', 'fresh_column', 'integer', 1),
  ('reports', 'daily', 'day', 'date', 1),
  ('sales', 'order_feed', 'region', 'geography', 5),
  ('reports', 'Weekly', 'week', 'smallint', 1);

-- External schemas are in pg_namespace; their tables are not in pg_class.
CREATE SCHEMA spectrum;
CREATE SCHEMA spectrum_archive;

-- Spectrum type names as svv_external_columns prints them. Out of order
-- on purpose; the partition keys' column numbers would put them first,
-- but Spectrum returns them after the other columns, in key order.
-- is_nullable is 'true', 'false' or '' (unknown).
INSERT INTO redshift_fake.external_columns VALUES
  ('redshift', 'spectrum', 'clicks', 'url', 'string', 2, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'month', 'int', 0, 2, 'false'),
  ('redshift', 'spectrum', 'clicks', 'click_id', 'bigint', 1, 0, 'false'),
  ('redshift', 'spectrum', 'clicks', 'price', 'decimal(8,2)', 3, 0, ''),
  ('redshift', 'spectrum', 'clicks', 'ratio', 'double', 4, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'flagged', 'boolean', 5, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'tiny', 'tinyint', 6, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'code', 'char(3)', 7, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'label', 'varchar(20)', 8, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'day', 'date', 9, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'seen', 'timestamp', 10, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'small', 'smallint', 11, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'f', 'float', 12, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'r', 'real', 13, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'n', 'int', 14, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'attrs', 'struct<a:int,b:string>', 15,
   0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'tags', 'array<string>', 16, 0, 'true'),
  ('redshift', 'spectrum', 'clicks', 'year', 'int', 0, 1, 'false'),
  ('redshift', 'spectrum', 'PageViews', 'page', 'string', 1, 0, 'true'),
  ('redshift', 'spectrum_archive', 'clicks', 'old_id', 'bigint', 1, 0,
   'true'),
  -- Another database's table, as cross-database queries show them: not
  -- this database's, whatever its schema.
  ('elsewhere', 'sales', 'orders', 'foreign_id', 'int', 1, 0, 'true'),
  ('elsewhere', 'spectrum', 'clicks', 'foreign_id', 'int', 1, 0, 'true'),
  ('elsewhere', 'spectrum', 'remote_only', 'foreign_id', 'int', 1, 0,
   'true');
