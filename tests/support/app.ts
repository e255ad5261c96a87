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
import { newTotpSecret } from '../../src/auth/totp.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import { authenticator } from './totp.js';

export { authenticator };
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { plugins } from '../../plugins/index.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import type { Plugin } from '../../src/platform/plugin.js';
import type { FlagEvaluator } from '../../src/flags/flag-service.js';
import type { FlagDefinitions } from '../../src/experiments/unleash-flag.js';
import type { UnleashAdmin } from '../../src/flags/unleash-admin.js';

export const TEST_AUDIT_KEY = 'test-audit-signing-key-'.padEnd(48, 'k');
/** The test app's MFA_ENCRYPTION_KEY (32 bytes as hex): operators' TOTP secrets are stored sealed under it. */
export const TEST_MFA_KEY = '7e57'.repeat(16);
/** Seals a TOTP secret as the test app stores it. */
export const sealTestSecret = (secret: string): string => createSecretBox(TEST_MFA_KEY).seal(secret);

/** The app as supertest drives it. */
export function createTestApp(db: Database, options: TestAppOptions = {}) {
  return createTestPlatformApp(db, options).app;
}

type TestAppOptions = {
  /** The Unleash state /readyz reports: fixed, or a real flag client's `state`. */
  unleash?: UnleashStatus | (() => UnleashStatus);
  auditSigningKey?: string;
  /** MFA_ENCRYPTION_KEY of this app (default TEST_MFA_KEY, the key createOperator seals with). */
  mfaEncryptionKey?: string;
  audit?: AuditService;
  /** The app's logger (default: silent), for a test that reads what was logged. */
  logger?: Logger;
  /** Environment variables on top of the test defaults, e.g. `{ MFA_REQUIRED: 'false' }`. */
  env?: Record<string, string>;
  /** The installed packs (default: the deployment's, plugins/index.ts). */
  plugins?: Plugin[];
  /** A flag client (a stand-in or the real one); without it every flag serves its declared default. */
  flagClient?: FlagEvaluator | null;
  /** Flag definitions for experiments (a real flag client, tests/support/unleash.ts). */
  flagDefinitions?: FlagDefinitions;
  /** Unleash's Admin API, for flag changes. */
  unleashAdmin?: UnleashAdmin | null;
};
type UnleashStatus = 'ok' | 'degraded';

/** The app with its action services (runner, approvals, outbox) for tests that drive those too. */
export function createTestPlatformApp(
  db: Database,
  {
    unleash = 'ok' as UnleashStatus | (() => UnleashStatus),
    auditSigningKey = TEST_AUDIT_KEY,
    mfaEncryptionKey = TEST_MFA_KEY,
    audit = createAuditService({ pool: db.pool, signingKey: auditSigningKey }) as AuditService,
    logger = createLogger({ level: 'silent' }),
    env = {},
    plugins: installed = plugins,
    flagClient = null,
    flagDefinitions,
    unleashAdmin = null,
  }: TestAppOptions = {},
) {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app', ...env });
  // The session store's prune timer is unref'd and the pool is the test's own: nothing to close.
  return createApp({
    config,
    logger,
    db,
    plugins: installed,
    sessionSecret: randomBytes(32).toString('hex'),
    unleashState: typeof unleash === 'function' ? unleash : () => unleash,
    audit,
    auditSigningKey,
    mfaEncryptionKey,
    flagClient,
    flagDefinitions,
    unleashAdmin,
  });
}

export type TestOperator = {
  id: number;
  email: string;
  password: string;
  /** The confirmed authenticator's secret (null with `mfa: false`). */
  totpSecret: string | null;
  /** A code not used before (see authenticator()). */
  totp: () => Promise<string>;
};

/** The login body: email, password and a fresh code (none without an authenticator). */
export async function credentials(op: TestOperator): Promise<{ email: string; password: string; totp?: string }> {
  return op.totpSecret ? { email: op.email, password: op.password, totp: await op.totp() } : { email: op.email, password: op.password };
}

export async function createOperator(
  db: Database,
  {
    email = `op-${randomBytes(4).toString('hex')}@test.local`,
    password = randomBytes(9).toString('base64url'),
    roles = [] as string[],
    status = 'active' as 'active' | 'disabled',
    // A confirmed authenticator, as every operator has once MFA is required.
    mfa = true,
  } = {},
): Promise<TestOperator> {
  // The seeded roles with their grants, as every start creates them; other keys become empty roles.
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const totpSecret = mfa ? newTotpSecret() : null;
  const operator = await db.prisma.operator.create({
    data: {
      email,
      name: email.split('@')[0],
      passwordHash: await hashPassword(password),
      status,
      // Sealed as the app stores it (src/auth/secret-box.ts); the test keeps the plain secret for codes.
      mfa: totpSecret ? { create: { totpSecret: sealTestSecret(totpSecret), confirmedAt: new Date() } } : undefined,
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
  return { id: operator.id, email, password, totpSecret, totp: totpSecret ? authenticator(totpSecret) : () => Promise.reject(new Error('this operator has no authenticator')) };
}

/**
 * A new operator with these roles, logged in through the API with password and TOTP code (the
 * session is also stepped up for the next minutes): a supertest agent carrying its session.
 */
export async function loginAs(app: Parameters<typeof request.agent>[0], db: Database, roles: string[]): Promise<{ agent: request.Agent; id: number; operator: TestOperator }> {
  const operator = await createOperator(db, { roles });
  const agent = request.agent(app);
  await agent.post('/api/session').send(await credentials(operator)).expect(200);
  return { agent, id: operator.id, operator };
}
