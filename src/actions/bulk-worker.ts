// The bulk job worker. A job's pending targets run a chunk per transaction: each target through the
// action runner inside the chunk's transaction (its own savepoint, so a refused target undoes only
// itself), then the targets' outcomes and the job's counters, then commit. Two lanes work a job at
// once, each on its own connection: while one lane's statements run in PostgreSQL the other's
// JavaScript runs in Node. A lane takes the first pending targets nobody holds (FOR UPDATE SKIP
// LOCKED), so targets run in request order within a chunk and no target is in two chunks. A crash
// mid-chunk rolls that chunk back, runs included: its targets stay pending and the next delivery
// runs them; none ever runs twice. Two deliveries of one job (pg-boss redelivers an expired job)
// share the targets the same way. The job is completed once, under its row lock, when no target is
// pending.
import type { BulkJob, PrismaClient } from '@prisma/client';
import type PgBoss from 'pg-boss';
import type { AuditActor, AuditService } from '../audit/types.js';
import type pg from 'pg';
import { pgExecutor } from '../audit/sql-executor.js';
import { inTransaction, settleAtCommit } from '../db/transaction-scope.js';
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
/** Chunks of one job worked at once (one connection each): the two cores' worth of overlap. */
const DEFAULT_LANES = 2;
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

export function createBulkWorker({ pool, prisma, audit, auth, runner, boss, logger, chunkSize = DEFAULT_CHUNK, lanes = DEFAULT_LANES }: {
  pool: pg.Pool;
  prisma: PrismaClient;
  audit: AuditService;
  auth: Pick<OperatorAuth, 'loadPrincipal'>;
  runner: { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined };
  boss: PgBoss;
  logger: Logger;
  chunkSize?: number;
  lanes?: number;
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

  type Head = Pick<BulkJob, 'operatorId' | 'actionId' | 'payload'>;

  /** Works one chunk; true while targets may remain for this lane. */
  async function processChunk(jobId: string, head: Head, who: { action: ActionDefinition; actor: ActionActor }): Promise<boolean> {
    const payload = head.payload as BulkJobPayload;
    return inTransaction(pool, async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${CHUNK_STATEMENT_TIMEOUT_MS}`);
      const sql = pgExecutor(client);
      // ---- the first pending targets no other lane or delivery holds, locked until commit
      const { rows: targets } = await client.query<{ position: number; targetType: string; targetId: string }>(
        `SELECT position, target_type AS "targetType", target_id AS "targetId" FROM bulk_job_targets
          WHERE job_id = $1 AND status = 'pending' ORDER BY position LIMIT $2 FOR UPDATE SKIP LOCKED`, [jobId, chunkSize]);
      if (targets.length === 0) return false;

      // ---- the chunk: each target through the runner, in this transaction
      const outcomes: TargetOutcome[] = [];
      for (const target of targets) {
        const result = await runner.execute({
          action: who.action, actor: who.actor, keyScope: null, origin: { bulkJobId: jobId }, client,
          request: { target: { type: target.targetType, id: target.targetId }, input: payload.input, reasonCode: payload.reasonCode, note: payload.note },
        });
        outcomes.push(outcomeOf(target.position, result));
      }

      // ---- the outcomes and counters, committed with the runs they describe
      const column = <K extends keyof TargetOutcome>(key: K) => outcomes.map((o) => o[key]);
      const count = (status: TargetOutcome['status']) => outcomes.filter((o) => o.status === status).length;
      settleAtCommit(Promise.all([
        client.query(`
          UPDATE bulk_job_targets AS t
             SET status = v.status::"BulkTargetStatus", run_id = v.run_id::uuid, approval_id = v.approval_id::uuid, error_code = v.error_code, detail = v.detail
            FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS v(position, status, run_id, approval_id, error_code, detail)
           WHERE t.job_id = $1::uuid AND t.position = v.position`,
        [jobId, column('position'), column('status'), column('runId'), column('approvalId'), column('errorCode'), column('detail')]),
        client.query('UPDATE bulk_jobs SET succeeded = succeeded + $2, failed = failed + $3, pending_approval = pending_approval + $4 WHERE id = $1',
          [jobId, count('succeeded'), count('failed'), count('pending_approval')]),
      ]));
      return targets.length === chunkSize;
    });
  }

  /** The operator may no longer run the job: every pending target fails, nothing runs; returns how many. */
  async function refuseRest(jobId: string, refusal: Refusal): Promise<number> {
    return inTransaction(pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE bulk_job_targets SET status = 'failed', error_code = $2, detail = $3 WHERE job_id = $1 AND status = 'pending'`,
        [jobId, refusal.code, refusal.detail]);
      await client.query('UPDATE bulk_jobs SET failed = failed + $2 WHERE id = $1', [jobId, rowCount ?? 0]);
      return rowCount ?? 0;
    });
  }

  /**
   * Completes the job once no target is pending (under its row lock: one delivery completes it),
   * with its audit row: bulk.completed, or bulk.refused when its operator could no longer run it.
   * False while targets are pending.
   */
  async function finish(jobId: string, head: Head, who: Awaited<ReturnType<typeof actorFor>>, notRun: number): Promise<boolean> {
    const payload = head.payload as BulkJobPayload;
    return inTransaction(pool, async (client) => {
      const { rows: [job] } = await client.query<{ status: string }>('SELECT status FROM bulk_jobs WHERE id = $1 FOR UPDATE', [jobId]);
      if (!job || job.status === 'completed') return true;
      const { rowCount: pending } = await client.query(`SELECT 1 FROM bulk_job_targets WHERE job_id = $1 AND status = 'pending' LIMIT 1`, [jobId]);
      if (pending) return false;
      const { rows: [done] } = await client.query<{ total: number; succeeded: number; failed: number; pendingApproval: number }>(
        `UPDATE bulk_jobs SET status = 'completed', started_at = coalesce(started_at, now()), finished_at = now() WHERE id = $1
         RETURNING total, succeeded, failed, pending_approval AS "pendingApproval"`, [jobId]);
      const counts = { total: done.total, succeeded: done.succeeded, failed: done.failed, pendingApproval: done.pendingApproval };
      await audit.append(pgExecutor(client), 'refusal' in who
        ? {
          actor: who.actor, action: 'bulk.refused', entityType: 'bulk_job', entityId: jobId, reasonCode: payload.reasonCode, note: who.refusal.detail,
          after: { actionId: head.actionId, code: who.refusal.code, notRun, ...counts }, outcome: 'denied',
        }
        : {
          actor: who.actor, action: 'bulk.completed', entityType: 'bulk_job', entityId: jobId, reasonCode: payload.reasonCode, note: payload.note,
          after: { actionId: head.actionId, ...counts }, outcome: 'succeeded',
        });
      return true;
    });
  }

  /** Works a job to the end (or until a chunk fails: pg-boss retries, and the retry resumes). */
  async function process(jobId: string): Promise<void> {
    const head = await prisma.bulkJob.findUnique({ where: { id: jobId }, select: { operatorId: true, actionId: true, payload: true, status: true } });
    if (!head || head.status === 'completed') return;
    if (head.status === 'queued') await prisma.bulkJob.updateMany({ where: { id: jobId, status: 'queued' }, data: { status: 'running', startedAt: new Date() } });
    const who = await actorFor(head);
    if ('refusal' in who) {
      const notRun = await refuseRest(jobId, who.refusal);
      while (!(await finish(jobId, head, who, notRun))) await new Promise((resolve) => setTimeout(resolve, 100));
      return;
    }
    for (;;) {
      const lane = async () => {
        // Failing (not returning) hands the job back to pg-boss as a retry: the next start resumes it.
        for (;;) {
          if (isStopping) throw new Error(`bulk worker stopping; job ${jobId} resumes at its first pending target`);
          if (!(await processChunk(jobId, head, who))) return;
        }
      };
      // Every lane ends (a failed one's chunk rolled back) before the job is handed back or finished.
      const ended = await Promise.allSettled(Array.from({ length: lanes }, lane));
      const failure = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      // Pending targets left: another delivery holds them (its lanes finish the job) or took them back.
      if (await finish(jobId, head, who, 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
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
