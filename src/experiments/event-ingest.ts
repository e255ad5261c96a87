// Ingestion of one validated batch in ONE statement (docs/adr/0011-experiment-statistics.md):
//   1. the events go into the ledger; ON CONFLICT DO NOTHING drops ids already stored (replays),
//      and RETURNING names the fresh ones: only those count below;
//   2. the fresh events are folded per user (first exposure by `at` then position, whether the
//      batch exposed the user to more than one variant, conversions and their value);
//   3. each user's row is upserted. The row, not a snapshot, decides: ON CONFLICT works on the
//      latest committed version under its row lock, so a user's exposure and conversion arriving in
//      two concurrent batches are both seen by whichever commits second. What this statement
//      changed is read back through `exposed_tx`/`conflict_tx`, set to its own transaction id when
//      it makes the user exposed or conflicted (RETURNING has no old values before PostgreSQL 18);
//   4. the per-variant deltas go into experiment_tallies as new rows (no shared counter to wait on).
// Users and events are written in key order, so two batches touching the same users lock them in
// the same order and cannot deadlock each other.
import type pg from 'pg';
import type { BatchEvent } from './event-batch.js';

const INGEST_SQL = `
WITH input AS (
  SELECT i, t::"ExperimentEventType" AS t, u, v, m, x, coalesce(a, now()) AS a, n
    FROM json_to_recordset($2::json) AS r(i text, t text, u text, v text, m text, x float8, a timestamptz, n int)
),
fresh AS (
  INSERT INTO experiment_events (experiment_id, event_id, type, user_id, variant, metric, value, occurred_at)
  SELECT $1::uuid, i, t, u, v, m, x, a FROM input ORDER BY i
  ON CONFLICT DO NOTHING
  RETURNING event_id
),
per_user AS (
  SELECT e.u AS user_id,
         (array_agg(e.v ORDER BY e.a, e.n) FILTER (WHERE e.t = 'exposure'))[1] AS variant,
         min(e.a) FILTER (WHERE e.t = 'exposure') AS exposed_at,
         count(DISTINCT e.v) FILTER (WHERE e.t = 'exposure') > 1 AS is_mixed,
         count(*) FILTER (WHERE e.t = 'conversion')::int AS conversions,
         coalesce(sum(e.x) FILTER (WHERE e.t = 'conversion'), 0) AS value_sum,
         min(e.a) FILTER (WHERE e.t = 'conversion') AS converted_at
    FROM fresh f JOIN input e ON e.i = f.event_id
   GROUP BY e.u
),
upserted AS (
  INSERT INTO experiment_users AS s (experiment_id, user_id, variant, exposed_at, has_conflict, conversions, value_sum, first_converted_at, exposed_tx, conflict_tx)
  SELECT $1::uuid, p.user_id, p.variant, p.exposed_at, p.is_mixed, p.conversions, p.value_sum, p.converted_at,
         CASE WHEN p.variant IS NOT NULL THEN txid_current() END, CASE WHEN p.is_mixed THEN txid_current() END
    FROM per_user p ORDER BY p.user_id
  ON CONFLICT (experiment_id, user_id) DO UPDATE SET
    variant = coalesce(s.variant, excluded.variant),
    exposed_at = CASE WHEN s.variant IS NULL THEN excluded.exposed_at ELSE s.exposed_at END,
    exposed_tx = CASE WHEN s.variant IS NULL THEN excluded.exposed_tx ELSE s.exposed_tx END,
    has_conflict = s.has_conflict OR (excluded.variant IS NOT NULL AND (excluded.has_conflict OR excluded.variant <> coalesce(s.variant, excluded.variant))),
    conflict_tx = CASE WHEN NOT s.has_conflict AND excluded.variant IS NOT NULL AND (excluded.has_conflict OR excluded.variant <> coalesce(s.variant, excluded.variant))
                       THEN txid_current() ELSE s.conflict_tx END,
    conversions = s.conversions + excluded.conversions,
    value_sum = s.value_sum + excluded.value_sum,
    first_converted_at = least(s.first_converted_at, excluded.first_converted_at)
  RETURNING s.user_id, s.variant, s.conversions, s.value_sum,
            coalesce(s.exposed_tx = txid_current(), false) AS is_newly_exposed,
            coalesce(s.conflict_tx = txid_current(), false) AS is_newly_conflicted
),
deltas AS (
  -- A user newly exposed brings all their conversions so far; one exposed before brings this
  -- batch's, and becomes converted if they had none.
  SELECT r.variant,
         count(*) FILTER (WHERE r.is_newly_exposed) AS exposed,
         count(*) FILTER (WHERE r.conversions > 0 AND (r.is_newly_exposed OR r.conversions = p.conversions)) AS converted,
         coalesce(sum(CASE WHEN r.is_newly_exposed THEN r.conversions ELSE p.conversions END), 0) AS conversions,
         coalesce(sum(CASE WHEN r.is_newly_exposed THEN r.value_sum ELSE p.value_sum END), 0) AS value_sum,
         count(*) FILTER (WHERE r.is_newly_conflicted) AS conflicts
    FROM upserted r JOIN per_user p USING (user_id)
   WHERE r.variant IS NOT NULL
   GROUP BY r.variant
),
tallied AS (
  INSERT INTO experiment_tallies (experiment_id, variant, exposed, converted, conversions, value_sum, conflicts)
  SELECT $1::uuid, variant, exposed, converted, conversions, value_sum, conflicts FROM deltas
   WHERE exposed > 0 OR converted > 0 OR conversions > 0 OR conflicts > 0
)
SELECT (SELECT count(*) FROM fresh)::int AS accepted`;

// Deadlocks cannot come from two batches (key order), but can from a batch and something else
// locking users in another order; serialization failures from a stricter default isolation level.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Stores the batch; answers how many of its events were new (the rest were replays). The events'
 * ids must be unique within the batch (parseEventBatch keeps the first of each).
 */
export async function ingestBatch(pool: Pick<pg.Pool, 'query'>, experimentId: string, events: BatchEvent[]): Promise<{ accepted: number }> {
  const json = JSON.stringify(events);
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await pool.query<{ accepted: number }>({ name: 'experiment_ingest', text: INGEST_SQL, values: [experimentId, json] });
      return { accepted: rows[0]!.accepted };
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
    }
  }
}
