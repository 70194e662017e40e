-- Relations whose names, types and shapes make catalog reads go wrong when
-- they cut corners. Loaded into its own database by dsh_catalog_test; the
-- test's expectations name these objects, so change both together.
SET client_min_messages = warning;

-- Twins that differ only in case, in the table and in the schema part.
CREATE SCHEMA shop;
CREATE SCHEMA "Shop";
CREATE TABLE shop."Orders" (
  id integer PRIMARY KEY,
  "Total" numeric(12,2) NOT NULL
);
CREATE TABLE shop.orders (
  order_id bigint NOT NULL,
  note character varying(256),
  placed_at timestamp(3) with time zone,
  PRIMARY KEY (order_id)
);
CREATE TABLE "Shop".orders (legacy_id integer);
-- Found only by ignoring case: there is no lower-case twin.
CREATE TABLE shop."Customers" (customer_id integer NOT NULL, name text);

-- The same table name in a schema on the search path and one off it.
CREATE TABLE public.orders (public_id smallint);

-- A dropped column between two live ones; a table with no columns left.
CREATE TABLE shop.dropped (first_col integer, gone text, last_col date);
ALTER TABLE shop.dropped DROP COLUMN gone;
CREATE TABLE shop.hollow ();

-- Types with modifiers, arrays, domains (one over another), an enum, a
-- composite and a range.
CREATE DOMAIN shop.amount AS numeric(10,2) CHECK (VALUE > 0);
CREATE DOMAIN shop.refund AS shop.amount;
CREATE TYPE shop.mood AS ENUM ('calm', 'cross');
CREATE TYPE shop.money_pair AS (low numeric, high numeric);
CREATE TABLE shop.kinds (
  tags text[],
  grid integer[][],
  codes character varying(20)[],
  price shop.amount NOT NULL,
  refund shop.refund,
  feeling shop.mood,
  feelings shop.mood[],
  pair shop.money_pair,
  span int4range,
  doc jsonb,
  ident uuid,
  stamp timestamp(3) with time zone,
  clock time(2) without time zone,
  wait interval day to second(3),
  flags bit varying(5),
  code character(3),
  ratio double precision,
  blob bytea
);

-- Every relation kind the PostgreSQL dialect reads.
CREATE TABLE shop.events (
  id bigint,
  happened date NOT NULL,
  payload json,
  PRIMARY KEY (id, happened)
) PARTITION BY RANGE (happened);
CREATE TABLE shop.events_2024 PARTITION OF shop.events
  FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW shop.order_notes AS
  SELECT order_id, note FROM shop.orders;
CREATE MATERIALIZED VIEW shop.order_count AS
  SELECT count(*) AS orders FROM shop.orders;
CREATE EXTENSION file_fdw;
CREATE SERVER local_files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE shop.imported (line text NOT NULL)
  SERVER local_files OPTIONS (filename '/dev/null');
-- Not a relation kind a data source can use.
CREATE SEQUENCE shop.order_numbers;

-- Names that need quoting: non-ASCII, dots, quotes and spaces.
CREATE SCHEMA "Größe";
CREATE TABLE "Größe"."Maß €" ("Straße" text, "naïve" integer PRIMARY KEY);
CREATE SCHEMA "odd.schema";
CREATE TABLE "odd.schema"."a.b" ("x.y" integer);
CREATE TABLE "odd.schema"."say ""hi""" ("it's" text, "two words" text);
