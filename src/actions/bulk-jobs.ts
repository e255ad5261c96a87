// Bulk actions: one action over up to 1000 targets, run as a durable job. The request is checked
// like a single action (permission, Idempotency-Key, input and reason code once, every target's
// type), then ONE transaction stores the job, its targets in request order, the `bulk.requested`
// audit row, the pg-boss message that gets it worked, and the replayable 202: either all of it
// exists or none. The worker (bulk-worker.ts) then runs the targets through the action runner.
import type { FeatureGate } from '../flags/feature-gate.js';
import { randomUUID } from 'node:crypto';
import type { BulkJob, BulkJobTarget, Prisma, PrismaClient } from '@prisma/client';
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import { z } from 'zod/v4';
import type { AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import { inTransaction } from '../db/transaction-scope.js';
import type { OperatorAuth, OperatorPrincipal } from '../auth/operator-auth.js';
import { AppError, forbidden, notFound, validationFailed } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import type { Logger } from '../platform/logger.js';
import { can } from '../rbac/access.js';
import { actorOf, type Execution, type ExecutionResult } from './action-runner.js';
import { problemResponse, unknownAction } from './action-errors.js';
import { parseActionRequest } from './action-request.js';
import { targetTypes, type ActionDefinition, type ActionPlatform } from './define-action.js';
import { checkIdempotencyKey, requestHash, type IdempotencyStore } from './idempotency.js';
import { bossExecutor } from './outbox.js';
import { BULK_QUEUE, createBulkWorker, type BulkJobMessage, type BulkJobPayload } from './bulk-worker.js';
import type { ActionRequest, ActionResponse } from './types.js';

export { BULK_QUEUE, type BulkJobMessage } from './bulk-worker.js';

export const MAX_BULK_TARGETS = 1000;

/** A statement of the job's creation that waits longer than this (a lock) fails it. */
const SUBMIT_STATEMENT_TIMEOUT_MS = 30_000;

const targetSchema = z.strictObject({
  type: z.string().min(1).max(64),
  id: z.union([z.string().min(1).max(64), z.number().int()]).transform(String),
});
const envelope = z.strictObject({
  targets: z.array(z.unknown()).min(1, 'name at least one target').max(MAX_BULK_TARGETS, `at most ${MAX_BULK_TARGETS} targets per job`),
  input: z.record(z.string(), z.unknown()).optional(),
  reasonCode: z.string().min(1).max(64),
  note: z.string().max(2000).nullish(),
});

/** The body checked once: shared input and reason code, and every target's shape, type and uniqueness. */
function parseBulkRequest(action: ActionDefinition, body: unknown) {
  const request = parseOr422(envelope, body);
  const types = targetTypes(action);
  const seen = new Map<string, number>();
  const targets = request.targets.map((raw, position) => {
    const target = parseOr422(targetSchema, raw, { prefix: ['targets', String(position)] });
    if (!types.includes(target.type)) throw validationFailed(`targets.${position}.type: ${action.id} acts on ${types.join(' or ')}, not ${target.type}`);
    const key = `${target.type}:${target.id}`;
    const first = seen.get(key);
    if (first !== undefined) throw validationFailed(`targets.${position}: ${key} is already targets.${first}; each target may appear once`);
    seen.set(key, position);
    return target;
  });
  const { input, reasonCode, note } = parseActionRequest(action, {
    target: targets[0], input: request.input, reasonCode: request.reasonCode, note: request.note,
  });
  return { targets, input, reasonCode, note };
}

const progressOf = (job: BulkJob) => (job.total === 0 ? 1 : Math.round(((job.succeeded + job.failed + job.pendingApproval) / job.total) * 10_000) / 10_000);

/** A job as the API shows it (the 202 without targets; GET /api/jobs/{id} with them). */
export function bulkJobView(job: BulkJob, targets?: BulkJobTarget[]) {
  return {
    id: job.id,
    actionId: job.actionId,
    status: job.status,
    operatorId: job.operatorId,
    total: job.total,
    succeeded: job.succeeded,
    failed: job.failed,
    pendingApproval: job.pendingApproval,
    progress: progressOf(job),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    ...(targets ? {
      targets: targets.map((t) => ({
        position: t.position, target: { type: t.targetType, id: t.targetId }, status: t.status,
        runId: t.runId, approvalId: t.approvalId, errorCode: t.errorCode, detail: t.detail,
      })),
    } : {}),
  };
}

export function createBulkJobService({ pool, prisma, audit, auth, idempotency, runner, boss, logger, chunkSize, lanes, gate, platform = { unleash: null } }: {
  pool: pg.Pool;
  prisma: PrismaClient;
  audit: AuditService;
  auth: Pick<OperatorAuth, 'loadPrincipal'>;
  idempotency: IdempotencyStore;
  runner: { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined };
  boss: PgBoss;
  logger: Logger;
  /** Targets per transaction (tests make it small to crash mid-job). */
  chunkSize?: number;
  lanes?: number;
  /** Kill switches: `opsdeck.bulk-actions` and the action's own flag (src/flags/feature-gate.ts). */
  gate?: FeatureGate;
  /** For actions' `validate` (define-action.ts ActionPlatform). */
  platform?: ActionPlatform;
}) {
  const worker = createBulkWorker({ pool, prisma, audit, auth, runner, boss, logger, chunkSize, lanes });

  /** `POST /api/actions/{actionId}/bulk`: 202 with the job, or the problem; replays the first answer. */
  async function submit({ actionId, operator, idempotencyKey, body }: ActionRequest): Promise<ActionResponse> {
    try {
      const action = runner.get(actionId);
      if (!action) throw unknownAction(actionId);
      const actor = actorOf(operator);
      if (!can(operator, action.permission)) {
        await audit.appendStandalone({
          actor, action: 'access.denied', entityType: 'action', entityId: action.id, note: `bulk: missing permission ${action.permission}`, outcome: 'denied',
        });
        throw forbidden(`Your roles do not grant ${action.permission}.`);
      }
      // No job is stored while bulk jobs or the action itself are switched off. Targets of a job
      // accepted before a switch went off are refused one by one by the runner (failed runs).
      if (gate) {
        await gate.require('opsdeck.bulk-actions', { actor, entityType: 'action', entityId: action.id, what: 'Bulk actions' });
        if (action.flag) await gate.require(action.flag, { actor, entityType: 'action', entityId: action.id, what: action.title });
      }
      const key = checkIdempotencyKey(idempotencyKey);
      const request = parseBulkRequest(action, body);
      const keyScope = { operatorId: operator.id, scope: `bulk:${action.id}`, key };
      const claim = await idempotency.claim(keyScope, requestHash(body));
      if (claim.kind === 'replay') return { status: claim.status, body: claim.body, isReplay: true };
      // An action's checks against outside systems (define-action.ts `validate`), per target, before the job is stored.
      if (action.validate) {
        try {
          for (const target of request.targets) await action.validate({ input: request.input, target, actor, platform });
        } catch (err) {
          await idempotency.release(keyScope);
          throw err;
        }
      }

      const jobId = randomUUID();
      const payload: BulkJobPayload = { input: request.input, reasonCode: request.reasonCode, note: request.note, impersonatedUserId: actor.impersonatedUserId };
      let response: { status: number; body: string };
      try {
        // ---- the job, its targets, its audit row, its queue message and its answer: one commit.
        // The targets go in one statement (a thousand rows through Prisma's createMany cost a
        // tenth of a second of CPU); the job row through Prisma, which joins this transaction.
        response = await inTransaction(pool, async (client) => {
          const sql = pgExecutor(client);
          const job = await prisma.bulkJob.create({
            data: { id: jobId, actionId: action.id, operatorId: operator.id, payload: payload as Prisma.InputJsonValue, total: request.targets.length },
          });
          await client.query(
            `INSERT INTO bulk_job_targets (job_id, position, target_type, target_id)
             SELECT $1::uuid, t.n - 1, t.type, t.id FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(type, id, n)`,
            [jobId, request.targets.map((t) => t.type), request.targets.map((t) => t.id)]);
          await audit.append(sql, {
            actor, action: 'bulk.requested', entityType: 'bulk_job', entityId: jobId, reasonCode: request.reasonCode, note: request.note,
            after: { actionId: action.id, total: request.targets.length, input: request.input, targets: request.targets.map((t) => `${t.type}:${t.id}`) },
            outcome: 'succeeded',
          });
          await boss.send(BULK_QUEUE, { jobId } satisfies BulkJobMessage, { db: bossExecutor(sql) });
          const answer = { status: 202, body: JSON.stringify({ job: bulkJobView(job) }) };
          await idempotency.complete(sql, keyScope, answer);
          return answer;
        }, { begin: `BEGIN; SET LOCAL statement_timeout = ${SUBMIT_STATEMENT_TIMEOUT_MS}` });
      } catch (err) {
        // Nothing was stored: the key goes back, so the client may send the same request again.
        await idempotency.release(keyScope);
        throw err;
      }
      worker.wake();
      return { ...response, isReplay: false };
    } catch (err) {
      if (err instanceof AppError) return problemResponse(err);
      throw err;
    }
  }

  /** `GET /api/jobs/{id}`: the operator's own jobs, or any with `run.read`; anything else is 404. */
  async function get({ id, operator }: { id: string; operator: OperatorPrincipal }) {
    const job = z.uuid().safeParse(id).success ? await prisma.bulkJob.findUnique({ where: { id } }) : null;
    if (!job || (job.operatorId !== operator.id && !can(operator, 'run.read'))) throw notFound(`No job ${id}.`);
    const targets = await prisma.bulkJobTarget.findMany({ where: { jobId: id }, orderBy: { position: 'asc' } });
    return bulkJobView(job, targets);
  }

  return { submit, get, process: worker.process, work: worker.work, stop: worker.stop };
}

export type BulkJobService = ReturnType<typeof createBulkJobService>;
