// The one way to declare an operator action. An action says what it is (id, title, permission,
// target, input schema, reason codes, policy) and how it changes data (load, run); the runner
// (src/actions/action-runner.ts) does everything else: RBAC, validation, idempotency, approvals,
// the transaction, audit rows, domain events, the run record and the outbox.
import type { Prisma } from '@prisma/client';
import type { z } from 'zod/v4';
import type { Permission } from '../rbac/permissions.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import type { UnleashAdmin } from '../flags/unleash-admin.js';
import type { Config } from '../config/config.js';

/** Who runs the action: the requester, also when an approval executes it later. */
export type ActionActor = {
  operatorId: number;
  roles: string[];
  permissions: string[];
  /** The customer user the operator is impersonating, if any. */
  impersonatedUserId: number | null;
};

export type ActionTarget = { type: string; id: string };

/** A change to one entity, audited with its before and after. */
export type EntityChange = {
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

/** A domain event, appended in the action's transaction (RefundIssued, OrgFrozen, ...). */
export type DomainEventInput = {
  name: string;
  entityType: string;
  entityId: string;
  payload?: Record<string, unknown>;
};

/** A side effect to run after commit, with retries (src/actions/outbox.ts handles each kind). */
export type OutboxMessage = {
  /** A registered handler kind, e.g. `notify`. */
  kind: string;
  payload: Record<string, unknown>;
};

/** Parameterised SQL in the action's transaction: ctx.sql<Row>`SELECT ... WHERE id = ${id}` gives the rows. */
export type SqlTag = <T = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]) => Promise<T[]>;

/**
 * Platform services an action may call besides the database, wired once in src/app.ts (the core's
 * actions use them: src/actions/core-actions.ts). Each is null where the deployment has none.
 */
export type ActionPlatform = {
  /** Unleash's Admin API (src/flags/unleash-admin.ts), for flag change requests. */
  unleash: UnleashAdmin | null;
  /** The app's configuration, where packs read their own settings (src/config/pack-settings.ts); absent in a runner built without an app. */
  config?: Config;
};

/** What `validate` sees: the parsed request, before anything is stored. */
export type ValidationContext<I> = { input: I; target: ActionTarget; actor: ActionActor; platform: ActionPlatform };

export type ActionContext<I> = {
  /**
   * Prisma inside the action's transaction (src/db/transaction-scope.ts). Convenient, but each call
   * costs about 1 ms of CPU: hot paths use `sql`. Never call `$transaction` here.
   */
  tx: Prisma.TransactionClient;
  /** Plain SQL in the same transaction, about ten times cheaper than a Prisma call. */
  sql: SqlTag;
  /**
   * A write whose answer the action does not need: sent now, answered together with the commit
   * (one round trip fewer). If it fails, the action fails and nothing of it stays.
   */
  send: (strings: TemplateStringsArray, ...values: unknown[]) => void;
  input: I;
  target: ActionTarget;
  actor: ActionActor;
  reasonCode: string;
  note: string | null;
  runId: string;
  now: Date;
  /** The approval request this execution carries out (also on its retries); null for a direct run. */
  approvalId: string | null;
  platform: ActionPlatform;
  /**
   * Write-ahead for a side effect outside the database done inside `run` (an external API call):
   * appends an `attempted` audit row for the target in a transaction of its own, committed before
   * it returns, so the call is on record even if this action's transaction later fails to commit.
   */
  writeAhead: (after: Record<string, unknown>) => Promise<void>;
  /**
   * The actor's limit for this action in a currency (minor units): the highest any of their roles
   * sets (role data, `limits`); 0 when none does.
   */
  limit: (currency: string) => Promise<number>;
};

export type RunContext<I, S> = ActionContext<I> & {
  /** What `load` returned. */
  state: S;
  /** Records an audited change (one audit row each, with before/after). */
  changed: (change: EntityChange) => void;
  emit: (event: DomainEventInput) => void;
  /** Queues a side effect; it is sent only if the transaction commits. */
  enqueue: (message: OutboxMessage) => void;
};

/** The policy's answer when a second person must approve. */
export type ApprovalNeed = {
  /** Shown to approvers, e.g. "refund of 150.00 USD is above your limit of 100.00 USD". */
  reason: string;
  approvals?: number;
  /** Who may approve; defaults to the policy's `approverPermission`. */
  approverPermission?: Permission;
};

export type ActionPolicy<I, S> = {
  /**
   * Four eyes. With `when`, approval is needed only when it returns a need (null: run now);
   * without it, always. Approvers also need `approval.decide`, and can never be the requester.
   */
  approval?: {
    approvals: number;
    approverPermission: Permission;
    when?: (ctx: ActionContext<I> & { state: S }) => ApprovalNeed | null | Promise<ApprovalNeed | null>;
  };
  /** Published in GET /api/actions (e.g. per-role refund limits); descriptive only. */
  limits?: Record<string, unknown>;
  /** Needs a fresh TOTP code in the session (401 `step_up_required` otherwise; src/auth/action-step-up.ts). */
  stepUp?: boolean;
  /** Runs while the operator impersonates a customer (read-only otherwise; src/impersonation/read-only-gate.ts). */
  allowDuringImpersonation?: boolean;
};

export type ActionDefinition<I = any, S = any, R extends Record<string, unknown> = Record<string, unknown>> = {
  /** Stable id used in the URL (`POST /api/actions/{id}`), audit rows and runs, e.g. `order.refund`. */
  id: string;
  title: string;
  description?: string;
  permission: Permission;
  /** The entity types it acts on (API target types, e.g. `order`). */
  target: string | readonly string[];
  input: z.ZodType<I>;
  /** Accepted reason codes; a request must name one of them. */
  reasonCodes: readonly string[];
  policy?: ActionPolicy<I, S>;
  /**
   * Checks the input against the world outside the database (e.g. the flag as Unleash has it) when
   * the request is submitted (in bulk: per target), right after the idempotency claim, which a refusal
   * gives back: a 422 here stores nothing (no run, no approval request, no job). A replay never calls
   * it. Not called again when an approved request executes: load/run check then.
   */
  validate?: (ctx: ValidationContext<I>) => Promise<void>;
  /**
   * Locks and reads the target, checks the preconditions, and returns what policy and run need.
   * Throws `actionRefused` (an expected outcome) or `notFound`. Runs in the transaction, before the
   * policy, and again when an approved request executes.
   */
  load: (ctx: ActionContext<I>) => Promise<S>;
  /**
   * Whether the action applies to a target in this state, for the faces that offer it (a console
   * shows its button only then): `state` is the target as a read model shows it (camelCase fields
   * of its row, e.g. `status`, plus facts the action's file names, e.g. `openInvestigationId`).
   * Write it with the same helper `load` refuses with, so the two cannot drift. Absent: it applies
   * to every state. Offering only: `load` still decides (409 naming why).
   */
  appliesTo?: (state: Readonly<Record<string, unknown>>, targetType: string) => boolean;
  /** The change itself; returns the run's result (JSON). */
  run: (ctx: RunContext<I, S>) => Promise<R>;
  /** Marks actions that are only reachable with an explicit reason (emergency containment). */
  isEmergency?: boolean;
  /**
   * A declared flag (src/flags/flag-catalog.ts) that must be on for this action to run: off, it is
   * refused before anything runs (403 feature_disabled, audited) on both faces and in bulk.
   */
  flag?: FlagKey;
};

export function defineAction<I, S, R extends Record<string, unknown>>(action: ActionDefinition<I, S, R>): ActionDefinition<I, S, R> {
  return action;
}

export const targetTypes = (action: Pick<ActionDefinition, 'target'>): readonly string[] =>
  typeof action.target === 'string' ? [action.target] : action.target;
