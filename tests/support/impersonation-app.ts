// The app for the impersonation tests: the installed packs plus a test pack with two actions that
// may run while impersonating (one plain, one needing approval), and a token key of its own. Plus
// the session helpers those tests share: stepping up, a session's cookie and ids.
import { randomBytes } from 'node:crypto';
import type request from 'supertest';
import cookiejar from 'cookiejar';
import { z } from 'zod/v4';
import { plugins } from '../../plugins/index.js';
import { createApp } from '../../src/app.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { definePlugin } from '../../src/platform/plugin.js';
import { defineAction } from '../../src/actions/define-action.js';
import { generateSigningKey } from '../../src/impersonation/impersonation-tokens.js';
import { TEST_AUDIT_KEY, TEST_MFA_KEY } from './app.js';

/** What loginAs answers (tests/support/app.ts): the operator carries its authenticator. */
export type Login = { agent: request.Agent; id: number; operator?: { totp: () => Promise<string> } };

const allowedAction = defineAction({
  id: 'imptest.note', title: 'Note on a customer', permission: 'user.impersonate', target: 'customer_user',
  input: z.strictObject({ text: z.string().max(100) }), reasonCodes: ['support'],
  policy: { allowDuringImpersonation: true },
  load: async ({ sql, target }) => (await sql<{ id: number }>`SELECT id FROM customer_users WHERE id = ${Number(target.id)} FOR UPDATE`)[0],
  run: async (ctx) => {
    ctx.changed({ entityType: 'customer_user', entityId: ctx.target.id, before: null, after: { note: ctx.input.text } });
    return { noted: ctx.input.text };
  },
});
const approvalAction = defineAction({
  id: 'imptest.approve_me', title: 'Needs a second person', permission: 'user.impersonate', target: 'customer_user',
  input: z.strictObject({}), reasonCodes: ['support'],
  policy: { allowDuringImpersonation: true, approval: { approvals: 1, approverPermission: 'user.impersonate' } },
  load: async () => ({}),
  run: async () => ({ done: true }),
});
export const impersonationTestPack = definePlugin({ id: 'imptest', resources: [], actions: [allowedAction, approvalAction] });

export function createImpersonationTestApp(db: Database) {
  return createApp({
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }),
    logger: createLogger({ level: 'silent' }),
    db,
    plugins: [...plugins, impersonationTestPack],
    sessionSecret: randomBytes(32).toString('hex'),
    unleashState: () => 'ok',
    audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }),
    auditSigningKey: TEST_AUDIT_KEY,
    mfaEncryptionKey: TEST_MFA_KEY,
    impersonationJwtKey: generateSigningKey(),
  });
}

/** Marks (or, with null, clears) the step-up of every session of an operator: "5 minutes later". */
export const setStepUp = (db: Database, operatorId: number, at: number | null) =>
  db.pool.query(
    at === null
      ? `UPDATE operator_sessions SET sess = (sess::jsonb - 'stepUpAt')::json WHERE (sess -> 'adminUser' ->> 'id')::int = $1`
      : `UPDATE operator_sessions SET sess = jsonb_set(sess::jsonb, '{stepUpAt}', to_jsonb($2::bigint))::json WHERE (sess -> 'adminUser' ->> 'id')::int = $1`,
    at === null ? [operatorId] : [operatorId, at],
  );

/**
 * A fresh step-up through POST /api/session/step-up with a new code from the operator's
 * authenticator (an operator without one gets its session marked as that endpoint marks it).
 */
export async function stepUp(db: Database, who: Login): Promise<void> {
  if (who.operator) {
    const res = await who.agent.post('/api/session/step-up').send({ totp: await who.operator.totp() });
    if (res.status !== 200) throw new Error(`step-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return;
  }
  await setStepUp(db, who.id, Date.now());
}

/** The agent's session cookie as `name=value` (supertest serves apps on 127.0.0.1). */
export function sessionCookie(agent: request.Agent): { name: string; value: string; header: string } {
  const jar = (agent as unknown as { jar: cookiejar.CookieJar }).jar;
  const cookie = jar.getCookies(cookiejar.CookieAccessInfo.All).find((c) => c.name.endsWith('opsdeck.sid'));
  if (!cookie) throw new Error('the agent holds no session cookie');
  return { name: cookie.name, value: cookie.value, header: `${cookie.name}=${cookie.value}` };
}

export const sessionIdsOf = async (db: Database, operatorId: number) =>
  (await db.pool.query<{ sid: string }>(`SELECT sid FROM operator_sessions WHERE (sess -> 'adminUser' ->> 'id')::int = $1 ORDER BY sid`, [operatorId])).rows.map((r) => r.sid);

export type AuditRow = {
  operatorId: number | null; impersonatedUserId: string | null; action: string; entityType: string | null; entityId: string | null;
  outcome: string; note: string | null; after: Record<string, unknown> | null;
};

/** Audit rows, committed but maybe not yet sealed, in order; `where` names the log's columns. */
export async function auditRows(db: Database, where: string, params: unknown[]): Promise<AuditRow[]> {
  const columns = 'seq, operator_id, impersonated_user_id, action, entity_type, entity_id, outcome, note, after';
  const { rows } = await db.pool.query<AuditRow>(
    `SELECT operator_id AS "operatorId", impersonated_user_id::text AS "impersonatedUserId", action, entity_type AS "entityType", entity_id AS "entityId",
            outcome, note, after::jsonb AS after
     FROM (SELECT ${columns} FROM audit.inbox UNION ALL SELECT ${columns} FROM audit.events) l WHERE ${where} ORDER BY seq`,
    params,
  );
  return rows;
}
