// Live operator sessions, as the sessions screen and GET /api/sessions show them, and their
// revocation: deleting the row ends the session on its next request, on both faces. A session is
// named by its row id, never by its sid (the cookie's value).
import type pg from 'pg';
import { notFound } from '../http/errors.js';
import type { OperatorPrincipal } from './operator-auth.js';
import type { SessionAudit } from './session-audit.js';

export type OperatorSessionView = {
  id: string;
  operatorId: number;
  operatorEmail: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  isEnrolmentOnly: boolean;
};

type Row = { id: string; operator_id: number; email: string; created_at: Date; last_seen_at: Date; expire: Date; ip: string | null; user_agent: string | null; is_pending: boolean };

const view = (r: Row): OperatorSessionView => ({
  id: r.id, operatorId: r.operator_id, operatorEmail: r.email, createdAt: r.created_at.toISOString(), lastSeenAt: r.last_seen_at.toISOString(),
  expiresAt: r.expire.toISOString(), ip: r.ip, userAgent: r.user_agent, isEnrolmentOnly: r.is_pending,
});

export function createOperatorSessions({ pool, sessionAudit }: { pool: Pick<pg.Pool, 'query'>; sessionAudit: SessionAudit }) {
  /** Newest first; `before` is the previous page's last (createdAt, id). */
  async function list({ limit, before, operatorId }: { limit: number; before?: { at: Date; id: string }; operatorId?: number }): Promise<OperatorSessionView[]> {
    const { rows } = await pool.query<Row>(
      `SELECT s.id, s.operator_id, o.email, s.created_at, s.last_seen_at, s.expire AT TIME ZONE current_setting('TimeZone') AS expire, s.ip, s.user_agent,
              coalesce((s.sess ->> 'mfaPending')::boolean, false) AS is_pending
         FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
        WHERE s.expire > now()::timestamp
          AND ($1::int IS NULL OR s.operator_id = $1)
          AND ($2::timestamptz IS NULL OR (s.created_at, s.id) < ($2, $3::uuid))
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT $4`,
      [operatorId ?? null, before?.at ?? null, before?.id ?? null, limit],
    );
    return rows.map(view);
  }

  /** Deletes the session's row (the operator is logged out at once) and audits it; 404 when there is none. */
  async function revoke({ id, actor }: { id: string; actor: Pick<OperatorPrincipal, 'id' | 'roles'> }): Promise<void> {
    const { rows } = await pool.query<{ operator_id: number | null }>('DELETE FROM operator_sessions WHERE id = $1 RETURNING operator_id', [id]);
    if (!rows[0]) throw notFound(`No session ${id}.`);
    await sessionAudit.revoked({ actor, sessionId: id, operatorId: rows[0].operator_id });
  }

  /** Ends every session of one operator (an authenticator reset); how many there were. */
  async function endAllOf(operatorId: number): Promise<number> {
    const { rowCount } = await pool.query('DELETE FROM operator_sessions WHERE operator_id = $1', [operatorId]);
    return rowCount ?? 0;
  }

  return { list, revoke, endAllOf };
}

export type OperatorSessions = ReturnType<typeof createOperatorSessions>;
