// The app with a chosen configuration (IP_ALLOWLIST, OPERATOR_WRITE_LIMIT_PER_HOUR, COOKIE_SECURE),
// built by the same composition root as tests/support/app.ts; instances given the same session
// secret accept each other's sessions (one PostgreSQL store), as the instances of a deployment do.
import { randomBytes } from 'node:crypto';
import type request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { createLogger } from '../../src/platform/logger.js';
import { plugins } from '../../plugins/index.js';
import { TEST_AUDIT_KEY, TEST_MFA_KEY } from './app.js';

export const sharedSessionSecret = () => randomBytes(32).toString('hex');

export function createConfiguredApp(db: Database, { env = {}, sessionSecret = sharedSessionSecret() }: { env?: Record<string, string>; sessionSecret?: string } = {}) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app', ...env });
  return createApp({
    config,
    logger: createLogger({ level: 'silent' }),
    db,
    plugins,
    sessionSecret,
    unleashState: () => 'ok',
    audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }),
    auditSigningKey: TEST_AUDIT_KEY,
    mfaEncryptionKey: TEST_MFA_KEY,
  }).app;
}

/**
 * The cookies a supertest agent holds (its login), as a Cookie header: to present one login's
 * session to another app instance. supertest serves every app on 127.0.0.1, where the agent keeps them.
 */
export function cookieHeader(agent: request.Agent): string {
  const jar = (agent as unknown as { jar: { getCookies: (access: object) => { toValueString: () => string } } }).jar;
  return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
}

/** access.denied rows written by the request checks, newest first (the sealer may not have run yet). */
export async function securityDenials(db: Database, { operatorId, reasonCode }: { operatorId?: number | null; reasonCode: string }) {
  const { rows } = await db.pool.query(
    `SELECT * FROM (SELECT seq, operator_id, action, entity_type, entity_id, reason_code, note, ip, outcome FROM audit.inbox
                    UNION ALL SELECT seq, operator_id, action, entity_type, entity_id, reason_code, note, ip, outcome FROM audit.events) l
      WHERE action = 'access.denied' AND reason_code = $1 AND ($2::int IS NULL OR operator_id = $2) ORDER BY seq DESC`,
    [reasonCode, operatorId ?? null],
  );
  return rows;
}
