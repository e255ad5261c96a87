// Builds a large list's page anchors (docs/adr/0003-large-table-lists.md): one pass over the
// table's (sort column, id) order keeps every Nth row's id with its position. One REPEATABLE READ
// transaction, so the anchors, the total and the last row describe one snapshot; readers see the
// previous build until it commits. One builder per list at a time across instances (an advisory
// lock taken without waiting: a second one skips).
import pg from 'pg';
import type { LargeList } from './large-lists.js';

/** Every how many rows an anchor is kept: a jump walks at most this many index entries. */
export const ANCHOR_EVERY = 2_000;
/** Below this many rows (the planner's estimate) a key-only OFFSET is cheap: no anchors. */
export const ANCHOR_MIN_ROWS = 50_000;
/** At most this many rows added after a build are counted at read time (list-positions.ts). */
export const APPENDED_CAP = 50_000;
// Arbitrary, fixed: the first key of the builders' advisory locks ("anchr" in ASCII).
const LOCK_CLASS = 0x616e6368;

export type AnchorBuildOutcome =
  | { list: string; outcome: 'built'; total: number; anchors: number; ms: number }
  | { list: string; outcome: 'fresh' | 'small' | 'busy' };

type Options = { every?: number; minRows?: number; force?: boolean };

/**
 * Rebuilds the list's anchors when they are missing or the table has changed enough since
 * (inserts and deletes: positions drift by rows added out of order or removed; rows appended in
 * sort order are counted at read time instead), drops them when the table is small.
 */
export async function buildListAnchors({ pool, list, every = ANCHOR_EVERY, minRows = ANCHOR_MIN_ROWS, force = false }: { pool: pg.Pool; list: LargeList } & Options): Promise<AnchorBuildOutcome> {
  const started = performance.now();
  const [table, id, sort] = [list.table, list.idColumn, list.sortColumn].map((name) => pg.escapeIdentifier(name));
  const order = sort === id ? id : `${sort}, ${id}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const { rows: [lock] } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS ok', [LOCK_CLASS, list.key]);
    if (!lock?.ok) {
      await client.query('ROLLBACK');
      return { list: list.key, outcome: 'busy' };
    }
    const { rows: [stats] } = await client.query<{ estimate: number; changes: string }>(
      `SELECT GREATEST(c.reltuples, 0)::float8 AS estimate, COALESCE(s.n_tup_ins + s.n_tup_del, 0)::bigint AS changes
         FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = $1::regclass`,
      [list.table],
    );
    const changes = Number(stats!.changes);
    if (stats!.estimate < minRows) {
      await client.query('DELETE FROM read_models.list_anchor_sets WHERE list = $1', [list.key]);
      await client.query('COMMIT');
      return { list: list.key, outcome: 'small' };
    }
    const { rows: [current] } = await client.query<{ total: string; changes_at_build: string; every: number }>(
      'SELECT total, changes_at_build, every FROM read_models.list_anchor_sets WHERE list = $1', [list.key],
    );
    if (current && !force && current.every === every && isFresh({ total: Number(current.total), changed: changes - Number(current.changes_at_build), every })) {
      await client.query('ROLLBACK');
      return { list: list.key, outcome: 'fresh' };
    }
    await client.query('DELETE FROM read_models.list_anchors WHERE list = $1', [list.key]);
    const inserted = await client.query(
      `INSERT INTO read_models.list_anchors (list, ordinal, row_id)
       SELECT $1, ordinal, row_id FROM (
         SELECT row_number() OVER (ORDER BY ${order}) - 1 AS ordinal, ${id}::text AS row_id FROM ${table}
       ) numbered WHERE ordinal % $2 = 0`,
      [list.key, every],
    );
    // The rows from the last anchor on (fewer than `every`) give the total and the last row.
    const { rows: [last] } = await client.query<{ ordinal: string; row_id: string }>(
      'SELECT ordinal, row_id FROM read_models.list_anchors WHERE list = $1 ORDER BY ordinal DESC LIMIT 1', [list.key],
    );
    const { rows: tail } = last
      ? await client.query<{ row_id: string }>(
        `SELECT ${id}::text AS row_id FROM ${table}
          WHERE (${sort}, ${id}) >= (SELECT ${sort}, ${id} FROM ${table} WHERE ${id} = $1) ORDER BY ${order}`,
        [last.row_id],
      )
      : { rows: [] };
    const total = last ? Number(last.ordinal) + tail.length : 0;
    if (tail.length === 0) {
      await client.query('DELETE FROM read_models.list_anchor_sets WHERE list = $1', [list.key]);
    } else {
      await client.query(
        `INSERT INTO read_models.list_anchor_sets (list, total, last_row_id, every, changes_at_build, built_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (list) DO UPDATE SET total = excluded.total, last_row_id = excluded.last_row_id, every = excluded.every,
           changes_at_build = excluded.changes_at_build, built_at = excluded.built_at`,
        [list.key, total, tail.at(-1)!.row_id, every, changes],
      );
    }
    await client.query('COMMIT');
    return { list: list.key, outcome: 'built', total, anchors: inserted.rowCount ?? 0, ms: Math.round(performance.now() - started) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

// Rebuilt once the rows inserted or deleted since reach 0.5% of the list (at least one anchor
// interval, at most half of what a read will count as appended).
function isFresh({ total, changed, every }: { total: number; changed: number; every: number }): boolean {
  if (changed < 0) return false; // statistics were reset
  return changed < Math.max(every, Math.min(total * 0.005, APPENDED_CAP / 2));
}
