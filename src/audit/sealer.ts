// The sealer: chains committed inbox rows into audit.events (audit.seal() in the migration does the
// work in one transaction per batch). Every instance may run one; they take turns on the chain head
// lock, so running several is safe and one is enough.
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import { startRepeatingTask } from '../platform/repeating-task.js';

export type SealOptions = {
  /** Rows per transaction. */
  batchSize?: number;
  /** How old a later row must be before a missing number is taken as rolled back. */
  graceMs?: number;
  /** How long to wait for a writer still holding a missing number. */
  waitMs?: number;
};

/** Seals everything sealable now; returns how many rows were chained. */
export async function sealAuditLog({ pool, batchSize = 5_000, graceMs = 2_000, waitMs = 2_000 }: { pool: Pick<pg.Pool, 'query'> } & SealOptions): Promise<number> {
  let total = 0;
  for (;;) {
    // One statement is one READ COMMITTED transaction, as audit.seal() requires.
    const { rows: [{ sealed }] } = await pool.query<{ sealed: number }>(
      `SELECT audit.seal($1, make_interval(secs => $2::float8 / 1000), make_interval(secs => $3::float8 / 1000)) AS sealed`,
      [batchSize, graceMs, waitMs],
    );
    total += sealed;
    if (sealed < batchSize) return total;
  }
}

/** Seals every `intervalMs` until stopped. Failures are logged and retried at the next turn. */
export function startAuditSealer({ pool, logger, intervalMs = 250, ...options }: { pool: pg.Pool; logger: Logger; intervalMs?: number } & SealOptions): {
  stop: () => Promise<void>;
} {
  // A failed turn loses nothing: unsealed rows stay in the inbox, committed, and are chained later.
  return startRepeatingTask({ name: 'audit sealer', intervalMs, logger, turn: () => sealAuditLog({ pool, ...options }) });
}
