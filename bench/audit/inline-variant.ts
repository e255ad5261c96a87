// The design not taken, for the ADR's comparison: chaining inline, in the writer's transaction,
// serialised on a chain head row locked until that transaction commits. Same row, same canonical
// hash, in a separate bench-only schema so it leaves the real log alone.
import type pg from 'pg';

export async function installInlineVariant(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE SCHEMA bench_inline;
    CREATE TABLE bench_inline.events (LIKE audit.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
    ALTER TABLE bench_inline.events ADD PRIMARY KEY (seq);
    CREATE INDEX ON bench_inline.events (operator_id, seq);
    CREATE INDEX ON bench_inline.events (action, seq);
    CREATE INDEX ON bench_inline.events (entity_type, entity_id, seq);
    CREATE INDEX ON bench_inline.events (occurred_at);
    CREATE TABLE bench_inline.head (id int PRIMARY KEY, last_seq bigint NOT NULL, last_hash bytea NOT NULL);
    INSERT INTO bench_inline.head VALUES (1, 0, decode(repeat('00', 32), 'hex'));
    CREATE FUNCTION bench_inline.append(e jsonb) RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
      head bench_inline.head%ROWTYPE;
      r audit.events%ROWTYPE; -- bench_inline.events is LIKE audit.events: same columns
    BEGIN
      SELECT * INTO head FROM bench_inline.head h WHERE h.id = 1 FOR UPDATE;
      r.seq := head.last_seq + 1;
      r.occurred_at := date_trunc('milliseconds', clock_timestamp());
      r.operator_id := (e->>'operatorId')::int;
      r.operator_roles := ARRAY(SELECT jsonb_array_elements_text(e->'roles'));
      r.action := e->>'action';
      r.entity_type := e->>'entityType';
      r.entity_id := e->>'entityId';
      r.reason_code := e->>'reasonCode';
      r.note := e->>'note';
      r.before := (e->'before')::json;
      r.after := (e->'after')::json;
      r.outcome := e->>'outcome';
      r.hash := audit.row_hash(head.last_hash, r);
      INSERT INTO bench_inline.events VALUES (r.*);
      UPDATE bench_inline.head h SET last_seq = r.seq, last_hash = r.hash WHERE h.id = 1;
      RETURN r.seq;
    END $$;
  `);
}

/** One inline append in its own transaction on `client`. */
export async function appendInline(client: pg.PoolClient, event: Record<string, unknown>): Promise<void> {
  await client.query('BEGIN');
  await client.query({ name: 'bench_inline_append', text: 'SELECT bench_inline.append($1::jsonb)', values: [JSON.stringify(event)] });
  await client.query('COMMIT');
}
