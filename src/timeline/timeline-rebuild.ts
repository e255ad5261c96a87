// `npm run projections:rebuild`: replays every source from the beginning into a fresh table and
// compares it with the live projection, entry by entry (everything but ids and projection times).
// It holds every checkpoint for its duration (the live projector skips its turns meanwhile), first
// brings the live projection to the head, then replays up to exactly those checkpoints, so both
// sides have read the same source rows. Equal: the live table is left as it is. Different: the
// live table is repaired in place to equal the replay (rows the replay does not produce are
// deleted, missing or altered ones written from the replay), in the same transaction, unless
// `repair` is false. In place rather than swapping tables: unchanged rows keep their ids, so
// cursors clients hold stay valid, and the app role needs no DDL rights on the live table.
import type pg from 'pg';
import { pgExecutor } from '../audit/sql-executor.js';
import { inTransaction } from '../db/transaction-scope.js';
import type { TimelineCatalog } from './timeline-catalog.js';
import { AUDIT_SOURCE, createBatchProjector } from './timeline-projector.js';
import { CONTENT_COLUMNS, ensureCheckpoints, lockCheckpoint, saveCheckpoint, TIMELINE_TABLE } from './timeline-store.js';

const REPLAY_TABLE = 'timeline_replay';

export type RebuildReport = {
  /** Entries in the live projection and in the replay (before any repair). */
  live: number;
  replayed: number;
  /** Entries the replay produced that the live table lacks (or holds with other content). */
  missing: number;
  /** Entries of the live table the replay did not produce (or produced with other content). */
  unexpected: number;
  isEqual: boolean;
  isRepaired: boolean;
  /** The source positions both sides were compared at. */
  checkpoints: Record<string, string>;
};

export async function rebuildTimeline({ pool, catalog, repair = true, batchSize = 5_000 }: {
  pool: pg.Pool;
  catalog: TimelineCatalog;
  repair?: boolean;
  batchSize?: number;
}): Promise<RebuildReport> {
  const batch = createBatchProjector({ catalog });
  const sourceIds = [AUDIT_SOURCE, ...catalog.sources.map((s) => s.id)];
  await ensureCheckpoints(pgExecutor(pool), sourceIds);

  return inTransaction(pool, async (client) => {
    const db = pgExecutor(client);
    const checkpoints: Record<string, string> = {};
    // ---- hold every checkpoint, and bring the live projection to the head
    for (const id of sourceIds) checkpoints[id] = (await lockCheckpoint(db, id, { wait: true }))!;
    for (const id of sourceIds) {
      const src = catalog.sources.find((s) => s.id === id);
      for (;;) {
        const range = { table: TIMELINE_TABLE, after: checkpoints[id], upTo: null, limit: batchSize };
        const result = src ? await batch.source(db, src, range) : await batch.audit(db, range);
        if (result.position === checkpoints[id]) break;
        checkpoints[id] = result.position;
      }
      await saveCheckpoint(db, id, checkpoints[id]);
    }

    // ---- replay every source from the beginning into a fresh table
    await db.query(
      `CREATE TEMP TABLE ${REPLAY_TABLE} (
         entity_type varchar(64) NOT NULL, entity_id varchar(200) NOT NULL, occurred_at timestamptz(3) NOT NULL,
         source varchar(64) NOT NULL, source_id bigint NOT NULL, subject_type varchar(64) NOT NULL, subject_id varchar(200) NOT NULL,
         kind varchar(200) NOT NULL, actor_operator_id integer, data jsonb NOT NULL,
         UNIQUE (source, source_id, entity_type, entity_id)) ON COMMIT DROP`,
      [],
    );
    for (const id of sourceIds) {
      const src = catalog.sources.find((s) => s.id === id);
      let after = '0';
      while (BigInt(after) < BigInt(checkpoints[id])) {
        const range = { table: REPLAY_TABLE, after, upTo: checkpoints[id], limit: batchSize };
        const result = src ? await batch.source(db, src, range) : await batch.audit(db, range);
        if (result.read === 0) break;
        after = result.position;
      }
    }

    // ---- compare, entry by entry
    const count = async (sql: string) => Number((await db.query(sql, [])).rows[0].n);
    const live = await count(`SELECT count(*) AS n FROM ${TIMELINE_TABLE}`);
    const replayed = await count(`SELECT count(*) AS n FROM ${REPLAY_TABLE}`);
    const missing = await count(`SELECT count(*) AS n FROM (SELECT ${CONTENT_COLUMNS} FROM ${REPLAY_TABLE} EXCEPT ALL SELECT ${CONTENT_COLUMNS} FROM ${TIMELINE_TABLE}) d`);
    const unexpected = await count(`SELECT count(*) AS n FROM (SELECT ${CONTENT_COLUMNS} FROM ${TIMELINE_TABLE} EXCEPT ALL SELECT ${CONTENT_COLUMNS} FROM ${REPLAY_TABLE}) d`);
    const isEqual = missing === 0 && unexpected === 0;

    // ---- repair the live table to equal the replay
    if (!isEqual && repair) {
      await db.query(
        `DELETE FROM ${TIMELINE_TABLE} t WHERE NOT EXISTS (
           SELECT 1 FROM ${REPLAY_TABLE} r WHERE (r.source, r.source_id, r.entity_type, r.entity_id) = (t.source, t.source_id, t.entity_type, t.entity_id)
             AND (r.occurred_at, r.subject_type, r.subject_id, r.kind, r.data) = (t.occurred_at, t.subject_type, t.subject_id, t.kind, t.data)
             AND r.actor_operator_id IS NOT DISTINCT FROM t.actor_operator_id)`,
        [],
      );
      await db.query(
        `INSERT INTO ${TIMELINE_TABLE} (${CONTENT_COLUMNS}) SELECT ${CONTENT_COLUMNS} FROM ${REPLAY_TABLE}
         ON CONFLICT (source, source_id, entity_type, entity_id) DO NOTHING`,
        [],
      );
    }
    return { live, replayed, missing, unexpected, isEqual, isRepaired: !isEqual && repair, checkpoints };
  });
}
