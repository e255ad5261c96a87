// What keeps the audit log going while the platform runs: the sealer (every quarter second), a
// signed checkpoint of the chain head (every minute, when it moved), and maintenance (at start and
// every six hours: next months' partitions, then retention). Boot starts it after the migrations
// and stops it before the pools close.
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import { sealAuditLog, startAuditSealer } from './sealer.js';
import { writeCheckpoint } from './checkpoints.js';
import { ensureAuditPartitions } from './partitions.js';
import { archiveExpiredPartitions } from './archival.js';

export type AuditBackgroundOptions = {
  pool: pg.Pool;
  signingKey: string;
  retentionYears: number;
  logger: Logger;
  sealIntervalMs?: number;
  checkpointIntervalMs?: number;
  maintenanceIntervalMs?: number;
};

export function startAuditBackground({
  pool,
  signingKey,
  retentionYears,
  logger,
  sealIntervalMs = 250,
  checkpointIntervalMs = 60_000,
  maintenanceIntervalMs = 6 * 60 * 60_000,
}: AuditBackgroundOptions): { stop: () => Promise<void> } {
  const sealer = startAuditSealer({ pool, logger, intervalMs: sealIntervalMs });
  const inFlight = new Set<Promise<unknown>>();
  const track = (name: string, job: () => Promise<unknown>) => {
    const run = job()
      .catch((err) => logger.error({ err }, `audit ${name} failed`))
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
  };

  const checkpoint = () => track('checkpoint', () => writeCheckpoint({ pool, signingKey }));
  const maintain = () =>
    track('maintenance', async () => {
      const created = await ensureAuditPartitions({ pool, monthsAhead: 2 });
      if (created.length) logger.info({ partitions: created }, 'audit partitions created');
      await archiveExpiredPartitions({ pool, signingKey, retentionYears, logger });
    });

  maintain();
  const timers = [setInterval(checkpoint, checkpointIntervalMs), setInterval(maintain, maintenanceIntervalMs)];
  for (const timer of timers) timer.unref();

  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await sealer.stop();
      await Promise.all(inFlight);
      // A last seal and checkpoint, so what was committed is chained and vouched for at once.
      await sealAuditLog({ pool }).catch((err) => logger.warn({ err }, 'final audit seal failed'));
      await writeCheckpoint({ pool, signingKey }).catch((err) => logger.warn({ err }, 'final audit checkpoint failed'));
    },
  };
}
