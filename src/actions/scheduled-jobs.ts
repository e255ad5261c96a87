// Packs' scheduled jobs (sweeps, workflows) on pg-boss's cron: one job per tick across every
// instance (pg-boss's timekeeper sends it once), worked on a queue whose policy allows one active
// job at a time (its migration creates it), so two instances do not sweep at once. A job must still
// be idempotent: a crash mid-sweep re-runs it, and jobs are retried.
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import type { Config } from '../config/config.js';
import type { SystemRunner } from './system-runner.js';

export type ScheduledJobDeps = {
  pool: pg.Pool;
  /** Runs actions as the pack's system principals (src/actions/system-runner.ts). */
  system: SystemRunner;
  logger: Logger;
  /** The app's configuration, where packs read their own settings (src/config/pack-settings.ts). */
  config?: Config;
};

export type ScheduledJob = {
  /** The pg-boss queue; the pack's migration creates it (`SELECT pgboss.create_queue(...)`). */
  name: string;
  /** Five-field cron in UTC; `* * * * *` is every minute, pg-boss's finest. */
  cron: string;
  /** Validates the job's configuration; throwing stops the start. */
  check?: () => void;
  /** One sweep at `now`; returns counts worth logging (all zero: nothing is logged). */
  run: (deps: ScheduledJobDeps & { now: Date }) => Promise<Record<string, number>>;
};

export async function startScheduledJobs({ boss, jobs, deps }: { boss: PgBoss; jobs: ScheduledJob[]; deps: ScheduledJobDeps }): Promise<void> {
  for (const job of jobs) job.check?.();
  for (const job of jobs) {
    await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
    await boss.work(job.name, { pollingIntervalSeconds: 5 }, async () => {
      const counts = await job.run({ ...deps, now: new Date() });
      if (Object.values(counts).some((n) => n > 0)) deps.logger.info({ job: job.name, ...counts }, 'scheduled job');
    });
  }
}
