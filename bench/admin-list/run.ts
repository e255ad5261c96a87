// npm run bench:admin-list — times the backoffice's Order list (the AdminJS API the list page
// calls) on the database `npm start` uses, e.g. after `npm run seed -- --orders 10000000`, and the
// same pages done the stock AdminJS way (COUNT(*) plus OFFSET) for the ratio.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createDatabase } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import { hashPassword } from '../../src/auth/operator-auth.js';
import { newTotpSecret, totpCode } from '../../src/auth/totp.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import type { AuditService } from '../../src/audit/types.js';
import { plugins } from '../../plugins/index.js';

const RUNS = 15;
const config = loadConfig();
const logger = createLogger({ level: 'warn' });
const secrets = await loadSecrets(config);
const { databaseUrl, embedded } = await openDatabase({ config, secrets, logger });
const db = createDatabase({ url: databaseUrl });

const email = `bench-${randomBytes(4).toString('hex')}@opsdeck.local`;
const password = randomBytes(12).toString('hex');
await ensureSeedRoles({ prisma: db.prisma, plugins });
const role = await db.prisma.role.findUniqueOrThrow({ where: { key: 'support_agent' } });
const totpSecret = newTotpSecret();
const operator = await db.prisma.operator.create({
  data: { email, name: 'bench', passwordHash: await hashPassword(password), roles: { create: [{ roleId: role.id }] }, mfa: { create: { totpSecret: createSecretBox(secrets.mfaEncryptionKey).seal(totpSecret), confirmedAt: new Date() } } },
});
// The bench's operator may list orders, so nothing here is ever denied and audited.
const noDenialExpected = async (): Promise<never> => {
  throw new Error('bench: unexpected audit write');
};
const audit: AuditService = { append: noDenialExpected, appendMany: noDenialExpected, appendStandalone: noDenialExpected };
const { app, close } = createApp({ config, logger, db, plugins, sessionSecret: secrets.sessionSecret, unleashState: () => 'ok', audit, auditSigningKey: secrets.auditSigningKey, mfaEncryptionKey: secrets.mfaEncryptionKey });
const server = http.createServer(app);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], max: s[s.length - 1] };
};
const fmt = (n: number) => n.toFixed(1).padStart(8);

try {
  const login = await fetch(`${base}/admin/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, totp: await totpCode(totpSecret) }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0];
  const { rows: [{ estimate }] } = await db.pool.query(`SELECT reltuples::bigint AS estimate FROM pg_class WHERE oid = 'orders'::regclass`);
  const { rows: [{ seller }] } = await db.pool.query('SELECT seller_org_id AS seller FROM orders ORDER BY id DESC LIMIT 1');
  const deepPage = Math.max(2, Math.floor(Number(estimate) / 20 / 2));
  console.log(`orders (planner estimate): ${Number(estimate).toLocaleString('en')}; ${RUNS} runs per scenario, ms`);

  const scenarios: [string, string][] = [
    ['list page 1 (id desc)', 'page=1'],
    ['list page 2 (keyset from page 1)', 'page=2'],
    ['list page 1 sorted by createdAt asc', 'page=1&sortBy=createdAt&direction=asc'],
    ['list page 1 filtered by seller', `page=1&filters.sellerOrg=${seller}`],
    [`deep jump to page ${deepPage.toLocaleString('en')} (no cursor)`, `page=${deepPage}`],
  ];
  console.log(`${'scenario'.padEnd(44)}      p50      p95      max  (HTTP, estimated total + keyset)`);
  const results: Record<string, number> = {};
  for (const [name, query] of scenarios) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/admin/api/resources/Order/actions/list?perPage=20&${query}`, { headers: { cookie } });
      const body = (await res.json()) as { records: unknown[] };
      if (res.status !== 200 || body.records.length === 0) throw new Error(`${name}: HTTP ${res.status}, ${body.records?.length} records`);
      times.push(performance.now() - t0);
    }
    const s = stats(times);
    results[name] = s.p50;
    console.log(`${name.padEnd(44)} ${fmt(s.p50)} ${fmt(s.p95)} ${fmt(s.max)}`);
  }

  // The stock AdminJS list: COUNT(*) of the filter, then ORDER BY ... OFFSET ... LIMIT 20.
  const naive = async (offset: number) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await db.pool.query('SELECT count(*) FROM orders');
      await db.pool.query('SELECT * FROM orders ORDER BY id DESC OFFSET $1 LIMIT 20', [offset]);
      times.push(performance.now() - t0);
    }
    return stats(times).p50;
  };
  const naiveFirst = await naive(0);
  const naiveDeep = await naive((deepPage - 1) * 20);
  console.log(`stock way, SQL only (COUNT(*) + OFFSET), page 1: ${naiveFirst.toFixed(1)} ms; page ${deepPage}: ${naiveDeep.toFixed(1)} ms`);
  console.log(`ratio stock/ours, page 1: ${(naiveFirst / results['list page 1 (id desc)']).toFixed(1)}x; deep page: ${(naiveDeep / results[scenarios[4][0]]).toFixed(1)}x`);
} finally {
  server.closeAllConnections();
  server.close();
  await db.pool.query('DELETE FROM operator_sessions WHERE sess::text LIKE $1', [`%${email}%`]);
  await db.prisma.operator.delete({ where: { id: operator.id } });
  await close();
  await db.close();
  if (embedded?.isOwner) await embedded.stop();
}
