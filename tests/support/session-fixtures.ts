// What the login-security tests look at from the attacker's side: the session cookie a response
// sets, the session rows in PostgreSQL, and the audit rows a security event left.
import type { Response } from 'supertest';
import type { Database } from '../../src/db/database.js';

/** `name=value` of the session cookie the response sets, or null. */
export function sessionCookie(res: Response): string | null {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = cookies.find((c) => /^(__Host-)?opsdeck\.sid=/.test(c));
  return cookie ? cookie.split(';')[0] : null;
}

/** The full Set-Cookie header of the session cookie (its flags). */
export function sessionCookieHeader(res: Response): string | null {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => /^(__Host-)?opsdeck\.sid=/.test(c)) ?? null;
}

export async function sessionCount(db: Database, operatorId: number): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM operator_sessions WHERE operator_id = $1', [operatorId]);
  return Number(rows[0].n);
}

/** Changes the stored session JSON of an operator's sessions (a clock that moved, without sleeping). */
export async function patchSessions(db: Database, operatorId: number, patch: Record<string, unknown>, remove: string[] = []): Promise<void> {
  await db.pool.query(
    `UPDATE operator_sessions SET sess = ((sess::jsonb - $3::text[]) || $2::jsonb)::json WHERE operator_id = $1`,
    [operatorId, JSON.stringify(patch), remove],
  );
}

export type AuditRow = { action: string; operator_id: number | null; entity_type: string | null; entity_id: string | null; note: string | null; outcome: string };

/** Audit rows of these actions, sealed into the chain or not yet, in order. */
export async function auditRows(db: Database, actions: string[]): Promise<AuditRow[]> {
  const columns = 'seq, action, operator_id, entity_type, entity_id, note, outcome';
  const { rows } = await db.pool.query<AuditRow & { seq: string }>(
    `SELECT * FROM (SELECT ${columns} FROM audit.inbox UNION ALL SELECT ${columns} FROM audit.events) l WHERE action = ANY($1) ORDER BY seq`,
    [actions],
  );
  return rows.map(({ seq: _seq, ...row }) => row);
}
