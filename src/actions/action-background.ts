// What keeps actions going while the platform runs: pg-boss (maintenance, retries) with the outbox
// and bulk-job workers, and a sweep every minute that expires stale approval requests, executes approved ones
// a crash left without a run, and purges idempotency keys past retention. Boot starts it after the
// HTTP app exists and stops it before the pools close.
import type { Logger } from '../platform/logger.js';
import type { ActionServices } from './action-services.js';
import { startScheduledJobs } from './scheduled-jobs.js';

export async function startActionBackground({ actions, logger, sweepIntervalMs = 60_000 }: {
  actions: ActionServices;
  logger: Logger;
  sweepIntervalMs?: number;
}): Promise<{ stop: () => Promise<void> }> {
  const { boss, outbox, approvals, idempotency } = actions;
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  await boss.start();
  await outbox.work();
  await actions.bulk.work();
  await startScheduledJobs({ boss, ...actions.scheduled });

  let sweeping: Promise<unknown> | null = null;
  const sweep = () => {
    if (sweeping) return;
    sweeping = (async () => {
      const { expired, resumed } = await approvals.sweep();
      const purged = await idempotency.purge();
      if (expired || resumed || purged) logger.info({ expired, resumed, purged }, 'action sweep');
    })()
      .catch((err) => logger.error({ err }, 'action sweep failed'))
      .finally(() => (sweeping = null));
  };
  sweep();
  const timer = setInterval(sweep, sweepIntervalMs);
  timer.unref();

  return {
    stop: async () => {
      clearInterval(timer);
      // A running bulk job stops after its current chunk and is handed back to pg-boss.
      actions.bulk.stop();
      await sweeping;
      // Waits for running handlers, then stops; jobs not taken stay queued for the next start.
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
