// npm run bench:timeline — the timeline projector against the action runner (2 cores): refunds run
// through the runner in process (32 at a time, each on an order of its own, so ~10 audit rows and
// events each), then:
//   - produce: the runner's refund rate (what the projector must keep up with);
//   - project: catch-up of everything produced, batched (2,000 audit rows a transaction, one
//     INSERT ... unnest each), beside the naive way (one source row per transaction) on a sample;
//   - live: refunds while the sealer and the background projector run; the lag after the last
//     refund commits until its entries are on the timeline;
//   - read: p50/p95 of GET-equivalent timeline pages (service.list, first and deep pages) on a big
//     order with TIMELINE_BENCH_BIG entries among the rest.
// TIMELINE_BENCH_REFUNDS (3000) and TIMELINE_BENCH_BIG (100000) override the sizes.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { loadConfig } from '../../src/config/config.js';
import { createDatabase } from '../../src/db/database.js';
import { createApp } from '../../src/app.js';
import { createAuditService } from '../../src/audit/audit-service.js';
import { startAuditSealer } from '../../src/audit/sealer.js';
import { createLogger } from '../../src/platform/logger.js';
import { ensureSeedRoles } from '../../src/rbac/ensure-seed-roles.js';
import { createBatchProjector } from '../../src/timeline/timeline-projector.js';
import { inTransaction } from '../../src/db/transaction-scope.js';
import { pgExecutor } from '../../src/audit/sql-executor.js';
import { plugins } from '../../plugins/index.js';
import { createScratchDatabase } from '../actions/scratch-database.js';
import { createPaidOrders } from '../actions/fixtures.js';

const REFUNDS = Number(process.env.TIMELINE_BENCH_REFUNDS ?? 3000);
const BIG = Number(process.env.TIMELINE_BENCH_BIG ?? 100_000);
const CONCURRENCY = 32;
const log = (line = '') => console.log(line);
const rate = (n: number, ms: number) => `${((n * 1000) / ms).toFixed(0)}/s`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const undo: (() => Promise<unknown>)[] = [];
try {
  const scratch = await createScratchDatabase('timeline');
  undo.push(scratch.drop);
  const logger = createLogger({ level: 'warn' });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: os.tmpdir() });
  const signingKey = randomBytes(32).toString('hex');
  const db = createDatabase({ url: scratch.url });
  db.pool.on('error', () => {});
  undo.push(db.close);
  const audit = createAuditService({ pool: db.pool, signingKey });
  await ensureSeedRoles({ prisma: db.prisma, plugins });
  const { actions, timeline, close } = createApp({
    config, logger, db, plugins, sessionSecret: randomBytes(32).toString('hex'), unleashState: () => 'ok', audit, auditSigningKey: signingKey, mfaEncryptionKey: randomBytes(32).toString('hex'),
  });
  undo.push(close);
  await actions.boss.start();
  undo.push(() => actions.boss.stop({ graceful: true, wait: true, timeout: 10_000 }));

  const role = await db.prisma.role.findUniqueOrThrow({ where: { key: 'finance_admin' } });
  const row = await db.prisma.operator.create({ data: { email: 'bench@timeline.local', name: 'bench', passwordHash: 'x', roles: { create: [{ roleId: role.id }] } } });
  const operator = { id: row.id, email: row.email, name: row.name, roles: ['finance_admin'], permissions: [...role.permissions, 'pii.read'] };
  const orders = await createPaidOrders(db.pool, { count: REFUNDS * 2 + 200, amount: 25_000 });
  log(`timeline bench on ${os.cpus().length} cores, PostgreSQL ${scratch.serverVersion}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  async function refunds(ids: number[]): Promise<number> {
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const res = await actions.runner.submit({
          actionId: 'order.refund', operator, idempotencyKey: randomUUID(), body: { target: { type: 'order', id: String(id) }, reasonCode: 'goodwill_gesture' },
        });
        if (res.status !== 200) throw new Error(`refund of order ${id}: HTTP ${res.status} ${res.body}`);
      }
    }));
    return performance.now() - started;
  }
  const count = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);

  // ---- produce, then project everything at once
  const produceMs = await refunds(orders.slice(0, REFUNDS));
  await audit.seal();
  const auditRows = await count('SELECT count(*) AS n FROM audit.events');
  const events = await count('SELECT count(*) AS n FROM domain_events');
  log(`produce: ${REFUNDS} refunds in ${(produceMs / 1000).toFixed(1)} s = ${rate(REFUNDS, produceMs)} (${auditRows} audit rows, ${events} domain events)`);
  let started = performance.now();
  const written = await timeline.projector.catchUp();
  const projectMs = performance.now() - started;
  log(`project (batched): ${auditRows} audit rows + ${events} events -> ${written} entries in ${(projectMs / 1000).toFixed(2)} s = ${rate(REFUNDS, projectMs)} refunds, ${rate(written, projectMs)} entries; ${(REFUNDS / (projectMs / 1000) / (REFUNDS / (produceMs / 1000))).toFixed(1)}x the production rate`);

  // The naive way: one source row per transaction (its own read, links, insert and commit), over a
  // sample of the same audit rows, into the emptied table.
  const sample = Math.min(auditRows, 3000);
  await db.pool.query('DELETE FROM entity_timeline');
  const naive = createBatchProjector({ catalog: timeline.catalog });
  let after = '0';
  let naiveWritten = 0;
  started = performance.now();
  for (let i = 0; i < sample; i++) {
    const result = await inTransaction(db.pool, (client) => naive.audit(pgExecutor(client), { table: 'entity_timeline', after, upTo: null, limit: 1 }));
    after = result.position;
    naiveWritten += result.written;
  }
  const naiveMs = performance.now() - started;
  log(`project (naive, one source row a transaction, first ${sample} audit rows): ${rate(sample, naiveMs)} audit rows vs batched ${rate(auditRows, projectMs)}: batched is ${((auditRows / projectMs) / (sample / naiveMs)).toFixed(1)}x (${naiveWritten} entries)`);
  // Back to a complete projection for what follows.
  await db.pool.query(`UPDATE timeline_checkpoints SET position = 0`);
  await timeline.projector.catchUp();

  // ---- live: refunds while the sealer and the projector run in the background
  const sealer = startAuditSealer({ pool: db.pool, logger, intervalMs: 250 });
  const background = timeline.projector.start({ intervalMs: 250 });
  const liveMs = await refunds(orders.slice(REFUNDS, REFUNDS * 2));
  const ended = performance.now();
  for (;;) {
    const [cp, inbox] = [await count(`SELECT position AS n FROM timeline_checkpoints WHERE source = 'audit'`), await count('SELECT count(*) AS n FROM audit.inbox')];
    const max = await count('SELECT coalesce(max(seq), 0) AS n FROM audit.events');
    if (inbox === 0 && cp >= max) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  log(`live: ${REFUNDS} refunds at ${rate(REFUNDS, liveMs)} with the projector following; everything on the timeline ${((performance.now() - ended) / 1000).toFixed(2)} s after the last refund committed`);
  await background.stop();
  await sealer.stop();

  // ---- read: one big order among everything else
  const big = String(orders.at(-1));
  await db.pool.query(
    `INSERT INTO entity_timeline (entity_type, entity_id, occurred_at, source, source_id, subject_type, subject_id, kind, actor_operator_id, data)
     SELECT 'order', $1, now() - make_interval(secs => g), 'event', 10000000 + g, 'order', $1, 'RefundIssued', $2, '{"payload": {"amount": 100, "currency": "USD"}}'
     FROM generate_series(1, $3) g`,
    [big, operator.id, BIG],
  );
  await db.pool.query('ANALYZE entity_timeline');
  const total = await count('SELECT count(*) AS n FROM entity_timeline');
  const time = async (cursor?: string) => {
    const t = performance.now();
    const page = await timeline.service.list({ type: 'order', id: big, limit: 50, cursor, operator });
    return { ms: performance.now() - t, next: page.nextCursor };
  };
  const first: number[] = [];
  for (let i = 0; i < 300; i++) first.push((await time()).ms);
  const deep: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 300; i++) {
    const r: { ms: number; next: string | null } = await time(cursor ?? undefined);
    deep.push(r.ms);
    cursor = r.next;
  }
  first.sort((a, b) => a - b);
  deep.sort((a, b) => a - b);
  log(`read: order with ${BIG} entries (table ${total} entries): first page p50 ${pct(first, 50).toFixed(1)} ms p95 ${pct(first, 95).toFixed(1)} ms; following 300 pages by cursor p50 ${pct(deep, 50).toFixed(1)} ms p95 ${pct(deep, 95).toFixed(1)} ms`);
} finally {
  for (const step of undo.reverse()) await step().catch((err) => console.error(err));
}
