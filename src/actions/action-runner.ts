// The action runner: the only way an operator action changes data, from either face. In order:
// RBAC, validation (input, reason code), the idempotency claim, then one transaction that loads
// the target, asks the policy (run now, or store an approval request), runs the change, writes the
// audit rows (attempted, then succeeded), the domain events, the outbox messages, the run and the
// replayable response. Any failure rolls all of that back; the failure is then recorded on its own
// (a failed run and its audit rows), so nothing an operator tried is lost.
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ActionRun, Prisma, PrismaClient } from '@prisma/client';
import type { AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import { inSavepoint, inTransaction, settleAtCommit } from '../db/transaction-scope.js';
import { AppError, forbidden, problemOf } from '../http/errors.js';
import type { Logger } from '../platform/logger.js';
import { can } from '../rbac/access.js';
import { createApproval, approvalView, type ApprovalPayload } from '../approvals/approval-store.js';
import type { ActionActor, ActionContext, ActionDefinition, ActionPlatform, ApprovalNeed, DomainEventInput, EntityChange, OutboxMessage, SqlTag } from './define-action.js';
import { parseActionRequest, type ParsedRequest } from './action-request.js';
import { checkIdempotencyKey, requestHash, type IdempotencyStore, type KeyScope } from './idempotency.js';
import { problemResponse, unknownAction } from './action-errors.js';
import { describeAction } from './action-catalog.js';
import { runView } from './run-view.js';
import type { Outbox } from './outbox.js';
import type { ActionRequest, ActionResponse, ActionRunner } from './types.js';
import { featureDisabled, type FeatureGate } from '../flags/feature-gate.js';

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
  /** Runs inside the transaction this connection is in, in a savepoint, instead of a new one (bulk chunks). */
  client?: pg.PoolClient;
};

export type ExecutionResult = ActionResponse & { runId: string | null; approvalId: string | null; outcome: 'succeeded' | 'failed' | 'pending_approval' };

const internalError = () => new AppError({
  status: 500, code: 'internal_error', title: 'Internal error',
  detail: 'The action failed and changed nothing; it can be retried. Quote the run id, if any, when reporting it.',
});

/** A statement of an action that waits longer than this (a lock, a slow query) fails the action. */
const STATEMENT_TIMEOUT_MS = 30_000;
// One round trip: a parameterless multi-statement string goes as one simple query.
const BEGIN_ACTION = `BEGIN; SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`;

/**
 * A tagged template over one connection: values become $n parameters, never SQL text. Each
 * distinct text is a named statement, prepared once per connection: PostgreSQL then skips parsing
 * and, after a few runs, planning (the texts are the code's own, so they are few).
 */
export function sqlTag(client: Pick<pg.PoolClient, 'query'>): SqlTag {
  return async <T,>(strings: TemplateStringsArray, ...values: unknown[]) => {
    const text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
    return (await client.query({ name: statementName(text), text, values })).rows as T[];
  };
}

const statementNames = new Map<string, string>();
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `a_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/** A fixed statement of the runner's, prepared once per connection. */
const prepared = (client: Pick<pg.PoolClient, 'query'>, text: string, values: unknown[]) => client.query({ name: statementName(text), text, values });

// JSON columns get JSON text: pg would send a JS array as a PostgreSQL array literal.
const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

const INSERT_RUN = `INSERT INTO action_runs (id, action_id, status, operator_id, operator_roles, impersonated_user_id, target_type,
  target_id, input, reason_code, note, result, error_code, error, approval_id, bulk_job_id, retry_of_run_id, started_at, finished_at, duration_ms)
VALUES ($1, $2, $3::"ActionRunStatus", $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12::jsonb, $13, $14::jsonb, $15, $16, $17, $18, $19, $20)`;

const INSERT_EVENTS = `INSERT INTO domain_events (name, entity_type, entity_id, payload, run_id, operator_id, occurred_at)
SELECT e.name, e.entity_type, e.entity_id, coalesce(e.payload, '{}'::jsonb), $2::uuid, $3::integer, $4::timestamptz
FROM jsonb_to_recordset($1::jsonb) AS e(name text, entity_type text, entity_id text, payload jsonb)`;

export const actorOf = (operator: ActionRequest['operator']): ActionActor => ({
  operatorId: operator.id,
  roles: operator.roles,
  permissions: operator.permissions,
  impersonatedUserId: operator.impersonatedUserId ?? null,
});

export function createActionRunner({ db, audit, idempotency, outbox, actions, logger, gate, platform = { unleash: null } }: {
  db: { pool: pg.Pool; prisma: PrismaClient };
  audit: AuditService;
  idempotency: IdempotencyStore;
  outbox: Outbox;
  actions: ActionDefinition[];
  logger: Logger;
  /** Refuses actions whose `flag` is off (src/flags/feature-gate.ts); absent, no action is gated. */
  gate?: FeatureGate;
  /** Services actions may call besides the database (define-action.ts ActionPlatform). */
  platform?: ActionPlatform;
}): ActionRunner & { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined } {
  const byId = new Map(actions.map((a) => [a.id, a]));
  // JSON Schemas are derived once, not on every GET /api/actions.
  const catalog = actions.map(describeAction);
  const { prisma } = db;
  const respond = (status: number, body: unknown): { status: number; body: string } => ({ status, body: JSON.stringify(body) });
  const pool = db.pool;

  // ---- the policy's answer: null runs now
  async function approvalNeed(action: ActionDefinition, ctx: ActionContext<unknown> & { state: unknown }): Promise<(ApprovalNeed & { approvals: number; approverPermission: string }) | null> {
    const approval = action.policy?.approval;
    if (!approval) return null;
    const need = approval.when ? await approval.when(ctx) : { reason: `${action.title} needs a second person's approval` };
    if (!need) return null;
    return { ...need, approvals: need.approvals ?? approval.approvals, approverPermission: need.approverPermission ?? approval.approverPermission };
  }

  function limitLookup(client: pg.PoolClient, action: ActionDefinition, actor: ActionActor) {
    return async (currency: string): Promise<number> => {
      const { rows } = await prepared(client,
        'SELECT max((limits -> $1 ->> $2)::bigint) AS "limit" FROM roles WHERE key = ANY($3::text[])', [action.id, currency, actor.roles]);
      return Number(rows[0]?.limit ?? 0);
    };
  }

  async function insertRun(client: pg.PoolClient, run: ActionRun): Promise<void> {
    await prepared(client, INSERT_RUN, [
      run.id, run.actionId, run.status, run.operatorId, run.operatorRoles, run.impersonatedUserId, run.targetType, run.targetId,
      json(run.input), run.reasonCode, run.note, json(run.result), run.errorCode, json(run.error), run.approvalId, run.bulkJobId,
      run.retryOfRunId, run.startedAt, run.finishedAt, run.durationMs,
    ]);
  }

  function runRecord(execution: Execution, runId: string, startedAt: Date, outcome: Pick<ActionRun, 'status' | 'result' | 'errorCode' | 'error'>): ActionRun {
    const { action, actor, request, origin = {} } = execution;
    const finishedAt = new Date();
    return {
      id: runId, actionId: action.id, operatorId: actor.operatorId, operatorRoles: actor.roles, impersonatedUserId: actor.impersonatedUserId,
      targetType: request.target.type, targetId: request.target.id, input: (request.input ?? null) as ActionRun['input'],
      reasonCode: request.reasonCode, note: request.note, approvalId: origin.approvalId ?? null, bulkJobId: origin.bulkJobId ?? null,
      retryOfRunId: origin.retryOfRunId ?? null, retriedByRunId: null, startedAt, finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime(),
      ...outcome,
    };
  }

  // ---- the transaction: policy, change, audit, events, outbox, run, stored response
  async function inActionTransaction(client: pg.PoolClient, execution: Execution, runId: string, startedAt: Date) {
    const { action, actor, request, keyScope, origin = {} } = execution;
    const sql = pgExecutor(client);
    const tag = sqlTag(client);
    const ctx: ActionContext<unknown> = {
      // Prisma joins this connection's transaction (src/db/transaction-scope.ts).
      tx: prisma as unknown as Prisma.TransactionClient, sql: tag,
      send: (strings, ...values) => settleAtCommit(tag(strings, ...values)),
      input: request.input, target: request.target, actor, reasonCode: request.reasonCode, note: request.note,
      runId, now: startedAt, limit: limitLookup(client, action, actor),
      approvalId: origin.approvalId ?? null, platform,
      writeAhead: async (after) => {
        await audit.appendStandalone({
          actor, action: action.id, entityType: request.target.type, entityId: request.target.id, reasonCode: request.reasonCode, note: request.note,
          after: { runId, ...origin, ...after }, outcome: 'attempted',
        });
      },
    };
    const state = await action.load(ctx);

    const need = execution.isPreApproved ? null : await approvalNeed(action, { ...ctx, state });
    if (need) {
      const payload: ApprovalPayload = { target: request.target, input: request.input, reasonCode: request.reasonCode, note: request.note };
      const approval = await createApproval(ctx.tx, { actionId: action.id, actor, payload, reason: need.reason, approvalsRequired: need.approvals, approverPermission: need.approverPermission, now: startedAt });
      await audit.append(sql, {
        actor, action: 'approval.requested', entityType: 'approval', entityId: approval.id, reasonCode: request.reasonCode, note: request.note,
        after: { actionId: action.id, target: request.target, input: request.input, policyReason: need.reason }, outcome: 'succeeded',
      });
      const response = respond(202, { approval: approvalView(approval) });
      if (keyScope) await idempotency.complete(sql, keyScope, response);
      return { ...response, runId: null, approvalId: approval.id, outcome: 'pending_approval' as const };
    }

    const auditBase = { actor, action: action.id, reasonCode: request.reasonCode, note: request.note };
    const changes: EntityChange[] = [];
    const events: DomainEventInput[] = [];
    const messages: OutboxMessage[] = [];
    const result = await action.run({
      ...ctx, state, changed: (c) => changes.push(c), emit: (e) => events.push(e), enqueue: (m) => messages.push(m),
    });
    if (changes.length === 0) changes.push({ entityType: request.target.type, entityId: request.target.id, before: null, after: result });
    if (events.length === 0) events.push({ name: 'AdminActionRecorded', entityType: request.target.type, entityId: request.target.id, payload: { actionId: action.id } });
    const run = runRecord(execution, runId, startedAt, { status: 'succeeded', result: result as ActionRun['result'], errorCode: null, error: null });
    const response = respond(200, { run: runView(run) });
    // The write-out: independent statements sent back to back (the pool pipelines them) and
    // answered with the COMMIT: the whole tail of the transaction is one round trip.
    settleAtCommit(Promise.all([
      // The attempt, then each change: one statement, numbered in that order, in this transaction.
      audit.appendMany(sql, [
        { ...auditBase, entityType: request.target.type, entityId: request.target.id, outcome: 'attempted', after: { runId, input: request.input, ...origin } },
        ...changes.map((change) => ({ ...auditBase, ...change, outcome: 'succeeded' as const })),
      ]),
      prepared(client, INSERT_EVENTS, [
        json(events.map((e) => ({ name: e.name, entity_type: e.entityType, entity_id: e.entityId, payload: { ...e.payload, reasonCode: request.reasonCode } }))),
        runId, actor.operatorId, startedAt,
      ]),
      messages.length > 0 ? outbox.enqueue(sql, runId, messages) : null,
      insertRun(client, run),
      origin.approvalId ? client.query('UPDATE approval_requests SET run_id = $2 WHERE id = $1', [origin.approvalId, runId]) : null,
      origin.retryOfRunId ? client.query('UPDATE action_runs SET retried_by_run_id = $2 WHERE id = $1', [origin.retryOfRunId, runId]) : null,
      keyScope ? idempotency.complete(sql, keyScope, response) : null,
    ]));
    return { ...response, runId, approvalId: null, outcome: 'succeeded' as const };
  }

  // ---- a failure, recorded on its own: the failed run, its audit rows, the stored (or released) key
  async function recordFailure(execution: Execution, runId: string, startedAt: Date, err: unknown, client?: pg.PoolClient): Promise<ExecutionResult> {
    const { action, actor, request, keyScope, origin = {} } = execution;
    const isExpected = err instanceof AppError;
    if (!isExpected) logger.error({ err, actionId: action.id, runId }, 'action failed');
    const appError = isExpected ? err : internalError();
    const error = { code: appError.code, message: appError.message, ...(isExpected ? {} : { class: (err as Error)?.name ?? 'Error' }) };
    const response = problemResponse(new AppError({ ...problemOf(appError), extensions: { ...appError.extensions, runId } }));
    const write = async (client: pg.PoolClient) => {
      const sql = pgExecutor(client);
      const auditBase = { actor, action: action.id, entityType: request.target.type, entityId: request.target.id, reasonCode: request.reasonCode, note: request.note };
      await audit.appendMany(sql, [
        { ...auditBase, outcome: 'attempted', after: { runId, input: request.input } },
        { ...auditBase, outcome: 'failed', after: { runId, error } },
      ]);
      await insertRun(client, runRecord(execution, runId, startedAt, { status: 'failed', result: null, errorCode: appError.code, error }));
      if (origin.approvalId) await client.query('UPDATE approval_requests SET run_id = $2 WHERE id = $1', [origin.approvalId, runId]);
      // An expected refusal is the key's answer; an unexpected failure gives the key back.
      if (keyScope && isExpected) await idempotency.complete(sql, keyScope, response);
    };
    try {
      if (client) await write(client);
      else await inTransaction(pool, write);
    } catch (recordErr) {
      // The database refuses even the failure record (it is down, or the audit log is): the
      // action changed nothing, and the operator gets a 500 that says so; the logs keep the rest.
      logger.error({ err: recordErr, actionId: action.id, runId }, 'could not record the failed run');
      if (keyScope) await idempotency.release(keyScope).catch(() => undefined);
      if (client) throw recordErr;
      return { ...problemResponse(internalError()), runId: null, approvalId: null, outcome: 'failed' };
    }
    if (keyScope && !isExpected) await idempotency.release(keyScope);
    return { ...response, isReplay: false, runId, approvalId: null, outcome: 'failed' };
  }

  async function execute(execution: Execution): Promise<ExecutionResult> {
    const runId = randomUUID();
    const startedAt = new Date();
    const { client } = execution;
    // Approved requests, retries and bulk targets run later than they were asked for: a kill
    // switch turned off meanwhile stops them too, as a failed run (audited as such).
    const { flag } = execution.action;
    if (flag && gate && !gate.isOn(flag, execution.actor)) {
      return recordFailure(execution, runId, startedAt, featureDisabled(flag, execution.action.title), client);
    }
    try {
      const outcome = client
        ? await inSavepoint(client, `target_${runId.replace(/-/g, '')}`, () => inActionTransaction(client, execution, runId, startedAt))
        : await inTransaction(pool, (c) => inActionTransaction(c, execution, runId, startedAt), { begin: BEGIN_ACTION });
      // Committed (or, in a bulk chunk, to be committed with its chunk): its messages are there to send.
      if (!client) outbox.wake();
      return { ...outcome, isReplay: false };
    } catch (err) {
      return recordFailure(execution, runId, startedAt, err, client);
    }
  }

  const releasing = (keyScope: KeyScope) => async (err: unknown): Promise<never> => {
    await idempotency.release(keyScope);
    throw err;
  };

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
      // Before the key is claimed or the body read: nothing of a switched-off action runs.
      if (action.flag && gate) await gate.require(action.flag, { actor, entityType: 'action', entityId: action.id, what: action.title });
      const key = checkIdempotencyKey(idempotencyKey);
      const request = parseActionRequest(action, body);
      const keyScope = { operatorId: operator.id, scope: action.id, key };
      const claim = await idempotency.claim(keyScope, requestHash(body));
      if (claim.kind === 'replay') return { status: claim.status, body: claim.body, isReplay: true };
      // Checks against outside systems (after the claim: a replay never calls them); a refusal
      // gives the key back, and nothing is stored.
      if (action.validate) await action.validate({ input: request.input, target: request.target, actor, platform }).catch(releasing(keyScope));
      return await execute({ action, actor, request, keyScope });
    } catch (err) {
      if (err instanceof AppError) return problemResponse(err);
      throw err;
    }
  }

  return {
    submit,
    execute,
    get: (id) => byId.get(id),
    // What the caller may run now: an action behind a flag that is off for them is left out.
    listFor: (operator) => catalog.filter(({ id, permission }) => {
      if (!can(operator, permission)) return false;
      const flag = byId.get(id)?.flag;
      return !flag || !gate || gate.isOn(flag, { operatorId: operator.id, roles: operator.roles });
    }),
  };
}
