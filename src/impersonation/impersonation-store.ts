// The `impersonations` table in plain SQL: one prepared statement per read on the request path
// (every request of an impersonating session reads its row), and the state changes each in the
// caller's transaction so that its audit row commits with it.
import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../audit/types.js';

export type EndReason = 'ended' | 'expired' | 'revoked';

export type ImpersonationRow = {
  id: string;
  operatorId: number;
  targetUserId: number;
  targetOrgId: number | null;
  reasonCode: string;
  note: string;
  ticketId: string | null;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
};

/** The session column holds a hash: the table must not hand out live session ids. */
export const sessionHash = (sessionId: string): string => createHash('sha256').update(sessionId).digest('hex');

const COLUMNS = `id, operator_id AS "operatorId", target_user_id AS "targetUserId", target_org_id AS "targetOrgId",
  reason_code AS "reasonCode", note, ticket_id AS "ticketId", started_at AS "startedAt", expires_at AS "expiresAt",
  ended_at AS "endedAt", end_reason::text AS "endReason"`;

type Query = { query: (config: { name?: string; text: string; values: unknown[] }) => Promise<{ rows: unknown[] }> };

const rowsOf = (result: { rows: unknown[] }) => result.rows as ImpersonationRow[];

export function createImpersonationStore() {
  return {
    async get(db: Query, id: string): Promise<ImpersonationRow | null> {
      const result = await db.query({ name: 'impersonation_get', text: `SELECT ${COLUMNS} FROM impersonations WHERE id = $1::uuid`, values: [id] });
      return rowsOf(result)[0] ?? null;
    },

    /** The operator's running impersonation (not ended, not past its expiry), if any. */
    async activeFor(db: Query, operatorId: number, now: Date): Promise<ImpersonationRow | null> {
      const result = await db.query({
        name: 'impersonation_active_for',
        text: `SELECT ${COLUMNS} FROM impersonations WHERE operator_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY started_at DESC LIMIT 1`,
        values: [operatorId, now],
      });
      return rowsOf(result)[0] ?? null;
    },

    async insert(db: SqlExecutor, row: Omit<ImpersonationRow, 'endedAt' | 'endReason'> & { sessionId: string }): Promise<void> {
      await db.query(
        `INSERT INTO impersonations (id, operator_id, target_user_id, target_org_id, reason_code, note, ticket_id, session_id, started_at, expires_at)
         VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [row.id, row.operatorId, row.targetUserId, row.targetOrgId, row.reasonCode, row.note, row.ticketId, sessionHash(row.sessionId), row.startedAt, row.expiresAt],
      );
    },

    /**
     * Ends it if it is still open; null when it already was (a concurrent end, the sweep). An
     * expired one ends at its expiry: that is when it stopped counting, whenever it was noticed.
     */
    async end(db: SqlExecutor, id: string, reason: EndReason, now: Date): Promise<ImpersonationRow | null> {
      const { rows } = await db.query(
        `UPDATE impersonations SET ended_at = CASE WHEN $2 = 'expired' THEN least(expires_at, $3) ELSE $3 END, end_reason = $2::"ImpersonationEndReason"
         WHERE id = $1::uuid AND ended_at IS NULL RETURNING ${COLUMNS}`,
        [id, reason, now],
      );
      return (rows[0] as ImpersonationRow | undefined) ?? null;
    },

    /** Open impersonations past their expiry, ended as expired (the sweep), at most `limit`. */
    async endExpired(db: SqlExecutor, now: Date, limit: number): Promise<ImpersonationRow[]> {
      const { rows } = await db.query(
        `UPDATE impersonations SET ended_at = expires_at, end_reason = 'expired'
         WHERE id IN (SELECT id FROM impersonations WHERE ended_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [now, limit],
      );
      return rows as ImpersonationRow[];
    },

    /**
     * Open impersonations whose session is gone (logged out elsewhere, idle timeout, disabled
     * operator), ended as revoked. A minute's grace: a session is stored when its response ends,
     * just after the row that names it.
     */
    async endOrphaned(db: SqlExecutor, now: Date, limit: number): Promise<ImpersonationRow[]> {
      const { rows } = await db.query(
        `UPDATE impersonations SET ended_at = $1, end_reason = 'revoked'
         WHERE id IN (
           SELECT i.id FROM impersonations i
           WHERE i.ended_at IS NULL AND i.started_at < $1::timestamptz - interval '1 minute'
             AND NOT EXISTS (SELECT 1 FROM operator_sessions s WHERE s.expire > $1 AND encode(sha256(convert_to(s.sid, 'UTF8')), 'hex') = i.session_id)
           ORDER BY i.started_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS}`,
        [now, limit],
      );
      return rows as ImpersonationRow[];
    },

    /** The organizations this operator impersonated in lately, most recent first (the tenant switcher). */
    async recentOrgIds(db: Query, operatorId: number, limit: number): Promise<number[]> {
      const result = await db.query({
        name: 'impersonation_recent_orgs',
        text: `SELECT target_org_id AS "orgId" FROM impersonations WHERE operator_id = $1 AND target_org_id IS NOT NULL
               GROUP BY target_org_id ORDER BY max(started_at) DESC LIMIT $2`,
        values: [operatorId, limit],
      });
      return (result.rows as { orgId: number }[]).map((r) => r.orgId);
    },
  };
}

export type ImpersonationStore = ReturnType<typeof createImpersonationStore>;
