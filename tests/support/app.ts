// The HTTP app over a test database, wired as in production but without Unleash (its state is
// given) and without listening: supertest drives it.
import { randomBytes } from 'node:crypto';
import type express from 'express';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createOperatorAuth, hashPassword } from '../../src/auth/operator-auth.js';
import { createSessionSettings } from '../../src/auth/session.js';
import { createAdmin } from '../../src/admin/create-admin.js';
import { coreResources } from '../../src/resources/core-resources.js';
import { createLogger } from '../../src/platform/logger.js';
import { plugins } from '../../plugins/index.js';

export function createTestApp(db: Database, { unleash = 'ok' as 'ok' | 'degraded' } = {}): express.Express {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' });
  const logger = createLogger({ level: 'silent' });
  const auth = createOperatorAuth({ prisma: db.prisma });
  const session = createSessionSettings({ config, pool: db.pool, secret: randomBytes(32).toString('hex') });
  const admin = createAdmin({ prisma: db.prisma, resources: [...coreResources, ...plugins.flatMap((p) => p.resources)] });
  return createApp({ config, logger, db, auth, session, admin, unleashState: () => unleash });
}

export async function createOperator(
  db: Database,
  { email = `op-${randomBytes(4).toString('hex')}@test.local`, password = randomBytes(9).toString('base64url'), roles = [] as string[], status = 'active' as 'active' | 'disabled' } = {},
): Promise<{ id: number; email: string; password: string }> {
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
