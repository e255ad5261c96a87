// The minute job behind the dashboard and the consoles' read models: folds the packs' read models
// (counter deltas into balances and activity), then computes every figure and rewrites the
// snapshot. One instance at a time: a transaction-level advisory lock, taken without waiting, so a
// second instance (or a slow run overlapping the next tick) skips instead of queueing.
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import type { Config } from '../config/config.js';
import type { DashboardFigure, ReadModelRefresh } from './dashboard-types.js';
import { startRepeatingTask } from '../platform/repeating-task.js';

// Arbitrary, fixed: the key of the job's advisory lock ("dashbrd" in ASCII).
export const REFRESH_LOCK_KEY = 0x64617368627264;

export type RefreshOutcome = { skipped: true } | { skipped: false; readModels: number; figures: number; ms: number };

export function createDashboardRefresh({ pool, config, figures, readModels }: {
  pool: pg.Pool;
  /** Thresholds some figures read (e.g. a pack's settings, src/config/pack-settings.ts). */
  config: Config;
  figures: DashboardFigure[];
  readModels: ReadModelRefresh[];
}) {
  const snapshotFigures = figures.flatMap((f) => (f.compute ? [{ ...f, compute: f.compute }] : []));
  async function refresh(now = new Date()): Promise<RefreshOutcome> {
    const started = Date.now();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: [lock] } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [REFRESH_LOCK_KEY]);
      if (!lock?.ok) {
        await client.query('ROLLBACK');
        return { skipped: true };
      }
      // ---- read models first: the figures read them
      for (const model of readModels) await model.refresh(client, now);
      // ---- figures, written in one statement (personal ones are counted when read, not here)
      const values: number[] = [];
      for (const figure of snapshotFigures) values.push(await figure.compute(client, now, config));
      await client.query(
        `INSERT INTO read_models.dashboard_figures (figure_id, value, refreshed_at)
         SELECT id, value, $3 FROM unnest($1::text[], $2::bigint[]) AS f(id, value)
         ON CONFLICT (figure_id) DO UPDATE SET value = excluded.value, refreshed_at = excluded.refreshed_at`,
        [snapshotFigures.map((f) => f.id), values, now],
      );
      await client.query('COMMIT');
      return { skipped: false, readModels: readModels.length, figures: snapshotFigures.length, ms: Date.now() - started };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return { refresh };
}

export type DashboardRefresh = ReturnType<typeof createDashboardRefresh>;

/**
 * Runs the job now and every `intervalMs` (30 s by default, so no figure is older than a minute
 * even when one run is skipped); boot starts it after the HTTP app and stops it before the pools.
 */
export function startDashboardRefresh({ refresh, logger, intervalMs = 30_000 }: { refresh: DashboardRefresh; logger: Logger; intervalMs?: number }) {
  return startRepeatingTask({
    name: 'dashboard refresh', intervalMs, logger, runsNow: true,
    turn: async () => {
      const outcome = await refresh.refresh();
      if (!outcome.skipped && outcome.ms > 5_000) logger.warn(outcome, 'slow dashboard refresh');
    },
  });
}
