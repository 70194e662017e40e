-- A small sample warehouse for the dsh demo: three schemas of a retailer
-- that sells, stocks and staffs. It has what real warehouses have and what
-- trips registration up: a partitioned fact table, a view, a materialized
-- view, a domain and an enum, and names that need quoting (mixed case, a
-- space, non-ASCII). Load it into an empty database:
--
--   psql -v ON_ERROR_STOP=1 -d warehouse -f examples/warehouse.sql
SET client_min_messages = warning;

CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE SCHEMA hr;

CREATE DOMAIN sales.money_amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TYPE sales.order_status AS ENUM ('open', 'shipped', 'cancelled');

-- Sales --------------------------------------------------------------------

CREATE TABLE sales.customers (
  customer_id   integer PRIMARY KEY,
  display_name  character varying(120) NOT NULL,
  email         character varying(254),
  country_code  character(2) NOT NULL,
  signed_up_at  timestamp(3) with time zone NOT NULL DEFAULT now(),
  preferences   jsonb
);

-- The fact table, split by quarter.
CREATE TABLE sales.orders (
  order_id     bigint NOT NULL,
  ordered_on   date NOT NULL,
  customer_id  integer NOT NULL,
  status       sales.order_status NOT NULL DEFAULT 'open',
  total        sales.money_amount NOT NULL,
  tags         text[],
  PRIMARY KEY (order_id, ordered_on)
) PARTITION BY RANGE (ordered_on);
CREATE TABLE sales.orders_2024_q1 PARTITION OF sales.orders
  FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE sales.orders_2024_q2 PARTITION OF sales.orders
  FOR VALUES FROM ('2024-04-01') TO ('2024-07-01');

-- A table whose name holds a space.
CREATE TABLE sales."Order Lines" (
  order_id     bigint NOT NULL,
  line_no      smallint NOT NULL,
  sku          character varying(32) NOT NULL,
  quantity     integer NOT NULL,
  unit_price   numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, line_no)
);

CREATE VIEW sales.revenue_by_country AS
  SELECT c.country_code, count(*) AS orders, sum(o.total) AS revenue
  FROM sales.orders o
  JOIN sales.customers c USING (customer_id)
  WHERE o.status <> 'cancelled'
  GROUP BY c.country_code;

-- Inventory ----------------------------------------------------------------

-- Non-ASCII names: a French site table and an accented column.
CREATE TABLE inventory."entrepôts" (
  site_code    character varying(8) PRIMARY KEY,
  "dénomination" text NOT NULL,
  opened_on    date
);

CREATE TABLE inventory.products (
  sku          character varying(32) PRIMARY KEY,
  title        text NOT NULL,
  weight_kg    real,
  dimensions   double precision[],
  discontinued boolean NOT NULL DEFAULT false
);

CREATE TABLE inventory.stock_moves (
  move_id      bigint PRIMARY KEY,
  sku          character varying(32) NOT NULL,
  site_code    character varying(8) NOT NULL,
  delta        integer NOT NULL,
  moved_at     timestamp without time zone NOT NULL
);

CREATE MATERIALIZED VIEW inventory.stock_levels AS
  SELECT sku, site_code, sum(delta) AS on_hand
  FROM inventory.stock_moves
  GROUP BY sku, site_code;

-- HR: a mixed-case table beside its lower-case twin -----------------------

CREATE TABLE hr."Employees" (
  employee_id  integer PRIMARY KEY,
  full_name    text NOT NULL,
  hired_on     date NOT NULL,
  site_code    character varying(8),
  shift_start  time(0) without time zone,
  badge        uuid
);

-- Rows kept for audit after a reorganisation; not the same table.
CREATE TABLE hr.employees (
  employee_id  integer NOT NULL,
  archived_at  timestamp with time zone NOT NULL
);

-- A few rows -----------------------------------------------------------------

INSERT INTO sales.customers
  (customer_id, display_name, email, country_code, preferences) VALUES
  (1, 'Ada Byrne', 'ada@example.com', 'IE', '{"newsletter": true}'),
  (2, 'Kenji Mori', NULL, 'JP', NULL),
  (3, 'Lucía Ortega', 'lucia@example.org', 'ES', '{"newsletter": false}');

INSERT INTO sales.orders VALUES
  (1001, '2024-02-11', 1, 'shipped', 42.50, '{gift}'),
  (1002, '2024-03-30', 2, 'cancelled', 18.00, NULL),
  (1003, '2024-05-02', 3, 'open', 120.75, '{bulk,priority}');

INSERT INTO sales."Order Lines" VALUES
  (1001, 1, 'MUG-01', 2, 12.25),
  (1001, 2, 'TEA-07', 1, 18.00),
  (1003, 1, 'KETTLE-3', 1, 120.75);

INSERT INTO inventory."entrepôts" VALUES
  ('DUB1', 'Dublin Port', '2019-06-01'),
  ('LYO2', 'Lyon Saint-Priest', '2021-09-15');

INSERT INTO inventory.products VALUES
  ('MUG-01', 'Stoneware mug', 0.35, '{9.5,8.0,8.0}', false),
  ('TEA-07', 'Sencha, 100 g', 0.12, NULL, false),
  ('KETTLE-3', 'Gooseneck kettle', 1.10, '{30,16,22}', true);

INSERT INTO inventory.stock_moves VALUES
  (1, 'MUG-01', 'DUB1', 40, '2024-01-05 09:00'),
  (2, 'MUG-01', 'DUB1', -2, '2024-02-11 14:20'),
  (3, 'KETTLE-3', 'LYO2', 5, '2024-04-20 08:45');

INSERT INTO hr."Employees" VALUES
  (7, 'Noor Haddad', '2020-03-01', 'DUB1', '08:00', NULL),
  (9, 'Pierre Lemaire', '2022-11-14', 'LYO2', '06:30', NULL);

INSERT INTO hr.employees VALUES (3, '2023-12-31 17:00+00');

REFRESH MATERIALIZED VIEW inventory.stock_levels;
