// npm run bench:actions — the action runner against its targets (2 cores): at least 500 refunds/s
// over HTTP at 32 concurrent clients with p99 at most 100 ms, and a 1000-target bulk job done in at
// most 2 s; each beside the same work done naively. Builds a scratch database (embedded, or on
// DATABASE_URL's server), the app as boot wires it (createApp, the audit sealer, pg-boss with the
// outbox and bulk workers), logs in a Finance Admin and a Risk Agent, makes the paid orders and
// listings in bulk SQL, then measures:
//   - order.refund over HTTP, each request a full refund of its own order, 32 keep-alive clients;
//   - the naive refund: the same rows and the same session front, each statement on autocommit
//     (bench/actions/naive-refund.ts);
//   - for scale, the front alone (GET /api/session) and the floor of any write here: the front and
//     one autocommit INSERT (bench/actions/floor-route.ts);
//   - listing.takedown over 1000 listings as one bulk job, POST to completed;
//   - the naive bulk: the same 1000 takedowns as single POSTs, one after another (and, for scale,
//     from 32 clients).
// ACTIONS_BENCH_SECONDS (10) and ACTIONS_BENCH_ORDERS (40000) override the run length and data.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import express from 'express';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import { createOperatorAuth, hashPassword } from '../../src/auth/operator-auth.js';
import { newTotpSecret, totpCode } from '../../src/auth/totp.js';
import { createSessionMiddleware, createSessionSettings } from '../../src/auth/session.js';
import { requireOperator } from '../../src/auth/require-operator.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { startAuditBackground } from '../../src/audit/audit-background.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { plugins } from '../../plugins/index.js';
import { createScratchDatabase } from './scratch-database.js';
import { createListings, createPaidOrders } from './fixtures.js';
import { runHttpLoad, type LoadOptions, type LoadSummary } from './http-load.js';
import { createNaiveRefundRoute } from './naive-refund.js';
import { createFloorRoute } from './floor-route.js';

const CLIENTS = 32;
const SECONDS = Number(process.env.ACTIONS_BENCH_SECONDS ?? 10);
const ORDERS = Number(process.env.ACTIONS_BENCH_ORDERS ?? 40_000);
const BULK_TARGETS = 1000;
const TARGET_REFUNDS = 500;
const TARGET_P99_MS = 100;
const TARGET_BULK_MS = 2000;
const log = (line = '') => console.log(line);
const ms = (n: number) => `${n.toFixed(1)} ms`;

// Every step that started something registers its undo; a failure anywhere still tears down.
const undo: (() => Promise<unknown>)[] = [];
try {
  // ---- The platform over a scratch database
  const scratch = await createScratchDatabase('actions');
  undo.push(scratch.drop);
  const logger = createLogger({ level: 'warn' });
  // The write limit stays on (its cost is part of every write) but high enough for the bench's volume.
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: os.tmpdir(), OPERATOR_WRITE_LIMIT_PER_HOUR: '100000000' });
  const sessionSecret = randomBytes(32).toString('hex');
  const signingKey = randomBytes(32).toString('hex');
  // MFA_ENCRYPTION_KEY: the bench's operators' TOTP secrets are stored sealed under it, as the app reads them.
  const mfaEncryptionKey = randomBytes(32).toString('hex');
  const secretBox = createSecretBox(mfaEncryptionKey);
  // The platform's pool size (boot uses the default).
  const db = createDatabase({ url: scratch.url });
  db.pool.on('error', () => {});
  undo.push(db.close);
  const audit = createAuditService({ pool: db.pool, signingKey });
  const auditBackground = startAuditBackground({ pool: db.pool, signingKey, retentionYears: 7, logger });
  undo.push(auditBackground.stop);
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const { app, close, actions } = createApp({ config, logger, db, plugins, sessionSecret, unleashState: () => 'ok', audit, auditSigningKey: signingKey, mfaEncryptionKey });
  undo.push(close);
  // As boot starts them (src/actions/action-background.ts): pg-boss, the outbox and bulk workers.
  await actions.boss.start();
  undo.push(() => actions.boss.stop({ graceful: true, wait: true, timeout: 10_000 }));
  undo.push(async () => actions.bulk.stop());
  await actions.outbox.work();
  await actions.bulk.work();

  // The naive refund route in front of the app, behind the same session and operator reload.
  const naiveSession = createSessionSettings({ config, pool: db.pool, secret: sessionSecret });
  undo.push(async () => naiveSession.store.close?.());
  const outer = express();
  const benchFront = { session: createSessionMiddleware(naiveSession), authenticated: requireOperator({ auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }) }) };
  outer.use(createNaiveRefundRoute({ pool: db.pool, audit, boss: actions.boss, ...benchFront }));
  outer.use(await createFloorRoute({ pool: db.pool, ...benchFront }));
  outer.use(app);
  const server = http.createServer(outer);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  undo.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function login(roleKey: string): Promise<string> {
    const email = `bench-${roleKey}-${randomBytes(3).toString('hex')}@opsdeck.local`;
    const password = randomBytes(12).toString('hex');
    const role = await db.prisma.role.findUniqueOrThrow({ where: { key: roleKey } });
    // Enrolled in MFA as every operator is (MFA_REQUIRED): one login, one code.
    const totpSecret = newTotpSecret();
    await db.prisma.operator.create({
      data: { email, name: `bench ${roleKey}`, passwordHash: await hashPassword(password), roles: { create: [{ roleId: role.id }] }, mfa: { create: { totpSecret: secretBox.seal(totpSecret), confirmedAt: new Date() } } },
    });
    const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, totp: await totpCode(totpSecret) }) });
    if (!res.ok) throw new Error(`login as ${roleKey}: HTTP ${res.status}`);
    return String(res.headers.get('set-cookie')).split(';')[0];
  }

  /** Hands each load the ids the previous loads left unused (each refund needs an order of its own). */
  function idSource(all: number[]) {
    let cursor = 0;
    return {
      async load(options: Omit<LoadOptions, 'ids' | 'base'>): Promise<LoadSummary & { cpuMsPerRequest: number }> {
        const cpu = process.cpuUsage();
        const result = await runHttpLoad({ ...options, base, ids: all.slice(cursor) });
        const { user, system } = process.cpuUsage(cpu);
        cursor += result.idsUsed;
        if (cursor >= all.length) log(`  (ran out of ids after ${result.count} requests: raise ACTIONS_BENCH_ORDERS)`);
        return { ...result, cpuMsPerRequest: (user + system) / 1000 / result.count };
      },
    };
  }

  const report = (name: string, s: LoadSummary & { cpuMsPerRequest: number }) => {
    const errors = Object.entries(s.statuses).filter(([status]) => status !== '200');
    log(`  ${name.padEnd(40)} ${s.perSecond.toFixed(0).padStart(6)}/s   p50 ${ms(s.p50).padStart(9)}   p99 ${ms(s.p99).padStart(9)}   max ${ms(s.max).padStart(9)}   n=${s.count}   node CPU ${ms(s.cpuMsPerRequest)}/req`
      + (errors.length ? `   NON-200: ${errors.map(([k, v]) => `${k}x${v}`).join(', ')}` : ''));
    return s;
  };

  log(`actions bench on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), PostgreSQL ${scratch.serverVersion}, app pool ${db.pool.options.max} connections`);
  const setupStarted = performance.now();
  const financeCookie = await login('finance_admin');
  const riskCookie = await login('risk_agent');
  const orderIds = idSource(await createPaidOrders(db.pool, { count: ORDERS, amount: 25_000 }));
  const listingIds = await createListings(db.pool, { count: BULK_TARGETS * 3 });
  log(`setup: ${ORDERS.toLocaleString('en')} paid orders, ${listingIds.length.toLocaleString('en')} listings in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`);
  const loadBefore = os.loadavg();

  // ---- Refunds over HTTP, 32 clients
  const refundBody = '{"target":{"type":"order","id":"{id}"},"input":{},"reasonCode":"item_damaged"}';
  const refund = { cookie: financeCookie, clients: CLIENTS, method: 'POST', pathTemplate: '/api/actions/order.refund', bodyTemplate: refundBody } as const;
  log(`refunds over HTTP, ${CLIENTS} clients, ${SECONDS} s each (after a 3 s warm-up):`);
  await orderIds.load({ ...refund, seconds: 3, keyPrefix: 'warm' });
  const runner = report('order.refund through the runner', await orderIds.load({ ...refund, seconds: SECONDS, keyPrefix: 'runner' }));
  const naiveRefund = { ...refund, pathTemplate: '/naive/refunds/{id}', bodyTemplate: '{"reasonCode":"item_damaged"}' };
  await orderIds.load({ ...naiveRefund, seconds: 3, keyPrefix: 'naive-warm' });
  const naive = report('naive: same writes, autocommit each', await orderIds.load({ ...naiveRefund, seconds: SECONDS, keyPrefix: 'naive' }));
  // What every API request pays before any action: the session read and the operator reload.
  const sessions = idSource(Array.from({ length: 1_000_000 }, (_, i) => i));
  report('for scale: GET /api/session (the front)', await sessions.load({ cookie: financeCookie, clients: CLIENTS, method: 'GET', pathTemplate: '/api/session', bodyTemplate: null, seconds: 5, keyPrefix: 'session' }));
  const floor = report('floor: the front + one INSERT, one commit', await sessions.load({ cookie: financeCookie, clients: CLIENTS, method: 'POST', pathTemplate: '/floor/{id}', bodyTemplate: '{}', seconds: 5, keyPrefix: 'floor' }));

  // ---- A 1000-target bulk job, POST to completed. First the refunds' backlog drains (their
  // notifications in the outbox, their audit rows waiting for the sealer), as it would between
  // bursts, so the job is measured against itself rather than against that catch-up work.
  const drainStarted = performance.now();
  for (;;) {
    const { rows: [left] } = await db.pool.query(`SELECT (SELECT count(*) FROM pgboss.job WHERE name = 'outbox' AND state < 'completed')::int AS outbox,
      (SELECT count(*) FROM audit.inbox)::int AS unsealed`);
    if (left.outbox === 0 && left.unsealed === 0) break;
    if (performance.now() - drainStarted > 120_000) throw new Error(`backlog not drained after 120 s: ${JSON.stringify(left)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`the refunds' backlog (notifications, audit rows to seal) drained ${((performance.now() - drainStarted) / 1000).toFixed(1)} s after the last refund`);
  const bulkIds = listingIds.slice(0, BULK_TARGETS);
  const bulkCpuStart = process.cpuUsage();
  const postedAt = Date.now();
  const started = performance.now();
  const created = await fetch(`${base}/api/actions/listing.takedown/bulk`, {
    method: 'POST', headers: { cookie: riskCookie, 'content-type': 'application/json', 'idempotency-key': 'bench-bulk' },
    body: JSON.stringify({ targets: bulkIds.map((id) => ({ type: 'listing', id: String(id) })), reasonCode: 'counterfeit', note: 'bench' }),
  });
  if (created.status !== 202) throw new Error(`bulk: HTTP ${created.status} ${await created.text()}`);
  const acceptedMs = performance.now() - started;
  const jobId = ((await created.json()) as { job: { id: string } }).job.id;
  type JobView = { status: string; succeeded: number; failed: number; createdAt: string; startedAt: string; finishedAt: string };
  let job: JobView | null = null;
  while (job?.status !== 'completed') {
    if (performance.now() - started > 120_000) throw new Error(`bulk job not completed after 120 s: ${JSON.stringify(job)}`);
    // Each poll reads the job's 1000 target rows: often enough to see the end, rarely enough not to
    // compete with the worker. The figure itself comes from the job's own timestamps.
    await new Promise((r) => setTimeout(r, 250));
    job = ((await (await fetch(`${base}/api/jobs/${jobId}`, { headers: { cookie: riskCookie } })).json()) as { job: JobView }).job;
  }
  const observedMs = performance.now() - started;
  const bulkCpu = process.cpuUsage(bulkCpuStart);
  const workerMs = new Date(job.finishedAt).getTime() - new Date(job.startedAt).getTime();
  // POST sent to the job's finishedAt (the server is this process: one clock): the 202, the
  // queue's pick-up and the worker.
  const bulkMs = new Date(job.finishedAt).getTime() - postedAt;
  log(`bulk listing.takedown over ${BULK_TARGETS} listings:`);
  log(`  one bulk job, POST to finished                     ${ms(bulkMs).padStart(10)}   (202 after ${ms(acceptedMs)}, worker ${ms(workerMs)}, seen by polling after ${ms(observedMs)}; node CPU ${ms((bulkCpu.user + bulkCpu.system) / 1000 / BULK_TARGETS)}/target; ${job.succeeded} succeeded, ${job.failed} failed)`);
  const single = { cookie: riskCookie, method: 'POST', pathTemplate: '/api/actions/listing.takedown', bodyTemplate: '{"target":{"type":"listing","id":"{id}"},"reasonCode":"counterfeit"}', seconds: 600 } as const;
  const sequential = await runHttpLoad({ ...single, base, clients: 1, ids: listingIds.slice(BULK_TARGETS, 2 * BULK_TARGETS), keyPrefix: 'seq' });
  const naiveBulkMs = (sequential.count / sequential.perSecond) * 1000;
  log(`  naive: ${BULK_TARGETS} single POSTs one after another   ${ms(naiveBulkMs).padStart(10)}   (p50 ${ms(sequential.p50)}, ${Object.entries(sequential.statuses).map(([k, v]) => `${k}x${v}`).join(', ')})`);
  const parallel = await runHttpLoad({ ...single, base, clients: CLIENTS, ids: listingIds.slice(2 * BULK_TARGETS), keyPrefix: 'par' });
  const parallelMs = (parallel.count / parallel.perSecond) * 1000;
  log(`  for scale: ${BULK_TARGETS} single POSTs from ${CLIENTS} clients   ${ms(parallelMs).padStart(10)}   (p99 ${ms(parallel.p99)}, ${Object.entries(parallel.statuses).map(([k, v]) => `${k}x${v}`).join(', ')})`);

  // ---- Did the work happen exactly once?
  const one = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);
  const refunds = await one(`SELECT count(*) AS n FROM refunds`);
  const refundedOrders = await one(`SELECT count(DISTINCT order_id) AS n FROM refunds`);
  const takenDown = await one(`SELECT count(*) AS n FROM listings WHERE status = 'taken_down'`);
  log(`check: ${refunds.toLocaleString('en')} refunds over ${refundedOrders.toLocaleString('en')} orders (one each: ${refunds === refundedOrders}); ${takenDown} of ${listingIds.length} listings taken down`);

  // ---- Summary
  const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
  const loadAfter = os.loadavg();
  log('');
  log(`load average (1/5/15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  log(`${'measure'.padEnd(50)} ${'ours'.padStart(10)} ${'naive'.padStart(10)} ${'target'.padStart(10)}`);
  log(`${'refunds/s over HTTP, 32 clients'.padEnd(50)} ${runner.perSecond.toFixed(0).padStart(10)} ${naive.perSecond.toFixed(0).padStart(10)} ${`>= ${TARGET_REFUNDS}`.padStart(10)}  ${verdict(runner.perSecond >= TARGET_REFUNDS)}`);
  log(`${'  the runner against the floor (one INSERT per request)'.padEnd(50)} ${`${((runner.perSecond / floor.perSecond) * 100).toFixed(0)}%`.padStart(10)} ${`${((naive.perSecond / floor.perSecond) * 100).toFixed(0)}%`.padStart(10)}`);
  log(`${'refund p50, ms'.padEnd(50)} ${runner.p50.toFixed(1).padStart(10)} ${naive.p50.toFixed(1).padStart(10)}`);
  log(`${'refund p99, ms'.padEnd(50)} ${runner.p99.toFixed(1).padStart(10)} ${naive.p99.toFixed(1).padStart(10)} ${`<= ${TARGET_P99_MS}`.padStart(10)}  ${verdict(runner.p99 <= TARGET_P99_MS)}`);
  log(`${`${BULK_TARGETS}-target bulk job, ms (naive: sequential POSTs)`.padEnd(50)} ${bulkMs.toFixed(0).padStart(10)} ${naiveBulkMs.toFixed(0).padStart(10)} ${`<= ${TARGET_BULK_MS}`.padStart(10)}  ${verdict(bulkMs <= TARGET_BULK_MS)}`);
  log('the naive refund writes the same rows with one autocommit statement each, without the runner (no idempotency claim, audit rows, events, outbox or run record)');
} finally {
  for (const step of undo.reverse()) await step().catch((err) => console.error('cleanup step failed:', err));
}
