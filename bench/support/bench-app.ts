// The app as the benches time it: booted by the same composition root as `npm start` on the
// database `npm start` uses (DATA_DIR, e.g. after `npm run seed -- --orders 10000000`; pending
// migrations are applied first), served on a loopback port, with one throwaway operator of a
// seeded role logged in on both faces (its two logins are audited, as any).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import { hashPassword } from '../../src/auth/operator-auth.js';
import { newTotpSecret, totpCode } from '../../src/auth/totp.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { plugins } from '../../plugins/index.js';

export type BenchApp = {
  db: Database;
  base: string;
  /** `Cookie` header of the operator's backoffice session (AdminJS API). */
  adminCookie: string;
  /** `Cookie` header of the operator's API session. */
  apiCookie: string;
  close: () => Promise<void>;
};

export async function bootBenchApp({ role }: { role: string }): Promise<BenchApp> {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn' });
  const secrets = await loadSecrets(config);
  const { databaseUrl, embedded } = await openDatabase({ config, secrets, logger });
  const db = createDatabase({ url: databaseUrl });

  const email = `bench-${randomBytes(4).toString('hex')}@opsdeck.local`;
  const password = randomBytes(12).toString('hex');
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const { id: roleId } = await db.prisma.role.findUniqueOrThrow({ where: { key: role } });
  const totpSecret = newTotpSecret();
  const operator = await db.prisma.operator.create({
    data: { email, name: 'bench', passwordHash: await hashPassword(password), roles: { create: [{ roleId }] }, mfa: { create: { totpSecret: createSecretBox(secrets.mfaEncryptionKey).seal(totpSecret), confirmedAt: new Date() } } },
  });
  // The real audit log: logins are audited (a denial would be too, but nothing here is denied).
  const audit = createAuditService({ pool: db.pool, signingKey: secrets.auditSigningKey });
  const { app, close } = createApp({ config, logger, db, plugins, sessionSecret: secrets.sessionSecret, unleashState: () => 'ok', audit, auditSigningKey: secrets.auditSigningKey, mfaEncryptionKey: secrets.mfaEncryptionKey });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Each TOTP code logs in once: the second login waits for the next 30-second step.
  const code = async (previous?: string) => {
    for (;;) {
      const next = await totpCode(totpSecret);
      if (next !== previous) return next;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const firstCode = await code();
  const login = await fetch(`${base}/admin/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, totp: firstCode }),
  });
  const adminCookie = String(login.headers.get('set-cookie')).split(';')[0];
  const apiLogin = await fetch(`${base}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, totp: await code(firstCode) }),
  });
  if (apiLogin.status !== 200) throw new Error(`bench: API login failed (${apiLogin.status})`);
  const apiCookie = String(apiLogin.headers.get('set-cookie')).split(';')[0];

  return {
    db, base, adminCookie, apiCookie,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await db.pool.query('DELETE FROM operator_sessions WHERE operator_id = $1 OR sess::text LIKE $2', [operator.id, `%${email}%`]);
      await db.prisma.operator.delete({ where: { id: operator.id } });
      await close();
      await db.close();
      if (embedded?.isOwner) await embedded.stop();
    },
  };
}

