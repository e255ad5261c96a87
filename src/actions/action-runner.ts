// The action runner: the only way an operator action changes data, from either face. In order:
// RBAC, validation (input, reason code), the idempotency claim, then one transaction that loads
// the target, asks the policy (run now, or store an approval request), runs the change, writes the
// audit rows (attempted, then succeeded), the domain events, the outbox messages, the run and the
// replayable response. Any failure rolls all of that back; the failure is then recorded on its own
// (a failed run and its audit rows), so nothing an operator tried is lost.
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '@prisma/client';
import type { AuditService } from '../audit/types.js';
import { prismaExecutor } from '../audit/sql-executor.js';
import { AppError, forbidden, problemDocument, problemOf } from '../http/errors.js';
import { currentRequest } from '../http/request-context.js';
import type { Logger } from '../platform/logger.js';
import { can } from '../rbac/access.js';
import { createApproval, approvalView, type ApprovalPayload } from '../approvals/approval-store.js';
import type { ActionActor, ActionContext, ActionDefinition, ApprovalNeed, DomainEventInput, EntityChange, OutboxMessage } from './define-action.js';
import { parseActionRequest, type ParsedRequest } from './action-request.js';
import { checkIdempotencyKey, requestHash, type IdempotencyStore, type KeyScope } from './idempotency.js';
import { unknownAction } from './action-errors.js';
import { describeAction } from './action-catalog.js';
import { runView } from './run-view.js';
import type { Outbox } from './outbox.js';
import type { ActionRequest, ActionResponse, ActionRunner } from './types.js';

/** Where an execution comes from besides a plain request. */
export type ExecutionOrigin = { approvalId?: string; bulkJobId?: string; retryOfRunId?: string };

export type Execution = {
  action: ActionDefinition;
  actor: ActionActor;
  request: ParsedRequest;
  /** The claimed key whose response this execution stores (none for bulk targets). */
  keyScope: KeyScope | null;
  /** Approved executions skip the policy: the approval was the policy's answer. */
  isPreApproved?: boolean;
  origin?: ExecutionOrigin;
  /** Runs inside this transaction instead of a new one (bulk chunks). */
  tx?: Prisma.TransactionClient;
};

export type ExecutionResult = ActionResponse & { runId: string | null; approvalId: string | null; outcome: 'succeeded' | 'failed' | 'pending_approval' };

const internalError = () => new AppError({
  status: 500, code: 'internal_error', title: 'Internal error',
  detail: 'The action failed and changed nothing; it can be retried. Quote the run id, if any, when reporting it.',
});

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

const toJsonValue = (value: unknown) => (value ?? null) as Prisma.InputJsonValue;

export const actorOf = (operator: ActionRequest['operator']): ActionActor => ({
  operatorId: operator.id,
  roles: operator.roles,
  permissions: operator.permissions,
  impersonatedUserId: operator.impersonatedUserId ?? null,
});

export function createActionRunner({ prisma, audit, idempotency, outbox, actions, logger }: {
  prisma: PrismaClient;
  audit: AuditService;
  idempotency: IdempotencyStore;
  outbox: Outbox;
  actions: ActionDefinition[];
  logger: Logger;
}): ActionRunner & { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined } {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const json = (status: number, body: unknown): { status: number; body: string } => ({ status, body: JSON.stringify(body) });
  const problem = (err: AppError) => json(err.status, problemDocument(problemOf(err), currentRequest()?.correlationId ?? null));

  // ---- the policy's answer: null runs now
  async function approvalNeed(action: ActionDefinition, ctx: ActionContext<unknown> & { state: unknown }): Promise<(ApprovalNeed & { approvals: number; approverPermission: string }) | null> {
    const approval = action.policy?.approval;
    if (!approval) return null;
    const need = approval.when ? await approval.when(ctx) : { reason: `${action.title} needs a second person's approval` };
    if (!need) return null;
    return { ...need, approvals: need.approvals ?? approval.approvals, approverPermission: need.approverPermission ?? approval.approverPermission };
  }

  function limitLookup(tx: Prisma.TransactionClient, action: ActionDefinition, actor: ActionActor) {
    return async (currency: string): Promise<number> => {
      const rows = await tx.$queryRaw<{ limit: bigint | null }[]>`
        SELECT max((limits -> ${action.id} ->> ${currency})::bigint) AS "limit" FROM roles WHERE key = ANY(${actor.roles}::text[])`;
      return Number(rows[0]?.limit ?? 0);
    };
  }

  // ---- the transaction: policy, change, audit, events, outbox, run, stored response
  async function inTransaction(tx: Prisma.TransactionClient, execution: Execution, runId: string, startedAt: Date) {
    const { action, actor, request, keyScope, origin = {} } = execution;
    const sql = prismaExecutor(tx);
    const ctx: ActionContext<unknown> = {
      tx, input: request.input, target: request.target, actor, reasonCode: request.reasonCode, note: request.note,
      runId, now: startedAt, limit: limitLookup(tx, action, actor),
    };
    const state = await action.load(ctx);

    const need = execution.isPreApproved ? null : await approvalNeed(action, { ...ctx, state });
    if (need) {
      const payload: ApprovalPayload = { target: request.target, input: request.input, reasonCode: request.reasonCode, note: request.note };
      const approval = await createApproval(tx, { actionId: action.id, actor, payload, reason: need.reason, approvalsRequired: need.approvals, approverPermission: need.approverPermission, now: startedAt });
      await audit.append(sql, {
        actor, action: 'approval.requested', entityType: 'approval', entityId: approval.id, reasonCode: request.reasonCode, note: request.note,
        after: { actionId: action.id, target: request.target, input: request.input, policyReason: need.reason }, outcome: 'succeeded',
      });
      const response = json(202, { approval: approvalView(approval) });
      if (keyScope) await idempotency.complete(sql, keyScope, response);
      return { ...response, runId: null, approvalId: approval.id, outcome: 'pending_approval' as const };
    }

    const auditBase = { actor, action: action.id, reasonCode: request.reasonCode, note: request.note };
    await audit.append(sql, {
      ...auditBase, entityType: request.target.type, entityId: request.target.id, outcome: 'attempted',
      after: { runId, input: request.input, ...origin },
    });
    const changes: EntityChange[] = [];
    const events: DomainEventInput[] = [];
    const messages: OutboxMessage[] = [];
    const result = await action.run({
      ...ctx, state, changed: (c) => changes.push(c), emit: (e) => events.push(e), enqueue: (m) => messages.push(m),
    });
    if (changes.length === 0) changes.push({ entityType: request.target.type, entityId: request.target.id, before: null, after: result });
    for (const change of changes) await audit.append(sql, { ...auditBase, ...change, outcome: 'succeeded' });
    if (events.length === 0) events.push({ name: 'AdminActionRecorded', entityType: request.target.type, entityId: request.target.id, payload: { actionId: action.id } });
    await tx.domainEvent.createMany({
      data: events.map((e) => ({ name: e.name, entityType: e.entityType, entityId: e.entityId, payload: toJsonValue({ ...e.payload, reasonCode: request.reasonCode }), runId, operatorId: actor.operatorId, occurredAt: startedAt })),
    });
    if (messages.length > 0) await outbox.enqueue(sql, runId, messages);
    const finishedAt = new Date();
    const run = await tx.actionRun.create({
      data: {
        id: runId, actionId: action.id, status: 'succeeded', operatorId: actor.operatorId, operatorRoles: actor.roles,
        impersonatedUserId: actor.impersonatedUserId, targetType: request.target.type, targetId: request.target.id,
        input: toJsonValue(request.input), reasonCode: request.reasonCode, note: request.note, result: toJsonValue(result),
        approvalId: origin.approvalId, bulkJobId: origin.bulkJobId, retryOfRunId: origin.retryOfRunId,
        startedAt, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime(),
      },
    });
    if (origin.approvalId) await tx.approvalRequest.update({ where: { id: origin.approvalId }, data: { runId } });
    if (origin.retryOfRunId) await tx.actionRun.update({ where: { id: origin.retryOfRunId }, data: { retriedByRunId: runId } });
    const response = json(200, { run: runView(run) });
    if (keyScope) await idempotency.complete(sql, keyScope, response);
    return { ...response, runId, approvalId: null, outcome: 'succeeded' as const };
  }

  // ---- a failure, recorded on its own: the failed run, its audit rows, the stored (or released) key
  async function recordFailure(execution: Execution, runId: string, startedAt: Date, err: unknown, tx?: Prisma.TransactionClient): Promise<ExecutionResult> {
    const { action, actor, request, keyScope, origin = {} } = execution;
    const isExpected = err instanceof AppError;
    if (!isExpected) logger.error({ err, actionId: action.id, runId }, 'action failed');
    const appError = isExpected ? err : internalError();
    const error = { code: appError.code, message: appError.message, ...(isExpected ? {} : { class: (err as Error)?.name ?? 'Error' }) };
    const response = problem(new AppError({ ...problemOf(appError), extensions: { ...appError.extensions, runId } }));
    const write = async (t: Prisma.TransactionClient) => {
      const sql = prismaExecutor(t);
      const auditBase = { actor, action: action.id, entityType: request.target.type, entityId: request.target.id, reasonCode: request.reasonCode, note: request.note };
      await audit.append(sql, { ...auditBase, outcome: 'attempted', after: { runId, input: request.input } });
      await audit.append(sql, { ...auditBase, outcome: 'failed', after: { runId, error } });
      const finishedAt = new Date();
      await t.actionRun.create({
        data: {
          id: runId, actionId: action.id, status: 'failed', operatorId: actor.operatorId, operatorRoles: actor.roles,
          impersonatedUserId: actor.impersonatedUserId, targetType: request.target.type, targetId: request.target.id,
          input: toJsonValue(request.input), reasonCode: request.reasonCode, note: request.note, errorCode: appError.code, error,
          approvalId: origin.approvalId, bulkJobId: origin.bulkJobId, retryOfRunId: origin.retryOfRunId,
          startedAt, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime(),
        },
      });
      if (origin.approvalId) await t.approvalRequest.update({ where: { id: origin.approvalId }, data: { runId } });
      // An expected refusal is the key's answer; an unexpected failure gives the key back.
      if (keyScope && isExpected) await idempotency.complete(sql, keyScope, response);
    };
    try {
      if (tx) await write(tx);
      else await prisma.$transaction(write, TRANSACTION);
    } catch (recordErr) {
      // The database refuses even the failure record (it is down, or the audit log is): the
      // action changed nothing, and the operator gets a 500 that says so; the logs keep the rest.
      logger.error({ err: recordErr, actionId: action.id, runId }, 'could not record the failed run');
      if (keyScope) await idempotency.release(keyScope).catch(() => undefined);
      if (tx) throw recordErr;
      return { ...problem(internalError()), isReplay: false, runId: null, approvalId: null, outcome: 'failed' };
    }
    if (keyScope && !isExpected) await idempotency.release(keyScope);
    return { ...response, isReplay: false, runId, approvalId: null, outcome: 'failed' };
  }

  async function execute(execution: Execution): Promise<ExecutionResult> {
    const runId = randomUUID();
    const startedAt = new Date();
    try {
      const outcome = execution.tx
        ? await savepoint(execution.tx, () => inTransaction(execution.tx!, execution, runId, startedAt))
        : await prisma.$transaction((tx) => inTransaction(tx, execution, runId, startedAt), TRANSACTION);
      return { ...outcome, isReplay: false };
    } catch (err) {
      return recordFailure(execution, runId, startedAt, err, execution.tx);
    }
  }

  async function submit({ actionId, operator, idempotencyKey, body }: ActionRequest): Promise<ActionResponse> {
    try {
      const action = byId.get(actionId);
      if (!action) throw unknownAction(actionId);
      const actor = actorOf(operator);
      if (!can(operator, action.permission)) {
        await audit.appendStandalone({
          actor, action: 'access.denied', entityType: 'action', entityId: action.id, note: `missing permission ${action.permission}`, outcome: 'denied',
        });
        throw forbidden(`Your roles do not grant ${action.permission}.`);
      }
      const key = checkIdempotencyKey(idempotencyKey);
      const request = parseActionRequest(action, body);
      const keyScope = { operatorId: operator.id, scope: action.id, key };
      const claim = await idempotency.claim(keyScope, requestHash(body));
      if (claim.kind === 'replay') return { status: claim.status, body: claim.body, isReplay: true };
      return await execute({ action, actor, request, keyScope });
    } catch (err) {
      if (err instanceof AppError) return { ...problem(err), isReplay: false };
      throw err;
    }
  }

  return {
    submit,
    execute,
    get: (id) => byId.get(id),
    listFor: (operator) => actions.filter((a) => can(operator, a.permission)).map(describeAction),
  };
}

// A bulk chunk runs many targets in one transaction; each target gets a savepoint, so one target's
// failure undoes only its own writes.
async function savepoint<T>(tx: Prisma.TransactionClient, work: () => Promise<T>): Promise<T> {
  const name = `target_${randomUUID().replace(/-/g, '')}`;
  await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    const result = await work();
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
