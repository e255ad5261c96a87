// The action runner and the services around it, created once per app from the installed packs'
// actions: the idempotency store, the outbox (pg-boss), runs and retries, approvals. The HTTP
// routes and the AdminJS actions both take them from here, so both faces share one runner.
import type { FeatureGate } from '../flags/feature-gate.js';
import type { Database } from '../db/database.js';
import type { AuditService } from '../audit/types.js';
import type { OperatorAuth } from '../auth/operator-auth.js';
import type { Logger } from '../platform/logger.js';
import type { Plugin } from '../platform/plugin.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { ActionPlatform } from './define-action.js';
import { createApprovalService } from '../approvals/approval-service.js';
import { createActionRunner } from './action-runner.js';
import { createBulkJobService } from './bulk-jobs.js';
import { createIdempotencyStore } from './idempotency.js';
import { createJobQueue, createOutbox } from './outbox.js';
import { createRunService } from './run-service.js';
import { createSystemRunner } from './system-runner.js';

export function createActionServices({ db, audit, auth, logger, rbac, plugins, gate, platform }: {
  db: Database; audit: AuditService; auth: OperatorAuth; logger: Logger; rbac: RbacModel; plugins: Plugin[];
  /** Feature flags' kill switches (src/flags/feature-gate.ts), for the runner and bulk jobs. */
  gate?: FeatureGate;
  /** What actions may call besides the database (Unleash's Admin API for flag changes). */
  platform?: ActionPlatform;
}) {
  const boss = createJobQueue({ pool: db.pool });
  const outbox = createOutbox({ boss, pool: db.pool, logger, handlers: Object.assign({}, ...plugins.map((p) => p.outboxHandlers ?? {})) });
  const idempotency = createIdempotencyStore({ pool: db.pool });
  const runner = createActionRunner({ db, audit, idempotency, outbox, actions: rbac.actions, logger, gate, platform });
  const runs = createRunService({ prisma: db.prisma, audit, idempotency, runner });
  const approvals = createApprovalService({ prisma: db.prisma, audit, auth, idempotency, runner });
  const bulk = createBulkJobService({ pool: db.pool, prisma: db.prisma, audit, auth, idempotency, runner, boss, logger, gate, platform });
  // Packs' workflows run actions as their system principals, on pg-boss's cron (docs/adr/0017).
  const system = createSystemRunner({ pool: db.pool, runner });
  const scheduled = { jobs: plugins.flatMap((p) => p.scheduledJobs ?? []), deps: { pool: db.pool, system, logger, config: platform?.config } };
  return { boss, outbox, idempotency, runner, runs, approvals, bulk, system, scheduled };
}

export type ActionServices = ReturnType<typeof createActionServices>;
