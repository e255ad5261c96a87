-- The tamper-evident audit log (docs/adr/0004-audit-chain.md). Hand-written: Prisma cannot express
-- partitioning, so everything lives in the schema `audit`, outside prisma/schema (the migrations test
-- compares only `public`). Applied in one transaction by src/db/migrations.ts.
--
-- Write path: the audit service inserts into audit.inbox inside the caller's transaction (the change
-- and its audit row commit or fail together); the row takes its sequence number there, from
-- audit.seq. The sealer, audit.seal(), moves committed inbox rows into audit.events in sequence
-- order within seconds, each with
--   hash = sha256(previous row's hash || canonical row)
-- A number whose transaction rolled back is claimed by a void row ('audit.void'), so the chain has
-- no gap; sealers run one at a time under the chain head lock, so it has no fork.
-- The canonical row is the row's PostgreSQL binary COPY tuple up to the hash column: the field count
-- (int16), then per column its length (int32, -1 for NULL) and its binary send form, in the column
-- order of audit.events. It is exact (times are integers, text is UTF-8, before/after are `json`,
-- kept as the sorted-key text the service wrote) and the verifier (src/audit/verifier.ts) reads it
-- straight off `COPY ... (FORMAT binary)`.

CREATE SCHEMA audit;
-- Detached (archived) partitions are moved here, never dropped.
CREATE SCHEMA audit_archive;

-- ---- Refusals: the log is append-only for everyone but a superuser who disables triggers.
CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

-- ---- Events: the chained log, partitioned by month of occurred_at (UTC).
CREATE TABLE audit.events (
  seq                  bigint       NOT NULL CHECK (seq > 0),
  occurred_at          timestamptz  NOT NULL,
  operator_id          integer,
  operator_roles       text[]       NOT NULL,
  impersonated_user_id bigint,
  action               varchar(200) NOT NULL CHECK (action <> ''),
  entity_type          varchar(100),
  entity_id            varchar(200),
  reason_code          varchar(100),
  note                 text,
  before               json,
  after                json,
  ip                   varchar(64),
  user_agent           varchar(512),
  correlation_id       varchar(128),
  outcome              varchar(16)  NOT NULL CHECK (outcome IN ('attempted', 'succeeded', 'failed', 'denied')),
  hash                 bytea        NOT NULL CHECK (octet_length(hash) = 32),
  -- A unique index on a partitioned table must hold the partition key; seq alone is kept unique by
  -- the sealer (one at a time, under the chain head lock), and the verifier reports any duplicate.
  PRIMARY KEY (seq, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Filters of GET /api/audit and the backoffice list, each ending in seq for keyset paging.
CREATE INDEX events_operator_idx ON audit.events (operator_id, seq);
CREATE INDEX events_action_idx ON audit.events (action, seq);
CREATE INDEX events_entity_idx ON audit.events (entity_type, entity_id, seq);
CREATE INDEX events_time_idx ON audit.events (occurred_at);

CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- An insert never fails for lack of a partition; ensure_partitions keeps this one empty.
CREATE TABLE audit.events_default PARTITION OF audit.events DEFAULT;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events_default FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---- Inbox: audit rows committed by their transactions, waiting (seconds) for the sealer. The
-- same checks as the log, so a bad row fails the caller's transaction, not the sealer.
CREATE SEQUENCE audit.seq AS bigint MINVALUE 1 NO CYCLE;
CREATE TABLE audit.inbox (
  -- Taken with the time in one statement: a row's time says when its number was handed out.
  seq                  bigint       PRIMARY KEY DEFAULT nextval('audit.seq'),
  occurred_at          timestamptz  NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  operator_id          integer,
  operator_roles       text[]       NOT NULL,
  impersonated_user_id bigint,
  action               varchar(200) NOT NULL CHECK (action <> ''),
  entity_type          varchar(100),
  entity_id            varchar(200),
  reason_code          varchar(100),
  note                 text,
  before               json,
  after                json,
  ip                   varchar(64),
  user_agent           varchar(512),
  correlation_id       varchar(128),
  outcome              varchar(16)  NOT NULL CHECK (outcome IN ('attempted', 'succeeded', 'failed', 'denied'))
);

ALTER SEQUENCE audit.seq OWNED BY audit.inbox.seq;

-- An inbox row leaves only once it is in the log (same number and time). Checked once per DELETE
-- statement over all the rows it removed; raising undoes the statement.
CREATE FUNCTION audit.check_inbox_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unsealed bigint;
BEGIN
  SELECT g.seq INTO unsealed FROM gone g
   WHERE NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.seq = g.seq AND e.occurred_at = g.occurred_at)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'audit inbox row % is not sealed yet: DELETE refused', unsealed
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER inbox_no_update BEFORE UPDATE ON audit.inbox FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER inbox_sealed_delete AFTER DELETE ON audit.inbox REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION audit.check_inbox_delete();
CREATE TRIGGER inbox_no_truncate BEFORE TRUNCATE ON audit.inbox FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---- Chain head: the last sealed row. Only the sealer moves it, forward, onto a row that exists.
CREATE TABLE audit.chain_head (
  id        smallint PRIMARY KEY CHECK (id = 1),
  last_seq  bigint   NOT NULL CHECK (last_seq >= 0),
  last_hash bytea    NOT NULL CHECK (octet_length(last_hash) = 32)
);
INSERT INTO audit.chain_head (id, last_seq, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit.check_head_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.last_seq <= OLD.last_seq
     OR NOT EXISTS (SELECT 1 FROM audit.events e WHERE e.seq = NEW.last_seq AND e.hash = NEW.last_hash) THEN
    RAISE EXCEPTION 'audit chain head only moves forward onto a sealed row (% to %)', OLD.last_seq, NEW.last_seq
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER chain_head_step BEFORE UPDATE ON audit.chain_head FOR EACH ROW EXECUTE FUNCTION audit.check_head_step();
CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON audit.chain_head FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON audit.chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---- Signed checkpoints: (seq, head hash, time) under an HMAC whose key is not in the database.
CREATE TABLE audit.checkpoints (
  id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq       bigint      NOT NULL CHECK (seq >= 0),
  head_hash bytea       NOT NULL CHECK (octet_length(head_hash) = 32),
  signed_at timestamptz NOT NULL,
  key_id    varchar(64) NOT NULL,
  algorithm varchar(32) NOT NULL,
  signature bytea       NOT NULL
);
CREATE INDEX checkpoints_seq_idx ON audit.checkpoints (seq);
CREATE TRIGGER checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit.checkpoints FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON audit.checkpoints FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---- Archived partitions: the verified seq range each one took out of the live chain and the hash
-- it ended on, signed, so the live chain stays anchored and a silent removal of old rows is caught.
CREATE TABLE audit.archived_partitions (
  partition_name varchar(128) PRIMARY KEY,
  archived_as    varchar(200) NOT NULL,
  range_from     timestamptz  NOT NULL,
  range_to       timestamptz  NOT NULL,
  first_seq      bigint       NOT NULL,
  last_seq       bigint       NOT NULL,
  last_hash      bytea        NOT NULL CHECK (octet_length(last_hash) = 32),
  row_count      bigint       NOT NULL,
  archived_at    timestamptz  NOT NULL,
  key_id         varchar(64)  NOT NULL,
  signature      bytea        NOT NULL
);
CREATE TRIGGER archived_no_update_delete BEFORE UPDATE OR DELETE ON audit.archived_partitions FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER archived_no_truncate BEFORE TRUNCATE ON audit.archived_partitions FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- ---- Privileges: nobody, the owning (application) role included, holds UPDATE, DELETE or TRUNCATE
-- on the log. A non-superuser owner could grant them back, hence the triggers as well. The inbox
-- keeps DELETE for the sealer (its trigger admits sealed rows only); the head keeps UPDATE.
REVOKE UPDATE, DELETE, TRUNCATE ON audit.events, audit.events_default, audit.checkpoints, audit.archived_partitions
  FROM PUBLIC, CURRENT_USER;
REVOKE UPDATE, TRUNCATE ON audit.inbox FROM PUBLIC, CURRENT_USER;
REVOKE DELETE, TRUNCATE ON audit.chain_head FROM PUBLIC, CURRENT_USER;

-- ---- Partition maintenance: the month partitions from this month to `months_ahead` later (UTC).
-- Idempotent and safe from concurrent boots (advisory lock). Returns the partitions it created.
CREATE FUNCTION audit.ensure_partitions(months_ahead integer DEFAULT 2) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  month_start timestamptz;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('audit.ensure_partitions'));
  FOR i IN 0..greatest(months_ahead, 0) LOOP
    month_start := (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i)) AT TIME ZONE 'UTC';
    part := 'events_p' || to_char(month_start AT TIME ZONE 'UTC', 'YYYYMM');
    CONTINUE WHEN to_regclass(format('audit.%I', part)) IS NOT NULL;
    -- Rows of that month already in the default partition would make the CREATE fail; they stay
    -- where they are (still chained and verified) and the month is left to the default.
    IF EXISTS (SELECT 1 FROM audit.events_default
                WHERE occurred_at >= month_start AND occurred_at < month_start + interval '1 month') THEN
      RAISE WARNING 'audit: rows of % are in the default partition; not creating %',
        to_char(month_start AT TIME ZONE 'UTC', 'YYYY-MM'), part;
      CONTINUE;
    END IF;
    EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.events FOR VALUES FROM (%L) TO (%L)',
                   part, month_start, month_start + interval '1 month');
    -- Row triggers are cloned onto partitions; statement-level TRUNCATE triggers and grants are not.
    EXECUTE format('CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()', part);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit.%I FROM PUBLIC, CURRENT_USER', part);
    RETURN NEXT part;
  END LOOP;
END $$;

SELECT audit.ensure_partitions(1);

-- One column of a binary COPY tuple: int32 length (-1 for NULL), then the bytes.
CREATE FUNCTION audit.copy_field(value bytea) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(int4send(octet_length(value)) || value, '\xffffffff'::bytea) $$;

-- The chain link of one row: sha256(previous hash || the row as a binary COPY tuple without its
-- hash column). The sealer, test fixtures and benches all hash through this one definition;
-- src/audit/canonical.ts is the verifier's side of it.
CREATE FUNCTION audit.row_hash(prev bytea, r audit.events) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT sha256(prev || '\x0011'::bytea
        || audit.copy_field(int8send((r).seq)) || audit.copy_field(timestamptz_send((r).occurred_at))
        || audit.copy_field(int4send((r).operator_id)) || audit.copy_field(array_send((r).operator_roles))
        || audit.copy_field(int8send((r).impersonated_user_id)) || audit.copy_field(varcharsend((r).action))
        || audit.copy_field(varcharsend((r).entity_type)) || audit.copy_field(varcharsend((r).entity_id))
        || audit.copy_field(varcharsend((r).reason_code)) || audit.copy_field(textsend((r).note))
        || audit.copy_field(json_send((r).before)) || audit.copy_field(json_send((r).after))
        || audit.copy_field(varcharsend((r).ip)) || audit.copy_field(varcharsend((r).user_agent))
        || audit.copy_field(varcharsend((r).correlation_id)) || audit.copy_field(varcharsend((r).outcome))) $$;

-- ---- Sealer: chains up to max_rows committed inbox rows in sequence order; returns how many.
-- Only the holder of the head row lock seals (another sealer returns 0 at once), and each
-- statement reads a fresh snapshot (READ COMMITTED), so the next one finds these rows gone from
-- the inbox: no fork.
--
-- A missing number below a visible one belongs to a transaction still running or rolled back. Once
-- a later row is `grace` old (the writer of the missing number, which took it earlier, has had that
-- long to insert it), the sealer inserts a void row with that number: the unique index makes the
-- insert wait for a running writer and then either find its committed row or take the number.
CREATE FUNCTION audit.seal(max_rows integer DEFAULT 5000, grace interval DEFAULT '2 seconds', wait interval DEFAULT '2 seconds')
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  head audit.chain_head%ROWTYPE;
  q audit.inbox%ROWTYPE;
  r audit.events%ROWTYPE;
  first_seq bigint;
  fill_to bigint;
  n integer := 0;
  progressed boolean;
  filled boolean := false;
  batch audit.events[] := '{}';
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'audit.seal() must run under READ COMMITTED';
  END IF;
  -- Binary send forms of text are in the client encoding; the chain is defined in UTF-8.
  IF current_setting('client_encoding') <> 'UTF8' THEN
    RAISE EXCEPTION 'audit.seal() must run with client_encoding UTF8';
  END IF;
  -- Another sealer at work: it will take these rows too.
  SELECT * INTO head FROM audit.chain_head h WHERE h.id = 1 FOR UPDATE SKIP LOCKED;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  -- Bounds the wait for a writer still holding a missing number (below).
  PERFORM set_config('lock_timeout', (extract(epoch FROM wait) * 1000)::bigint::text, true);
  first_seq := head.last_seq + 1;
  LOOP
    -- ---- The run of consecutive committed rows after the head.
    progressed := false;
    FOR q IN SELECT * FROM audit.inbox i
              WHERE i.seq > head.last_seq AND i.seq <= head.last_seq + (max_rows - n) ORDER BY i.seq LOOP
      EXIT WHEN q.seq <> head.last_seq + 1;
      r.seq := q.seq;
      r.occurred_at := q.occurred_at;
      r.operator_id := q.operator_id;
      r.operator_roles := q.operator_roles;
      r.impersonated_user_id := q.impersonated_user_id;
      r.action := q.action;
      r.entity_type := q.entity_type;
      r.entity_id := q.entity_id;
      r.reason_code := q.reason_code;
      r.note := q.note;
      r.before := q.before;
      r.after := q.after;
      r.ip := q.ip;
      r.user_agent := q.user_agent;
      r.correlation_id := q.correlation_id;
      r.outcome := q.outcome;
      -- The canonical row (src/audit/canonical.ts describes the verifier's side of it).
      r.hash := audit.row_hash(head.last_hash, r);
      batch := batch || r;
      head.last_seq := r.seq;
      head.last_hash := r.hash;
      n := n + 1;
      progressed := true;
    END LOOP;
    EXIT WHEN n >= max_rows OR (filled AND NOT progressed);
    -- ---- A gap: claim the missing numbers below the last row that is `grace` old.
    SELECT max(i.seq) INTO fill_to FROM audit.inbox i
     WHERE i.seq > head.last_seq AND i.occurred_at <= clock_timestamp() - grace;
    EXIT WHEN fill_to IS NULL;
    fill_to := least(fill_to, head.last_seq + (max_rows - n));
    BEGIN
      INSERT INTO audit.inbox (seq, operator_roles, action, note, outcome)
      SELECT s, '{}', 'audit.void', 'sequence number released by a rolled-back transaction', 'failed'
        FROM generate_series(head.last_seq + 1, fill_to) s
      ON CONFLICT (seq) DO NOTHING;
      filled := true;
    EXCEPTION WHEN lock_not_available THEN
      -- A writer has kept its transaction open for longer than `wait`: seal up to here, retry later.
      EXIT;
    END;
  END LOOP;
  IF n > 0 THEN
    -- One INSERT for the batch; then the inbox rows, which its trigger now finds sealed.
    INSERT INTO audit.events SELECT * FROM unnest(batch);
    DELETE FROM audit.inbox i WHERE i.seq BETWEEN first_seq AND head.last_seq;
    UPDATE audit.chain_head h SET last_seq = head.last_seq, last_hash = head.last_hash WHERE h.id = 1;
  END IF;
  RETURN n;
END $$;
