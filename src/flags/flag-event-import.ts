// Flag changes made in Unleash (its dashboard, its Admin API) are imported into opsdeck's audit log,
// so "what changed" shows operator actions and flag changes side by side (docs/adr/0014). A poller
// in every instance reads Unleash's event log forward from a cursor and appends one audit row per
// feature event: actor `unleash:<createdBy>` (src/audit/external-actor.ts), action
// `flag.<Unleash event type>`, entity `flag` / the flag's name, before/after from Unleash's
// preData/data. Events that concern no flag (users, tokens, projects) only move the cursor.
//
// Exactly once: the rows and the cursor move commit in ONE transaction, under the cursor row's lock.
// Whatever was read from Unleash is filtered against the cursor as locked, so a crash (nothing
// committed: read again) or a second instance (waits for the lock, then finds the cursor moved)
// never imports an event twice or skips one.
//
// Ids Unleash handed out but has not committed yet would be skipped if the cursor passed them: the
// cursor only passes a missing id once a later event is at least `settleMs` old (a rolled-back
// write), and never passes the newest events until they are that old.
import type pg from 'pg';
import type { AuditEvent, AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import { externalActor } from '../audit/external-actor.js';
import { inTransaction } from '../db/transaction-scope.js';
import { readEventRange, type UnleashEvent } from './unleash-event-log.js';
import { startRepeatingTask } from '../platform/repeating-task.js';

type LogFn = (objOrMsg: unknown, msg?: string) => void;

export const UNLEASH_EVENT_SOURCE = 'unleash';

const asSnapshot = (value: unknown): Record<string, unknown> | null => {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
};

/** The audit row of one Unleash feature event. */
export function flagAuditEvent(event: UnleashEvent): AuditEvent {
  const where = [event.environment && `environment ${event.environment}`, event.project && `project ${event.project}`].filter(Boolean).join(', ');
  return {
    actor: externalActor('unleash', event.createdBy ?? 'unknown'),
    action: `flag.${event.type}`.slice(0, 200),
    entityType: 'flag',
    entityId: String(event.featureName).slice(0, 200),
    note: `Unleash event #${event.id} at ${event.createdAt}${where ? ` (${where})` : ''}${event.label ? `: ${event.label}` : ''}`,
    before: asSnapshot(event.preData),
    after: asSnapshot(event.data),
    outcome: 'succeeded',
  };
}

export type FlagEventImport = {
  /** Imports what is new and settled; answers the rows appended and where the cursor stands. */
  runOnce(): Promise<{ imported: number; cursor: number }>;
  /** Polls every `intervalMs` until stopped (boot); a failed round is logged and retried next time. */
  start(intervalMs: number): { stop: () => Promise<void> };
};

export function createFlagEventImport({ url, adminToken, pool, audit, logger, settleMs = 2_000, rangeSize = 200, maxRangesPerRun = 50, now = () => Date.now() }: {
  url: string;
  adminToken: string;
  pool: pg.Pool;
  audit: Pick<AuditService, 'appendMany'>;
  logger: { info: LogFn; warn: LogFn; error: LogFn };
  /** How old an event must be before the cursor may pass the ids below it. */
  settleMs?: number;
  rangeSize?: number;
  /** Bounds one round (a first import of a long history continues on the next rounds). */
  maxRangesPerRun?: number;
  now?: () => number;
}): FlagEventImport {
  const readCursor = async (): Promise<number> =>
    Number((await pool.query(`SELECT last_event_id FROM flag_event_cursors WHERE source = $1`, [UNLEASH_EVENT_SOURCE])).rows[0]?.last_event_id ?? 0);

  /** Where the cursor may go after reading this range: the last id we can be sure of. */
  function safeEnd(events: UnleashEvent[], afterId: number, rangeEnd: number, newestId: number): number {
    const isSettled = (e: UnleashEvent) => Date.parse(e.createdAt) <= now() - settleMs;
    const settled = events.filter(isSettled);
    // A whole range of missing ids below a newer committed event: writes that rolled back.
    if (events.length === 0) return rangeEnd < newestId ? rangeEnd : afterId;
    return settled.length ? settled[settled.length - 1].id : afterId;
  }

  /** Appends the feature events in (locked cursor, upTo] and moves the cursor there, in one transaction. */
  function commit(events: UnleashEvent[], upTo: number): Promise<number> {
    return inTransaction(pool, async (client) => {
      await client.query(`INSERT INTO flag_event_cursors (source, last_event_id) VALUES ($1, 0) ON CONFLICT (source) DO NOTHING`, [UNLEASH_EVENT_SOURCE]);
      const locked = Number((await client.query(`SELECT last_event_id FROM flag_event_cursors WHERE source = $1 FOR UPDATE`, [UNLEASH_EVENT_SOURCE])).rows[0].last_event_id);
      if (upTo <= locked) return 0;
      const fresh = events.filter((e) => e.id > locked && e.id <= upTo && e.featureName);
      await audit.appendMany(pgExecutor(client), fresh.map(flagAuditEvent));
      await client.query(`UPDATE flag_event_cursors SET last_event_id = $2, updated_at = now() WHERE source = $1`, [UNLEASH_EVENT_SOURCE, upTo]);
      return fresh.length;
    });
  }

  async function runOnce(): Promise<{ imported: number; cursor: number }> {
    let cursor = await readCursor();
    let imported = 0;
    for (let round = 0; round < maxRangesPerRun; round++) {
      const { events, newestId, rangeEnd } = await readEventRange({ url, adminToken, afterId: cursor, rangeSize });
      const upTo = safeEnd(events, cursor, rangeEnd, newestId);
      if (upTo <= cursor) break;
      imported += await commit(events, upTo);
      // Another instance may have gone further meanwhile: continue from what is committed.
      cursor = Math.max(upTo, await readCursor());
      if (cursor >= newestId) break;
    }
    if (imported > 0) logger.info({ imported, cursor }, 'imported flag changes from the Unleash event log');
    return { imported, cursor };
  }

  return {
    runOnce,
    // Unleash down fails every round: the task logs the first failure, every 20th, and the recovery.
    start: (intervalMs) => startRepeatingTask({ name: 'importing the Unleash event log', intervalMs, logger, runsNow: true, turn: runOnce }),
  };
}
