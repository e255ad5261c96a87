// The bulk job worker. A job's pending targets run in request order, a chunk per transaction: each
// target through the action runner inside the chunk's transaction (its own savepoint, so a refused
// target undoes only itself), then the targets' outcomes and the job's counters, then commit. A
// crash mid-chunk rolls the whole chunk back, runs included, so the next delivery starts again at
// the first pending target and no target ever runs twice. The job row is locked per chunk: two
// deliveries of one job (pg-boss redelivers an expired job) take turns instead of racing.
import type { BulkJob, PrismaClient } from '@prisma/client';
import type PgBoss from 'pg-boss';
import type { AuditActor, AuditService } from '../audit/types.js';
import type pg from 'pg';
import { pgExecutor } from '../audit/sql-executor.js';
import { inTransaction } from '../db/transaction-scope.js';
import type { OperatorAuth } from '../auth/operator-auth.js';
import type { Logger } from '../platform/logger.js';
import { can } from '../rbac/access.js';
import { actorOf, type Execution, type ExecutionResult } from './action-runner.js';
import type { ActionActor, ActionDefinition } from './define-action.js';

export const BULK_QUEUE = 'bulk-action';

export type BulkJobMessage = { jobId: string };

/** What every target of a job shares (BulkJob.payload). */
export type BulkJobPayload = { input: unknown; reasonCode: string; note: string | null; impersonatedUserId: number | null };

type TargetOutcome = {
  position: number;
  status: 'succeeded' | 'failed' | 'pending_approval';
  runId: string | null;
  approvalId: string | null;
  errorCode: string | null;
  detail: string | null;
};

type Refusal = { code: string; detail: string };

// Each target's savepoint takes a subtransaction id that stays with the chunk's transaction until it
// commits; past 64 of them PostgreSQL's per-backend cache overflows and every other session's
// snapshots fall back to pg_subtrans lookups while the chunk runs. 50 stays under that line.
const DEFAULT_CHUNK = 50;
// A chunk takes about a second on a busy 2-core machine; the margin is for a loaded database.
/** A chunk whose statement waits longer than this (a lock) fails; pg-boss retries the job. */
const CHUNK_STATEMENT_TIMEOUT_MS = 120_000;

function outcomeOf(position: number, result: ExecutionResult): TargetOutcome {
  if (result.outcome !== 'failed') return { position, status: result.outcome, runId: result.runId, approvalId: result.approvalId, errorCode: null, detail: null };
  let problem: { code?: unknown; detail?: unknown } = {};
  try {
    problem = JSON.parse(result.body) as typeof problem;
  } catch {
    // The runner always answers JSON; a body that is not still leaves a failed target.
  }
  return {
    position, status: 'failed', runId: result.runId, approvalId: null,
    errorCode: typeof problem.code === 'string' ? problem.code.slice(0, 64) : 'internal_error',
    detail: typeof problem.detail === 'string' ? problem.detail : null,
  };
}

export function createBulkWorker({ pool, prisma, audit, auth, runner, boss, logger, chunkSize = DEFAULT_CHUNK }: {
  pool: pg.Pool;
  prisma: PrismaClient;
  audit: AuditService;
  auth: Pick<OperatorAuth, 'loadPrincipal'>;
  runner: { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined };
  boss: PgBoss;
  logger: Logger;
  chunkSize?: number;
}) {
  const workerIds: string[] = [];
  let isStopping = false;

  /** The job's operator as they are now: gone, disabled or without the permission refuses the rest. */
  async function actorFor(job: Pick<BulkJob, 'operatorId' | 'actionId' | 'payload'>): Promise<{ action: ActionDefinition; actor: ActionActor } | { refusal: Refusal; actor: AuditActor }> {
    const action = runner.get(job.actionId);
    const principal = await auth.loadPrincipal(job.operatorId);
    const nobody = { operatorId: job.operatorId, roles: [] };
    if (!action) return { refusal: { code: 'unknown_action', detail: `The action ${job.actionId} is no longer installed.` }, actor: principal ? actorOf(principal) : nobody };
    if (!principal) return { refusal: { code: 'operator_inactive', detail: `Operator ${job.operatorId} is disabled or gone; the rest of the job was not run.` }, actor: nobody };
    const actor = { ...actorOf(principal), impersonatedUserId: (job.payload as BulkJobPayload).impersonatedUserId ?? null };
    if (!can(principal, action.permission)) return { refusal: { code: 'forbidden', detail: `Operator ${job.operatorId} no longer holds ${action.permission}; the rest of the job was not run.` }, actor };
    return { action, actor };
  }

  /** Works one chunk; true while targets may remain. */
  async function processChunk(jobId: string): Promise<boolean> {
    const head = await prisma.bulkJob.findUnique({ where: { id: jobId }, select: { operatorId: true, actionId: true, payload: true, status: true } });
    if (!head || head.status === 'completed') return false;
    if (head.status === 'queued') await prisma.bulkJob.updateMany({ where: { id: jobId, status: 'queued' }, data: { status: 'running', startedAt: new Date() } });
    const who = await actorFor(head);

    // Prisma calls inside join the chunk's transaction (src/db/transaction-scope.ts).
    const tx = prisma;
    return inTransaction(pool, async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${CHUNK_STATEMENT_TIMEOUT_MS}`);
      // ---- one worker per job at a time
      await tx.$queryRaw`SELECT id FROM bulk_jobs WHERE id = ${jobId}::uuid FOR UPDATE`;
      const job = await tx.bulkJob.findUniqueOrThrow({ where: { id: jobId } });
      if (job.status === 'completed') return false;
      const payload = job.payload as BulkJobPayload;
      const sql = pgExecutor(client);
      const finish = ({ failed = 0 } = {}) => tx.bulkJob.update({
        where: { id: jobId }, data: { status: 'completed', failed: { increment: failed }, startedAt: job.startedAt ?? new Date(), finishedAt: new Date() },
      });

      const targets = await tx.bulkJobTarget.findMany({ where: { jobId, status: 'pending' }, orderBy: { position: 'asc' }, take: chunkSize });

      // ---- the operator may no longer run it: the rest fails, nothing runs
      if ('refusal' in who && targets.length > 0) {
        const { count } = await tx.bulkJobTarget.updateMany({ where: { jobId, status: 'pending' }, data: { status: 'failed', errorCode: who.refusal.code, detail: who.refusal.detail } });
        const done = await finish({ failed: count });
        await audit.append(sql, {
          actor: who.actor, action: 'bulk.refused', entityType: 'bulk_job', entityId: jobId, reasonCode: payload.reasonCode, note: who.refusal.detail,
          after: { actionId: job.actionId, code: who.refusal.code, notRun: count, succeeded: done.succeeded, failed: done.failed, pendingApproval: done.pendingApproval },
          outcome: 'denied',
        });
        return false;
      }

      // ---- the chunk: each target through the runner, in this transaction
      const outcomes: TargetOutcome[] = [];
      if ('action' in who) {
        for (const target of targets) {
          const result = await runner.execute({
            action: who.action, actor: who.actor, keyScope: null, origin: { bulkJobId: jobId }, client,
            request: { target: { type: target.targetType, id: target.targetId }, input: payload.input, reasonCode: payload.reasonCode, note: payload.note },
          });
          outcomes.push(outcomeOf(target.position, result));
        }
      }

      // ---- the outcomes and counters, committed with the runs they describe
      if (outcomes.length > 0) {
        const column = <K extends keyof TargetOutcome>(key: K) => outcomes.map((o) => o[key]);
        await tx.$executeRaw`
          UPDATE bulk_job_targets AS t
             SET status = v.status::"BulkTargetStatus", run_id = v.run_id::uuid, approval_id = v.approval_id::uuid, error_code = v.error_code, detail = v.detail
            FROM unnest(${column('position')}::int[], ${column('status')}::text[], ${column('runId')}::text[], ${column('approvalId')}::text[],
                        ${column('errorCode')}::text[], ${column('detail')}::text[]) AS v(position, status, run_id, approval_id, error_code, detail)
           WHERE t.job_id = ${jobId}::uuid AND t.position = v.position`;
        const count = (status: TargetOutcome['status']) => outcomes.filter((o) => o.status === status).length;
        await tx.bulkJob.update({
          where: { id: jobId },
          data: { succeeded: { increment: count('succeeded') }, failed: { increment: count('failed') }, pendingApproval: { increment: count('pending_approval') } },
        });
      }
      if (targets.length === chunkSize) return true;

      // ---- nothing left: the job is done
      const done = await finish();
      await audit.append(sql, {
        actor: who.actor, action: 'bulk.completed', entityType: 'bulk_job', entityId: jobId, reasonCode: payload.reasonCode, note: payload.note,
        after: { actionId: job.actionId, total: done.total, succeeded: done.succeeded, failed: done.failed, pendingApproval: done.pendingApproval },
        outcome: 'succeeded',
      });
      return false;
    });
  }

  /** Works a job to the end (or until a chunk fails: pg-boss retries, and the retry resumes). */
  async function process(jobId: string): Promise<void> {
    for (;;) {
      // Failing (not returning) hands the job back to pg-boss as a retry: the next start resumes it.
      if (isStopping) throw new Error(`bulk worker stopping; job ${jobId} resumes at its first pending target`);
      if (!(await processChunk(jobId))) return;
    }
  }

  /** Registers the pg-boss workers of the 'bulk-action' queue (the platform calls it once, after boss.start()). */
  async function work({ workers = 2, pollingIntervalSeconds = 1 }: { workers?: number; pollingIntervalSeconds?: number } = {}): Promise<void> {
    isStopping = false;
    for (let i = 0; i < workers; i += 1) {
      workerIds.push(await boss.work<BulkJobMessage>(BULK_QUEUE, { pollingIntervalSeconds }, async ([message]) => {
        try {
          await process(message.data.jobId);
        } catch (err) {
          if (!isStopping) logger.warn({ err, jobId: message.data.jobId }, 'bulk job chunk failed; pg-boss retries the job, which resumes at its first pending target');
          throw err;
        }
      }));
    }
  }

  /** A job was just committed: local workers fetch it now instead of at their next poll. */
  function wake(): void {
    for (const id of workerIds) boss.notifyWorker(id);
  }

  /**
   * Call before boss.stop(): running jobs stop after their current chunk and go back to pg-boss as
   * retries, so a graceful stop waits for one chunk (about a second), not a whole job.
   */
  function stop(): void {
    isStopping = true;
  }

  return { process, work, wake, stop };
}
