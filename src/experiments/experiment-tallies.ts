// The per-variant counts of an experiment: the sum of its delta rows in experiment_tallies (one per
// variant per ingested batch, src/experiments/event-ingest.ts), read through the experiment_id index.
// Once they pile up, they are folded into one row per variant in one statement: the DELETE takes
// only the rows its snapshot sees (a batch committing meanwhile keeps its rows), and a concurrent
// fold skips rows already deleted, so the sums are the same before and after.
import type pg from 'pg';

export type VariantTally = { variant: string; exposed: number; converted: number; conversions: number; valueSum: number; conflicts: number };

/** Delta rows an experiment may gather before a read or the ingester folds them. */
export const FOLD_AFTER_ROWS = 256;

const READ_SQL = `
SELECT variant, sum(exposed)::float8 AS exposed, sum(converted)::float8 AS converted, sum(conversions)::float8 AS conversions,
       sum(value_sum)::float8 AS "valueSum", sum(conflicts)::float8 AS conflicts, count(*)::int AS rows
  FROM experiment_tallies WHERE experiment_id = $1::uuid GROUP BY variant`;

const FOLD_SQL = `
WITH moved AS (
  DELETE FROM experiment_tallies WHERE experiment_id = $1::uuid
  RETURNING variant, exposed, converted, conversions, value_sum, conflicts
)
INSERT INTO experiment_tallies (experiment_id, variant, exposed, converted, conversions, value_sum, conflicts)
SELECT $1::uuid, variant, sum(exposed), sum(converted), sum(conversions), sum(value_sum), sum(conflicts) FROM moved GROUP BY variant`;

/** Folds the experiment's delta rows into one per variant. */
export async function foldTallies(pool: Pick<pg.Pool, 'query'>, experimentId: string): Promise<void> {
  await pool.query({ name: 'experiment_tallies_fold', text: FOLD_SQL, values: [experimentId] });
}

/** The experiment's counts per variant (variants without any event are absent). */
export async function readTallies(pool: Pick<pg.Pool, 'query'>, experimentId: string): Promise<VariantTally[]> {
  const { rows } = await pool.query<VariantTally & { rows: number }>({ name: 'experiment_tallies_read', text: READ_SQL, values: [experimentId] });
  // The sums are already right; folding only keeps the next read short.
  if (rows.reduce((n, r) => n + r.rows, 0) > FOLD_AFTER_ROWS) await foldTallies(pool, experimentId);
  return rows.map(({ rows: _rows, ...tally }) => tally);
}
