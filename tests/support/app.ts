// The HTTP app over a test database, built by the same composition root as `npm start`, without
// Unleash (its state is given) and without listening: supertest drives it. The audit service is
// the real one over the test database unless a test passes its own.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import type { AuditService } from '../../src/audit/types.js';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/operator-auth.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { plugins } from '../../plugins/index.js';
import { createAuditService } from '../../src/audit/audit-service.js';

export const TEST_AUDIT_KEY = 'test-audit-signing-key-'.padEnd(48, 'k');

/** The app as supertest drives it. */
export function createTestApp(db: Database, options: TestAppOptions = {}) {
  return createTestPlatformApp(db, options).app;
}

type TestAppOptions = { unleash?: 'ok' | 'degraded'; auditSigningKey?: string; audit?: AuditService };

/** The app with its action services (runner, approvals, outbox) for tests that drive those too. */
export function createTestPlatformApp(
  db: Database,
  {
    unleash = 'ok' as 'ok' | 'degraded',
    auditSigningKey = TEST_AUDIT_KEY,
    audit = createAuditService({ pool: db.pool, signingKey: auditSigningKey }) as AuditService,
  }: TestAppOptions = {},
) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' });
  // The session store's prune timer is unref'd and the pool is the test's own: nothing to close.
  return createApp({
    config,
    logger: createLogger({ level: 'silent' }),
    db,
    plugins,
    sessionSecret: randomBytes(32).toString('hex'),
    unleashState: () => unleash,
    audit,
    auditSigningKey,
  });
}

export async function createOperator(
  db: Database,
  { email = `op-${randomBytes(4).toString('hex')}@test.local`, password = randomBytes(9).toString('base64url'), roles = [] as string[], status = 'active' as 'active' | 'disabled' } = {},
): Promise<{ id: number; email: string; password: string }> {
  // The seeded roles with their grants, as every start creates them; other keys become empty roles.
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const operator = await db.prisma.operator.create({
    data: {
      email,
      name: email.split('@')[0],
      passwordHash: await hashPassword(password),
      status,
      roles: {
        create: await Promise.all(
          roles.map(async (key) => {
            const role = await db.prisma.role.upsert({ where: { key }, create: { key, name: key, permissions: [] }, update: {} });
            return { roleId: role.id };
          }),
        ),
      },
    },
  });
  return { id: operator.id, email, password };
}

/** A new operator with these roles, logged in through the API: a supertest agent carrying its session. */
export async function loginAs(app: Parameters<typeof request.agent>[0], db: Database, roles: string[]): Promise<{ agent: request.Agent; id: number }> {
  const operator = await createOperator(db, { roles });
  const agent = request.agent(app);
  await agent.post('/api/session').send({ email: operator.email, password: operator.password }).expect(200);
  return { agent, id: operator.id };
}
