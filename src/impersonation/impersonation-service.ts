// Customer impersonation (docs/adr/0010-impersonation.md): starting one (checks, a new session id,
// the row and its audit row in one transaction), ending it (by the operator, by expiry, revoked by
// the platform), the per-request audit row, and the sweep that ends what nobody ends. Routes and
// the middleware only translate HTTP; every rule is here.
import type { FeatureGate } from '../flags/feature-gate.js';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AuditActor, AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { can } from '../rbac/access.js';
import { maskPii } from '../rbac/masking.js';
import { createImpersonationStore, type EndReason, type ImpersonationRow } from './impersonation-store.js';
import type { ActiveImpersonation, ImpersonationReason, ImpersonationTargets, ImpersonationTenant } from './impersonation-types.js';

export type StartInput = { targetUserId: number; reason: ImpersonationReason; note: string; ticketId: string | null; minutes: number };

type Operator = Pick<OperatorPrincipal, 'id' | 'roles' | 'permissions'>;

// pg_advisory_xact_lock(class, operator): one start at a time per operator, across app instances.
const LOCK_CLASS = 0x1e9a;
const SWEEP_BATCH = 500;
const RECENT_TENANTS = 5;

export const alreadyImpersonating = () => conflict('impersonation_active', 'An impersonation is already running: end it before starting another (they do not nest).');
export const targetForbidden = () => new AppError({
  status: 403, code: 'impersonation_target_forbidden', title: 'Impersonation refused',
  detail: 'This user is (or shares an email address with) an internal operator: operators can never be impersonated.',
});

export const activeView = (row: ImpersonationRow): ActiveImpersonation => ({
  id: row.id, operatorId: row.operatorId, targetUserId: row.targetUserId, targetOrgId: row.targetOrgId,
  reasonCode: row.reasonCode, ticketId: row.ticketId, startedAt: row.startedAt.toISOString(), expiresAt: row.expiresAt.toISOString(),
});

export const isOpen = (row: ImpersonationRow, now: Date) => row.endedAt === null && row.expiresAt > now;

export function createImpersonationService({ pool, audit, targets, gate }: {
  pool: pg.Pool;
  audit: AuditService;
  /** Kill switch `opsdeck.impersonation` (src/flags/feature-gate.ts); absent, starting is never gated. */
  gate?: FeatureGate;
  /** The installed pack's customer users; null when no pack offers any (nothing can be impersonated). */
  targets: ImpersonationTargets | null;
}) {
  const store = createImpersonationStore();
  const actorOf = (operator: Operator | null, row: ImpersonationRow): AuditActor =>
    ({ operatorId: operator?.id ?? null, roles: operator?.roles ?? [], impersonatedUserId: row.targetUserId });
  const snapshot = (row: ImpersonationRow) => ({
    operatorId: row.operatorId, targetUserId: row.targetUserId, targetOrgId: row.targetOrgId, ticketId: row.ticketId,
    startedAt: row.startedAt.toISOString(), expiresAt: row.expiresAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null, endReason: row.endReason,
  });

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async function loadTarget(userId: number) {
    const target = targets ? await targets.load(pool, userId) : null;
    if (!target) throw notFound(`No customer user ${userId}.`);
    // Operators are never customers: one whose email an operator also holds is refused outright.
    const { rows } = await pool.query({ name: 'impersonation_operator_email', text: 'SELECT 1 FROM operators WHERE lower(email) = lower($1) LIMIT 1', values: [target.email] });
    if (rows.length > 0) throw targetForbidden();
    return target;
  }

  /**
   * Checks the target, then asks for a new session id (`rotateSession`, so the failures above
   * leave the session as it was), then stores the impersonation with its audit row.
   */
  async function start({ operator, input, rotateSession, now = new Date() }: {
    operator: Operator; input: StartInput; rotateSession: () => Promise<string>; now?: Date;
  }): Promise<ImpersonationRow> {
    // Before the target is even read: a switched-off feature reveals nothing.
    await gate?.require('opsdeck.impersonation', {
      actor: { operatorId: operator.id, roles: operator.roles }, entityType: 'impersonation', entityId: null, what: 'Impersonation',
    });
    const target = await loadTarget(input.targetUserId);
    if (await store.activeFor(pool, operator.id, now)) throw alreadyImpersonating();
    const sessionId = await rotateSession();
    const row: ImpersonationRow = {
      id: randomUUID(), operatorId: operator.id, targetUserId: target.userId, targetOrgId: target.orgId, reasonCode: input.reason,
      note: input.note, ticketId: input.ticketId, startedAt: now, expiresAt: new Date(now.getTime() + input.minutes * 60_000), endedAt: null, endReason: null,
    };
    return inTransaction(async (client) => {
      const sql = pgExecutor(client);
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, operator.id]);
      if (await store.activeFor(client, operator.id, now)) throw alreadyImpersonating();
      await store.insert(sql, { ...row, sessionId });
      await audit.append(sql, {
        actor: actorOf(operator, row), action: 'impersonation.start', entityType: 'impersonation', entityId: row.id,
        reasonCode: row.reasonCode, note: row.note, after: { ...snapshot(row), minutes: input.minutes }, outcome: 'succeeded',
      });
      return row;
    });
  }

  /** Ends an open impersonation with its audit row; null when it had already ended. */
  async function end({ id, reason, operator, now = new Date() }: { id: string; reason: EndReason; operator: Operator | null; now?: Date }): Promise<ImpersonationRow | null> {
    return inTransaction(async (client) => {
      const sql = pgExecutor(client);
      const row = await store.end(sql, id, reason, now);
      if (row) {
        await audit.append(sql, {
          actor: actorOf(operator, row), action: `impersonation.${reason === 'ended' ? 'end' : reason}`, entityType: 'impersonation', entityId: row.id,
          after: snapshot(row), outcome: 'succeeded',
        });
      }
      return row;
    });
  }

  /**
   * One audit row per request made while impersonating, written before the request runs: a
   * request that cannot be audited is not served.
   */
  function recordRequest({ impersonation, operator, method, url, isRefused }: {
    impersonation: ActiveImpersonation; operator: Operator; method: string; url: string; isRefused: boolean;
  }) {
    return audit.appendStandalone({
      actor: { operatorId: operator.id, roles: operator.roles, impersonatedUserId: impersonation.targetUserId },
      action: 'impersonation.request', entityType: 'impersonation', entityId: impersonation.id,
      note: isRefused ? 'refused: impersonation_read_only' : null,
      after: { method, url: url.slice(0, 1000), operatorId: operator.id, targetUserId: impersonation.targetUserId, targetOrgId: impersonation.targetOrgId },
      outcome: isRefused ? 'denied' : 'attempted',
    });
  }

  /** Ends what nobody ended: expired impersonations, and those whose session is gone. */
  async function sweep(now = new Date()): Promise<{ expired: number; revoked: number }> {
    const endBatch = (find: typeof store.endExpired, action: string) => inTransaction(async (client) => {
      const sql = pgExecutor(client);
      const rows = await find(sql, now, SWEEP_BATCH);
      // The platform ends these, not an operator: the operator is named in `after`.
      await audit.appendMany(sql, rows.map((row) => ({
        actor: actorOf(null, row), action, entityType: 'impersonation', entityId: row.id, after: snapshot(row), outcome: 'succeeded' as const,
      })));
      return rows.length;
    });
    const expired = await endBatch(store.endExpired, 'impersonation.expired');
    const revoked = await endBatch(store.endOrphaned, 'impersonation.revoked');
    return { expired, revoked };
  }

  /** The target as the banner shows it; personal data masked for an operator without pii.read. */
  async function describe(impersonation: ActiveImpersonation, viewer: Operator) {
    const target = targets ? await targets.load(pool, impersonation.targetUserId) : null;
    const isMasked = !can(viewer, 'pii.read');
    const remainingSeconds = Math.max(0, Math.round((Date.parse(impersonation.expiresAt) - Date.now()) / 1000));
    return {
      ...impersonation,
      remainingSeconds,
      readOnly: true,
      target: target && {
        id: target.userId, orgId: target.orgId, orgName: target.orgName,
        email: isMasked ? maskPii('email', target.email) : target.email, name: isMasked ? maskPii('name', target.name) : target.name,
      },
    };
  }

  /** The tenant switcher: organizations by name, domain or id; without text, the last five this operator used. */
  async function tenants({ operator, text }: { operator: Operator; text: string }): Promise<{ items: ImpersonationTenant[]; isRecent: boolean }> {
    if (!targets) return { items: [], isRecent: !text };
    const items = text
      ? await targets.searchTenants(pool, { text, limit: 20, usersPerTenant: 10 })
      : await targets.tenantsByIds(pool, await store.recentOrgIds(pool, operator.id, RECENT_TENANTS), 10);
    const isMasked = !can(operator, 'pii.read');
    const masked = isMasked
      ? items.map((t) => ({ ...t, users: t.users.map((u) => ({ ...u, email: String(maskPii('email', u.email)), name: String(maskPii('name', u.name)) })) }))
      : items;
    return { items: masked, isRecent: !text };
  }

  return { start, end, recordRequest, sweep, describe, tenants, get: (id: string) => store.get(pool, id) };
}

export type ImpersonationService = ReturnType<typeof createImpersonationService>;
