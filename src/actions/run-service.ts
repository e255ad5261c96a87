// Runs and exceptions: the keyset list behind GET /api/runs and the "Runs & exceptions" screen, and
// Retry. A retry re-executes the failed run's stored request through the runner as the operator
// who retries (their permission is checked again), under their own Idempotency-Key; a run is
// retried at most once (the next failure is the new exception to retry).
import type { PrismaClient, Prisma } from '@prisma/client';
import { z } from 'zod/v4';
import { AppError, conflict, forbidden, notFound } from '../http/errors.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { AuditService } from '../audit/types.js';
import { can } from '../rbac/access.js';
import { actorOf, type Execution, type ExecutionResult } from './action-runner.js';
import type { ActionDefinition } from './define-action.js';
import { checkIdempotencyKey, requestHash, type IdempotencyStore } from './idempotency.js';
import { runView } from './run-view.js';
import { problemResponse } from './action-errors.js';
import { afterCursor, keyPage } from '../http/keyset-cursor.js';
import type { ActionResponse } from './types.js';

type RunFilters = { status?: 'succeeded' | 'failed'; actionId?: string; operatorId?: number; limit: number; cursor?: string };

export function createRunService({ prisma, audit, idempotency, runner }: {
  prisma: PrismaClient;
  audit: AuditService;
  idempotency: IdempotencyStore;
  runner: { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined };
}) {
  async function list({ status, actionId, operatorId, limit, cursor }: RunFilters) {
    const where: Prisma.ActionRunWhereInput = { status, actionId, operatorId, ...(cursor ? afterCursor('startedAt', cursor) : {}) };
    const rows = await prisma.actionRun.findMany({ where, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const page = keyPage(rows, limit, (run) => [run.startedAt, run.id]);
    return { items: page.items.map(runView), nextCursor: page.nextCursor };
  }

  async function get(id: string) {
    const run = await prisma.actionRun.findUnique({ where: { id } });
    return run ? runView(run) : null;
  }

  async function retry({ runId, operator, idempotencyKey, isVisible }: {
    runId: string; operator: OperatorPrincipal; idempotencyKey: string | undefined; isVisible: (run: { operatorId: number }) => boolean;
  }): Promise<ActionResponse> {
    try {
      const run = z.uuid().safeParse(runId).success ? await prisma.actionRun.findUnique({ where: { id: runId } }) : null;
      if (!run || !isVisible(run)) throw notFound(`No run ${runId}.`);
      const action = runner.get(run.actionId);
      if (!action) throw notFound(`The action ${run.actionId} is no longer installed.`);
      if (!can(operator, action.permission)) {
        await audit.appendStandalone({ actor: actorOf(operator), action: 'access.denied', entityType: 'run', entityId: run.id, note: `retry needs ${action.permission}`, outcome: 'denied' });
        throw forbidden(`Retrying needs ${action.permission}.`);
      }
      const key = checkIdempotencyKey(idempotencyKey);
      const keyScope = { operatorId: operator.id, scope: 'run.retry', key };
      const claim = await idempotency.claim(keyScope, requestHash({ runId }));
      if (claim.kind === 'replay') return { status: claim.status, body: claim.body, isReplay: true };
      if (run.status !== 'failed' || run.retriedByRunId) {
        await idempotency.release(keyScope);
        throw conflict('run_not_retryable', run.status !== 'failed' ? 'Only failed runs can be retried.' : `This run was already retried (run ${run.retriedByRunId}).`);
      }
      const execution: Execution = {
        action,
        actor: actorOf(operator),
        request: { target: { type: run.targetType, id: run.targetId }, input: run.input, reasonCode: run.reasonCode, note: run.note },
        keyScope,
        // A run that executed an approved request stays approved; anything else meets the policy again.
        isPreApproved: run.approvalId !== null,
        origin: { retryOfRunId: run.id, ...(run.approvalId ? { approvalId: run.approvalId } : {}) },
      };
      return await runner.execute(execution);
    } catch (err) {
      if (err instanceof AppError) return problemResponse(err);
      throw err;
    }
  }

  return { list, get, retry };
}

export type RunService = ReturnType<typeof createRunService>;
