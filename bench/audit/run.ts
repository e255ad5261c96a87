// npm run bench:audit — the audit log against its targets (2 cores): at least 3,000 appends/s and
// at least 400,000 rows/s verified, on a 1-million-row log. Builds the log in a scratch database
// (on DATABASE_URL's server when set, its role needs CREATEDB; otherwise a throwaway embedded
// server), then prints: verify rows/s; appends/s with 1 and 32 concurrent writers, each append in
// its own transaction, while the sealer runs; how long the sealer takes to catch up; and, for
// docs/adr/0004-audit-chain.md, the same appends chained inline on a locked head. AUDIT_BENCH_ROWS
// overrides the log size.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { withDatabase } from '../../src/db/urls.js';
import { freePort } from '../../src/platform/free-port.js';
import { projectPath } from '../../src/platform/paths.js';
import { createLogger } from '../../src/platform/logger.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { pgExecutor } from '../../src/audit/sql-executor.js';
import { startAuditSealer } from '../../src/audit/sealer.js';
import { verifyAuditChain } from '../../src/audit/verifier.js';
import type { AuditEvent } from '../../src/audit/types.js';
import { buildAuditLog } from './build-log.js';
import { appendInline, installInlineVariant } from './inline-variant.js';

const ROWS = Number(process.env.AUDIT_BENCH_ROWS ?? 1_000_000);
const SECONDS = 10;
const TARGET_APPENDS = 3_000;
const TARGET_VERIFY = 400_000;
const signingKey = randomBytes(32).toString('hex');
const log = (line: string) => console.log(line);
const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(9);
const verdict = (value: number, target: number) => (value >= target ? 'meets' : 'BELOW');

const event = (i: number): AuditEvent => ({
  actor: { operatorId: 1 + (i % 40), roles: ['support_agent'] },
  action: 'Order.refund',
  entityType: 'Order',
  entityId: String(100_000 + i),
  reasonCode: 'customer_request',
  note: 'refund after a call with the buyer',
  before: { status: 'paid', amount: 15_00, updatedAt: new Date() },
  after: { status: 'refunded', amount: 0, updatedAt: new Date() },
  outcome: 'succeeded',
});

/** Appends from `writers` connections for SECONDS seconds, one append per transaction. */
async function appendsPerSecond(pool: pg.Pool, writers: number, appendOne: (client: pg.PoolClient, i: number) => Promise<void>): Promise<number> {
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < end) await appendOne(client, count++);
      } finally {
        client.release();
      }
    }),
  );
  return count / SECONDS;
}

// ---- A scratch database on the embedded server (or DATABASE_URL's)
const dataDir = process.env.DATABASE_URL ? null : await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-audit-'));
if (dataDir) await fs.chmod(dataDir, 0o711);
const server = dataDir ? await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), password: randomBytes(12).toString('hex') }) : null;
const adminUrl = server ? server.url('postgres') : withDatabase(process.env.DATABASE_URL!, 'postgres');
const database = `opsdeck_bench_audit_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${database}"`);
const url = withDatabase(adminUrl, database);
const pool = new pg.Pool({ connectionString: url, max: 40 });
// DROP DATABASE ... WITH (FORCE) at the end may cut a connection the pool has not closed yet.
pool.on('error', () => {});

try {
  await applyMigrations({ databaseUrl: url, migrationsDir: projectPath('prisma', 'migrations') });
  const audit = createAuditService({ pool, signingKey });
  console.log(`audit bench on ${os.cpus().length} cores, PostgreSQL ${(await pool.query('SHOW server_version')).rows[0].server_version}`);

  // ---- The log
  console.log(`building a ${ROWS.toLocaleString('en')}-row log (inbox, then sealed, a checkpoint every 100,000 rows)`);
  const buildStarted = performance.now();
  await buildAuditLog({ pool, rows: ROWS, signingKey, log });
  console.log(`  built in ${((performance.now() - buildStarted) / 1000).toFixed(0)} s`);

  // ---- Verify
  // Other work on the machine skews every figure below: say how busy it was.
  const loadBefore = os.loadavg()[0];
  const verifies: number[] = [];
  // The verifier on connections of its own, as `npm run audit:verify` would have.
  const verifyPool = new pg.Pool({ connectionString: url, max: 4 });
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const result = await verifyAuditChain({ pool: verifyPool, signingKey });
    if (!result.ok || result.checked !== ROWS) throw new Error(`verify failed: ${JSON.stringify(result)}`);
    verifies.push(result.checked / ((performance.now() - started) / 1000));
  }
  await verifyPool.end();
  const verifyRate = [...verifies].sort((a, b) => a - b)[2];
  console.log(`  verify runs: ${verifies.map((v) => Math.round(v).toLocaleString('en')).join(', ')} rows/s`);

  // ---- Appends, with the sealer running as in the platform
  const sealer = startAuditSealer({ pool, logger: createLogger({ level: 'silent' }) });
  const appendOne = async (client: pg.PoolClient, i: number) => {
    await client.query('BEGIN');
    await audit.append(pgExecutor(client), event(i));
    await client.query('COMMIT');
  };
  const sealed = ROWS;
  const one = await appendsPerSecond(pool, 1, appendOne);
  const many = await appendsPerSecond(pool, 32, appendOne);
  const drainStarted = performance.now();
  while (Number((await pool.query('SELECT count(*) FROM audit.inbox')).rows[0].count) > 0) await new Promise((r) => setTimeout(r, 50));
  const drainMs = performance.now() - drainStarted;
  // What one writer's figure is bounded by: a bare one-row INSERT committed alone, and the append
  // path itself when ten appends share a commit.
  await pool.query('CREATE TABLE public.bench_commit (id bigserial PRIMARY KEY, payload json)');
  const bare = await appendsPerSecond(pool, 1, async (client) => {
    await client.query('BEGIN');
    await client.query({ name: 'bench_bare', text: 'INSERT INTO public.bench_commit (payload) VALUES ($1::json)', values: ['{"status":"refunded"}'] });
    await client.query('COMMIT');
  });
  const batched = 10 * (await appendsPerSecond(pool, 1, async (client, i) => {
    await client.query('BEGIN');
    for (let k = 0; k < 10; k++) await audit.append(pgExecutor(client), event(i * 10 + k));
    await client.query('COMMIT');
  }));
  await sealer.stop();
  const after = await verifyAuditChain({ pool, signingKey });
  if (!after.ok) throw new Error(`chain broken after concurrent appends: ${JSON.stringify(after)}`);

  // ---- The inline design, for comparison
  await installInlineVariant(pool);
  const inlineOne = await appendsPerSecond(pool, 1, (client, i) => appendInline(client, { ...event(i), roles: ['support_agent'], operatorId: 1 }));
  const inlineMany = await appendsPerSecond(pool, 32, (client, i) => appendInline(client, { ...event(i), roles: ['support_agent'], operatorId: 1 }));

  console.log('');
  console.log(`load average (1 min) before the measurements: ${loadBefore.toFixed(2)}, after: ${os.loadavg()[0].toFixed(2)}`);
  console.log(`${'measure'.padEnd(58)}      value   target`);
  console.log(`${'verify, rows/s (median of 5, whole chain)'.padEnd(58)} ${fmt(verifyRate)}  ${fmt(TARGET_VERIFY)}  ${verdict(verifyRate, TARGET_VERIFY)}`);
  console.log(`${'appends/s, 1 writer (inbox + sealer)'.padEnd(58)} ${fmt(one)}  ${fmt(TARGET_APPENDS)}  ${verdict(one, TARGET_APPENDS)}`);
  console.log(`${'appends/s, 32 writers (inbox + sealer)'.padEnd(58)} ${fmt(many)}  ${fmt(TARGET_APPENDS)}  ${verdict(many, TARGET_APPENDS)}`);
  console.log(`${'  for scale, 1 writer: bare INSERT, one commit each, tx/s'.padEnd(58)} ${fmt(bare)}`);
  console.log(`${'  for scale, 1 writer: 10 appends per commit, appends/s'.padEnd(58)} ${fmt(batched)}`);
  console.log(`${'sealer catch-up after the 32-writer run, ms'.padEnd(58)} ${fmt(drainMs)}`);
  console.log(`${'appends/s, 1 writer, inline chain (not used)'.padEnd(58)} ${fmt(inlineOne)}`);
  console.log(`${'appends/s, 32 writers, inline chain (not used)'.padEnd(58)} ${fmt(inlineMany)}`);
  console.log(`chain after the runs: ${after.checked.toLocaleString('en')} rows (${(after.checked - sealed).toLocaleString('en')} appended), intact`);
  console.log('one append = one transaction committed with fsync; a single writer waits for every commit');
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  await server?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}
