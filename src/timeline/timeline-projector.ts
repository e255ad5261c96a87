// The projector: follows each source from its checkpoint, in the source's order, and writes the
// entries of a batch and the advanced checkpoint in one transaction, so a crash repeats a batch at
// worst (and repeating is harmless: rows are keyed by source row and entity). Sources:
//  - `audit`: the audit log's sealed rows by sequence number (gap-free, commit order), with the
//    domain events of the runs those rows record (the same transaction committed them);
//  - each pack source (support notes) by its id, waiting briefly on gaps.
// Every instance may run one; they take turns on the checkpoint rows (SKIP LOCKED).
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import { startRepeatingTask } from '../platform/repeating-task.js';
import type { SqlExecutor } from '../audit/types.js';
import { listAuditRecordsAfter } from '../audit/audit-query.js';
import { pgExecutor } from '../audit/sql-executor.js';
import { inTransaction } from '../db/transaction-scope.js';
import type { TimelineCatalog } from './timeline-catalog.js';
import type { TimelineFact, TimelineSource } from './timeline-types.js';
import { auditFacts, eventFactsOfRuns, runIdsOf } from './timeline-facts.js';
import { fanOut } from './timeline-fanout.js';
import { ensureCheckpoints, insertRows, lockCheckpoint, saveCheckpoint, TIMELINE_TABLE } from './timeline-store.js';

export const AUDIT_SOURCE = 'audit';

/** One batch of a source: where it ends, how many source rows it read, how many entries were new. */
export type BatchResult = { position: string; read: number; written: number };

export type BatchRange = {
  table: string;
  after: string;
  /** The replay stops at the live checkpoint; the live projector follows the head (null). */
  upTo: string | null;
  limit: number;
};

export function createBatchProjector({ catalog, graceMs = 5_000 }: { catalog: TimelineCatalog; graceMs?: number }) {
  async function write(db: SqlExecutor, table: string, facts: TimelineFact[]): Promise<number> {
    return insertRows(db, table, await fanOut(db, facts, catalog));
  }

  async function audit(db: SqlExecutor, { table, after, upTo, limit }: BatchRange): Promise<BatchResult> {
    const records = await listAuditRecordsAfter(db, { afterSeq: after, upToSeq: upTo, limit });
    if (records.length === 0) return { position: after, read: 0, written: 0 };
    const facts = [...auditFacts(records, catalog), ...(await eventFactsOfRuns(db, runIdsOf(records), catalog))];
    return { position: String(records.at(-1)!.seq), read: records.length, written: await write(db, table, facts) };
  }

  // Ids are taken when a writer inserts and become visible when it commits: a missing id below a
  // visible one may still come. The live projector stops there until the row after it is graceMs
  // old (then the id is taken as rolled back); a replay up to a checkpoint has nothing to wait for.
  async function source(db: SqlExecutor, src: TimelineSource, { table, after, upTo, limit }: BatchRange): Promise<BatchResult> {
    const facts = await src.read(db, { after, upTo, limit });
    let position = BigInt(after);
    const taken: TimelineFact[] = [];
    for (const fact of facts) {
      const id = BigInt(fact.sourceId);
      const isGap = id !== position + 1n;
      if (isGap && upTo === null && Date.now() - (fact.recordedAt ?? fact.occurredAt).getTime() < graceMs) break;
      const { recordedAt: _recorded, ...entry } = fact;
      taken.push({ ...entry, source: src.id });
      position = id;
    }
    return { position: String(position), read: taken.length, written: await write(db, table, taken) };
  }

  return { audit, source };
}

export type TimelineProjector = {
  /**
   * Projects everything committed now (tests and tools: seal the audit log first); returns how many
   * entries were new. Waits for a checkpoint another instance holds, unless `isWaiting` is false.
   */
  catchUp: (options?: { isWaiting?: boolean }) => Promise<number>;
  /** Follows the sources every `intervalMs` until stopped. */
  start: (options?: { intervalMs?: number }) => { stop: () => Promise<void> };
  /** Every source's checkpoint key. */
  sourceIds: string[];
};

export function createTimelineProjector({ pool, catalog, logger, batchSize = 2_000, graceMs }: {
  pool: pg.Pool;
  catalog: TimelineCatalog;
  logger?: Logger;
  batchSize?: number;
  graceMs?: number;
}): TimelineProjector {
  const batch = createBatchProjector({ catalog, graceMs });
  const sourceIds = [AUDIT_SOURCE, ...catalog.sources.map((s) => s.id)];
  let isReady: Promise<void> | null = null;

  /** One batch of one source in one transaction; null when another instance holds its checkpoint. */
  const step = (sourceId: string, isWaiting: boolean) =>
    inTransaction(pool, async (client) => {
      const db = pgExecutor(client);
      const after = await lockCheckpoint(db, sourceId, { wait: isWaiting });
      if (after === null) return null;
      const range = { table: TIMELINE_TABLE, after, upTo: null, limit: batchSize };
      const src = catalog.sources.find((s) => s.id === sourceId);
      const result = src ? await batch.source(db, src, range) : await batch.audit(db, range);
      if (result.position !== after) await saveCheckpoint(db, sourceId, result.position);
      return { ...result, isAdvanced: result.position !== after };
    });

  async function catchUp({ isWaiting = true }: { isWaiting?: boolean } = {}): Promise<number> {
    isReady ??= ensureCheckpoints(pgExecutor(pool), sourceIds).catch((err) => {
      isReady = null;
      throw err;
    });
    await isReady;
    let written = 0;
    for (const sourceId of sourceIds) {
      for (;;) {
        const result = await step(sourceId, isWaiting);
        if (!result) break;
        written += result.written;
        if (!result.isAdvanced || result.read < batchSize) break;
      }
    }
    return written;
  }

  // A failed turn loses nothing: the checkpoint did not move, the batch is tried again next turn.
  // A source another instance is projecting is skipped for this turn, not waited for.
  const start = ({ intervalMs = 250 }: { intervalMs?: number } = {}) =>
    startRepeatingTask({ name: 'timeline projector', intervalMs, logger, turn: () => catchUp({ isWaiting: false }) });

  return { catchUp, start, sourceIds };
}
