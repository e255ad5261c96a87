// The sealer: chains committed inbox rows into audit.events (audit.seal() in the migration does the
// work in one transaction per batch). Every instance may run one; they take turns on the chain head
// lock, so running several is safe and one is enough.
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';

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
  let isStopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;

  const turn = async () => {
    try {
      await sealAuditLog({ pool, ...options });
      if (failures > 0) logger.info({ failures }, 'audit sealer recovered');
      failures = 0;
    } catch (err) {
      // Unsealed rows stay in the inbox, committed: nothing is lost, they are chained later.
      if (failures++ % 20 === 0) logger.error({ err, failures }, 'audit sealer failed; retrying');
    }
  };
  const schedule = () => {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = turn().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    stop: async () => {
      isStopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
