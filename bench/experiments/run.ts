// npm run bench:experiments — experiment event ingestion against its target (2 cores): at least
// 20,000 events/s over HTTP in batches of 1,000, beside the naive way. Builds a scratch database
// (embedded, or on DATABASE_URL's server; bench/actions/scratch-database.ts), the app as boot wires
// it, logs in a Platform admin, defines two running experiments, then measures:
//   - POST /api/experiments/{key}/events, batches of 1,000 (bench/experiments/event-stream.ts:
//     new users, returning users, conflicts, conversions), from concurrent keep-alive clients;
//   - the naive way: the same batches, front and validation, then one statement per event, each on
//     autocommit (bench/experiments/naive-ingest.ts);
//   - for scale, the ingest statement alone, called in process (no HTTP, no JSON, no validation);
//   - GET /api/experiments/{key}/results on what was ingested;
// and checks the counts: the tallies against a recount of experiment_users, and stored events
// against what the endpoint said it accepted.
// EXPERIMENTS_BENCH_SECONDS (10) and EXPERIMENTS_BENCH_CLIENTS (4) override the run length and clients.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import express from 'express';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createOperatorAuth, hashPassword } from '../../src/auth/operator-auth.js';
import { createSessionMiddleware, createSessionSettings } from '../../src/auth/session.js';
import { requireOperator } from '../../src/auth/require-operator.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { ingestBatch } from '../../src/experiments/event-ingest.js';
import { plugins } from '../../plugins/index.js';
import { createScratchDatabase } from '../actions/scratch-database.js';
import { runBatchLoad, type BatchLoadSummary } from './http-load.js';
import { makeBatch } from './event-stream.js';
import { createNaiveIngestRoute } from './naive-ingest.js';

const SECONDS = Number(process.env.EXPERIMENTS_BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.EXPERIMENTS_BENCH_CLIENTS ?? 4);
const NAIVE_SECONDS = Math.min(SECONDS, 5);
const BATCH = 1000;
const TARGET = 20_000;
const VARIANTS = ['control', 'treatment'];
const log = (line = '') => console.log(line);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const rate = (n: number) => n.toFixed(0).padStart(8);

const undo: (() => Promise<unknown>)[] = [];
try {
  // ---- The platform over a scratch database
  const scratch = await createScratchDatabase('experiments');
  undo.push(scratch.drop);
  const logger = createLogger({ level: 'warn' });
  // A bench logs in with a password alone and sends far more writes than an operator's hour allows:
  // both limits are for people, and ingestion's production caller is a service (see the ADR).
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: os.tmpdir(), MFA_REQUIRED: 'false', OPERATOR_WRITE_LIMIT_PER_HOUR: '1000000000' });
  const sessionSecret = randomBytes(32).toString('hex');
  const signingKey = randomBytes(32).toString('hex');
  const db = createDatabase({ url: scratch.url });
  db.pool.on('error', () => {});
  undo.push(db.close);
  const audit = createAuditService({ pool: db.pool, signingKey });
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const { app, close } = createApp({ config, logger, db, plugins, sessionSecret, unleashState: () => 'ok', audit, auditSigningKey: signingKey, mfaEncryptionKey: randomBytes(32).toString('hex') });
  undo.push(close);

  // The naive route in front of the app, behind the same session and operator reload.
  const naiveSession = createSessionSettings({ config, pool: db.pool, secret: sessionSecret });
  undo.push(async () => naiveSession.store.close?.());
  const outer = express();
  outer.use(createNaiveIngestRoute({
    pool: db.pool, session: createSessionMiddleware(naiveSession), authenticated: requireOperator({ auth: createOperatorAuth({ prisma: db.prisma, pool: db.pool }) }),
  }));
  outer.use(app);
  const server = http.createServer(outer);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  undo.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const email = `bench-${randomBytes(3).toString('hex')}@opsdeck.local`;
  const password = randomBytes(12).toString('hex');
  const role = await db.prisma.role.findUniqueOrThrow({ where: { key: 'platform_admin' } });
  await db.prisma.operator.create({ data: { email, name: 'bench platform admin', passwordHash: await hashPassword(password), roles: { create: [{ roleId: role.id }] } } });
  const login = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!login.ok) throw new Error(`login: HTTP ${login.status} ${await login.text()}`);
  const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { cookie, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  for (const key of ['bench-checkout', 'bench-naive']) {
    await api('PUT', `/api/experiments/${key}`, { status: 'running', minSamplePerVariant: 1000, variants: [{ name: 'control', weight: 50, isControl: true }, { name: 'treatment', weight: 50 }] });
  }
  const idOf = async (key: string) => String((await db.pool.query('SELECT id FROM experiments WHERE key = $1', [key])).rows[0].id);

  log(`experiments bench on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), PostgreSQL ${scratch.serverVersion}, app pool ${db.pool.options.max} connections`);
  const report = (name: string, s: BatchLoadSummary) => {
    const errors = Object.entries(s.statuses).filter(([status]) => status !== '200');
    log(`  ${name.padEnd(44)} ${rate(s.eventsPerSecond)} events/s   ${s.batches} batches   p50 ${ms(s.p50).padStart(9)}   p99 ${ms(s.p99).padStart(9)}`
      + (errors.length ? `   NON-200: ${errors.map(([k, v]) => `${k}x${v}`).join(', ')}` : ''));
    return s;
  };
  const loadBefore = os.loadavg();

  // ---- Ours: batches of 1,000 over HTTP
  log(`ingestion over HTTP, batches of ${BATCH.toLocaleString('en')}, ${CLIENTS} clients:`);
  const ours = { base, cookie, clients: CLIENTS, path: '/api/experiments/bench-checkout/events', prefix: 'b', size: BATCH, variants: VARIANTS };
  const warm = await runBatchLoad({ ...ours, seconds: 2, firstBatch: 0 });
  const cpu = process.cpuUsage();
  const batched = report(`POST .../events (${SECONDS} s)`, await runBatchLoad({ ...ours, seconds: SECONDS, firstBatch: warm.nextBatch }));
  const { user, system } = process.cpuUsage(cpu);
  log(`    server process CPU ${ms((user + system) / 1000 / batched.batches)} per batch of ${BATCH} (JSON, validation, the statement's client side)`);

  // ---- The naive way: the same batches, one statement per event
  const naive = report(`naive: one statement per event (${NAIVE_SECONDS} s)`, await runBatchLoad({ ...ours, path: '/naive/experiments/bench-naive/events', prefix: 'n', seconds: NAIVE_SECONDS, firstBatch: 0 }));

  // ---- For scale: the statement alone, in process
  const benchId = await idOf('bench-checkout');
  let nextBatch = batched.nextBatch;
  let statementEvents = 0;
  const statementStart = performance.now();
  const statementEnd = statementStart + 5_000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < statementEnd) {
      const events = makeBatch({ prefix: 'b', batch: nextBatch++, size: BATCH, variants: VARIANTS })
        .map((e, n) => ({ i: e.id, t: e.type, u: e.userId, v: e.variant ?? null, m: null, x: e.value ?? null, a: null, n }));
      await ingestBatch(db.pool, benchId, events);
      statementEvents += events.length;
    }
  }));
  const statementRate = statementEvents / ((performance.now() - statementStart) / 1000);
  log(`  ${'for scale: the ingest statement alone (5 s)'.padEnd(44)} ${rate(statementRate)} events/s   (in process, ${CLIENTS} concurrent, no HTTP or validation)`);

  // ---- Results on what was ingested
  const timings: number[] = [];
  let results: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    results = await api('GET', '/api/experiments/bench-checkout/results');
    timings.push(performance.now() - t0);
  }
  timings.sort((a, b) => a - b);
  const one = async (sql: string, params: unknown[]) => (await db.pool.query(sql, params)).rows;
  const [{ events: storedEvents }] = await one('SELECT count(*)::int AS events FROM experiment_events WHERE experiment_id = $1', [benchId]);
  const [{ users, rows: tallyRows }] = await one('SELECT (SELECT count(*)::int FROM experiment_users WHERE experiment_id = $1) AS users, (SELECT count(*)::int FROM experiment_tallies WHERE experiment_id = $1) AS rows', [benchId]);
  log(`results: GET .../results p50 ${ms(timings[10]!)}, max ${ms(timings[19]!)} over ${storedEvents.toLocaleString('en')} events of ${users.toLocaleString('en')} users (${tallyRows} tally rows)`);
  for (const v of results.variants) {
    log(`  ${v.name.padEnd(10)} exposed ${String(v.exposed).padStart(8)}  converted ${String(v.converted).padStart(8)}  rate ${(v.rate * 100).toFixed(2)}%  conflicts ${v.conflicts}  p ${v.pValue === null ? '—' : v.pValue.toFixed(3)}`);
  }
  log(`  SRM p = ${results.srm.pValue?.toFixed(3)}, winner: ${results.winner ?? `none (${results.reasons.join(', ')})`}`);

  // ---- Are the counts right?
  const truth = await one(
    `SELECT variant, count(*)::int AS exposed, count(*) FILTER (WHERE conversions > 0)::int AS converted, count(*) FILTER (WHERE has_conflict)::int AS conflicts
       FROM experiment_users WHERE experiment_id = $1 AND variant IS NOT NULL GROUP BY variant`, [benchId]);
  const matches = truth.every((t) => {
    const v = results.variants.find((x: { name: string }) => x.name === t.variant);
    return v && v.exposed === t.exposed && v.converted === t.converted && v.conflicts === t.conflicts;
  });
  const acceptedOverHttp = warm.accepted + batched.accepted;
  log(`check: tallies equal a recount of experiment_users: ${matches}; events stored ${storedEvents.toLocaleString('en')} = accepted over HTTP ${acceptedOverHttp.toLocaleString('en')} + in process ${statementEvents.toLocaleString('en')}: ${storedEvents === acceptedOverHttp + statementEvents}`);

  // ---- Summary
  const loadAfter = os.loadavg();
  log('');
  log(`load average (1/5/15 min) before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  log(`${'measure'.padEnd(50)} ${'ours'.padStart(10)} ${'naive'.padStart(10)} ${'target'.padStart(10)}`);
  log(`${`events/s over HTTP, batches of ${BATCH}, ${CLIENTS} clients`.padEnd(50)} ${batched.eventsPerSecond.toFixed(0).padStart(10)} ${naive.eventsPerSecond.toFixed(0).padStart(10)} ${`>= ${TARGET}`.padStart(10)}  ${batched.eventsPerSecond >= TARGET ? 'meets' : 'MISSES'}`);
  log(`${'batch p99, ms'.padEnd(50)} ${batched.p99.toFixed(1).padStart(10)} ${naive.p99.toFixed(1).padStart(10)}`);
  if (!matches) process.exitCode = 1;
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  for (const step of undo.reverse()) await step().catch(() => undefined);
}
