-- Read models of the disputes and risk consoles and the operations dashboard
-- (docs/adr/0019-dashboard-read-models.md). Written by hand: everything lives in the schema
-- `read_models`, which Prisma does not manage (its datamodel is `public` only), so `prisma migrate
-- diff` and tests/migrations.test.ts ignore it. Consoles read these tables, never a scan of the
-- ledger or of orders per request.
--
-- Counters are kept with delta tables: statement-level triggers on the source tables append one
-- aggregated row per (org, currency) or (seller, hour) per statement, without touching any shared
-- row (no hot-row lock between concurrent writers of one seller); the dashboard's minute job folds
-- the deltas into the read models (DELETE ... RETURNING, so a delta still uncommitted is folded next
-- time, never lost or counted twice).

CREATE SCHEMA IF NOT EXISTS read_models;

-- ---- seller (any org) ledger balances: the negative balance exposure of the risk console
CREATE TABLE read_models.org_balances (
    org_id INTEGER NOT NULL,
    currency VARCHAR(3) NOT NULL,
    balance BIGINT NOT NULL,
    entries BIGINT NOT NULL,
    updated_at TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT org_balances_pkey PRIMARY KEY (org_id, currency)
);
-- The exposure list and its sum read only the negative ones.
CREATE INDEX org_balances_negative_idx ON read_models.org_balances (currency, balance) WHERE balance < 0;

CREATE TABLE read_models.org_balance_deltas (
    id BIGSERIAL PRIMARY KEY,
    org_id INTEGER NOT NULL,
    currency VARCHAR(3) NOT NULL,
    amount BIGINT NOT NULL,
    entries BIGINT NOT NULL
);

CREATE FUNCTION read_models.ledger_balance_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO read_models.org_balance_deltas (org_id, currency, amount, entries)
    SELECT org_id, currency, sum(amount), count(*) FROM new_rows GROUP BY org_id, currency;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO read_models.org_balance_deltas (org_id, currency, amount, entries)
    SELECT org_id, currency, -sum(amount), -count(*) FROM old_rows GROUP BY org_id, currency;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER ledger_entries_balance_insert AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.ledger_balance_deltas();
CREATE TRIGGER ledger_entries_balance_update AFTER UPDATE ON ledger_entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.ledger_balance_deltas();
CREATE TRIGGER ledger_entries_balance_delete AFTER DELETE ON ledger_entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.ledger_balance_deltas();

-- ---- seller activity per hour (orders, refunds, disputes): the velocity figures
CREATE TABLE read_models.seller_activity_hourly (
    org_id INTEGER NOT NULL,
    hour TIMESTAMPTZ(0) NOT NULL,
    orders INTEGER NOT NULL DEFAULT 0,
    refunds INTEGER NOT NULL DEFAULT 0,
    disputes INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT seller_activity_hourly_pkey PRIMARY KEY (org_id, hour)
);
-- The minute job prunes hours older than the window.
CREATE INDEX seller_activity_hourly_hour_idx ON read_models.seller_activity_hourly (hour);

CREATE TABLE read_models.seller_activity_deltas (
    id BIGSERIAL PRIMARY KEY,
    org_id INTEGER NOT NULL,
    hour TIMESTAMPTZ(0) NOT NULL,
    orders INTEGER NOT NULL DEFAULT 0,
    refunds INTEGER NOT NULL DEFAULT 0,
    disputes INTEGER NOT NULL DEFAULT 0
);

CREATE FUNCTION read_models.order_activity_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO read_models.seller_activity_deltas (org_id, hour, orders)
  SELECT seller_org_id, date_trunc('hour', created_at), count(*) FROM new_rows GROUP BY 1, 2;
  RETURN NULL;
END $$;

-- Refunds and disputes weigh on the seller of their order (one primary-key probe per row).
CREATE FUNCTION read_models.refund_activity_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO read_models.seller_activity_deltas (org_id, hour, refunds)
  SELECT o.seller_org_id, date_trunc('hour', n.created_at), count(*) FROM new_rows n JOIN orders o ON o.id = n.order_id GROUP BY 1, 2;
  RETURN NULL;
END $$;

CREATE FUNCTION read_models.dispute_activity_deltas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO read_models.seller_activity_deltas (org_id, hour, disputes)
  SELECT o.seller_org_id, date_trunc('hour', n.created_at), count(*) FROM new_rows n JOIN orders o ON o.id = n.order_id GROUP BY 1, 2;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_activity_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.order_activity_deltas();
CREATE TRIGGER refunds_activity_insert AFTER INSERT ON refunds
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.refund_activity_deltas();
CREATE TRIGGER disputes_activity_insert AFTER INSERT ON disputes
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION read_models.dispute_activity_deltas();

-- ---- the dashboard's snapshot: one row per figure, rewritten every minute
CREATE TABLE read_models.dashboard_figures (
    figure_id VARCHAR(100) NOT NULL,
    value BIGINT NOT NULL,
    refreshed_at TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT dashboard_figures_pkey PRIMARY KEY (figure_id)
);

-- ---- backfill, after the triggers: creating them locked the tables against writers until this
-- transaction commits, so nothing is counted twice or missed. The ledger is summed whole once
-- (seconds at 10 million orders); activity only for the velocity window (35 days, indexed by time).
INSERT INTO read_models.org_balances (org_id, currency, balance, entries)
SELECT org_id, currency, sum(amount), count(*) FROM ledger_entries GROUP BY org_id, currency;

INSERT INTO read_models.seller_activity_hourly (org_id, hour, orders, refunds, disputes)
SELECT org_id, hour, sum(orders), sum(refunds), sum(disputes) FROM (
  SELECT seller_org_id AS org_id, date_trunc('hour', created_at) AS hour, count(*) AS orders, 0 AS refunds, 0 AS disputes
    FROM orders WHERE created_at >= date_trunc('hour', now()) - interval '35 days' GROUP BY 1, 2
  UNION ALL
  SELECT o.seller_org_id, date_trunc('hour', r.created_at), 0, count(*), 0
    FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.created_at >= date_trunc('hour', now()) - interval '35 days' GROUP BY 1, 2
  UNION ALL
  SELECT o.seller_org_id, date_trunc('hour', d.created_at), 0, 0, count(*)
    FROM disputes d JOIN orders o ON o.id = d.order_id WHERE d.created_at >= date_trunc('hour', now()) - interval '35 days' GROUP BY 1, 2
) activity GROUP BY org_id, hour;

-- ---- the application role: reads the models, writes deltas (its own inserts fire the triggers,
-- which run as the caller) and folds them in the minute job
GRANT USAGE ON SCHEMA read_models TO opsdeck_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA read_models TO opsdeck_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA read_models TO opsdeck_app;
