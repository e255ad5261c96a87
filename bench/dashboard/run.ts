// npm run bench:dashboard — the dashboard and the risk console's read models at volume
// (docs/adr/0019-dashboard-read-models.md). Builds a scratch database (DATABASE_URL's server when
// set, its role needs CREATEDB; otherwise a throwaway embedded server) with DASHBOARD_BENCH_LEDGER
// ledger entries (default 3,000,000) and DASHBOARD_BENCH_ORDERS orders (default 1,000,000, over 60
// days) across 5,000 sellers, then prints:
// - GET /api/dashboard's read (the snapshot) against computing the same figures per request, and
//   the exposure list from the balance read model against summing the ledger per request (ratio);
// - one run of the minute job in steady state (a few hundred new rows) and the fold of a bulk load;
// - what the delta triggers cost a writer: ledger inserts with them against the same inserts without;
// - with DASHBOARD_BENCH_EXPLAIN=1, the velocity query's plan.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { withDatabase } from '../../src/db/urls.js';
import { createDatabase } from '../../src/db/database.js';
import { freePort } from '../../src/platform/free-port.js';
import { projectPath } from '../../src/platform/paths.js';
import { loadConfig } from '../../src/config/config.js';
import { createDashboard } from '../../src/dashboard/create-dashboard.js';
import { plugins } from '../../plugins/index.js';
import { negativeBalanceExposure } from '../../plugins/marketplace/consoles/risk-read-model.js';
import { sellerVelocity } from '../../plugins/marketplace/consoles/seller-velocity.js';

const LEDGER = Number(process.env.DASHBOARD_BENCH_LEDGER ?? 3_000_000);
const ORDERS = Number(process.env.DASHBOARD_BENCH_ORDERS ?? 1_000_000);
const SELLERS = 5_000;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(2)).padStart(10);

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
}

// ---- A scratch database on the embedded server (or DATABASE_URL's)
const dataDir = process.env.DATABASE_URL ? null : await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-bench-dashboard-'));
if (dataDir) await fs.chmod(dataDir, 0o711);
const server = dataDir ? await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(), password: randomBytes(12).toString('hex') }) : null;
const adminUrl = server ? server.url('postgres') : withDatabase(process.env.DATABASE_URL!, 'postgres');
const database = `opsdeck_bench_dashboard_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${database}"`);
const url = withDatabase(adminUrl, database);
// The app's own database handle: the pool, and Prisma for the personal figures (the approvals inbox's count).
const db = createDatabase({ url, max: 8, onIdleError: () => {} });
const { pool } = db;

try {
  await applyMigrations({ databaseUrl: url, migrationsDir: projectPath('prisma', 'migrations') });
  const dashboard = createDashboard({ pool, prisma: db.prisma, config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/bench' }), plugins });
  const now = new Date();

  // ---- the data: sellers, one buyer and checkout, orders over 60 days, a ledger with sales, fees, payouts, chargebacks
  const built = performance.now();
  await pool.query(`INSERT INTO organizations (kind, name) SELECT 'seller', 'Seller ' || i FROM generate_series(1, ${SELLERS}) i`);
  const { rows: [buyer] } = await pool.query<{ id: number }>(`INSERT INTO organizations (kind, name) VALUES ('buyer', 'Buyer') RETURNING id`);
  const { rows: [user] } = await pool.query<{ id: number }>(`INSERT INTO customer_users (email, name, organization_id) VALUES ('b@bench.test', 'B', $1) RETURNING id`, [buyer.id]);
  const { rows: [checkout] } = await pool.query<{ id: number }>(`INSERT INTO checkouts (buyer_user_id, buyer_org_id, total_amount, currency) VALUES ($1, $2, 100, 'USD') RETURNING id`, [user.id, buyer.id]);
  for (let done = 0; done < ORDERS; done += 250_000) {
    await pool.query(
      `INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency, created_at)
       SELECT $1, 1 + (i::bigint * 7919) % ${SELLERS}, $2, 'paid', 100, 0, 100, 'USD', $3::timestamptz - (i % 5184000) * interval '1 second'
       FROM generate_series($4::int, $5::int) i`,
      [checkout.id, user.id, now, done, Math.min(done + 250_000, ORDERS) - 1],
    );
  }
  for (let done = 0; done < LEDGER; done += 500_000) {
    await pool.query(
      `INSERT INTO ledger_entries (org_id, kind, amount, currency, created_at)
       SELECT 1 + (i::bigint * 104729) % ${SELLERS}, (ARRAY['sale','fee','payout','chargeback']::"LedgerEntryKind"[])[1 + i % 4],
         CASE i % 4 WHEN 0 THEN 10000 WHEN 1 THEN -1000 WHEN 2 THEN -8000 ELSE -1000 - (i % 997) END, 'USD', $1
       FROM generate_series($2::int, $3::int) i`,
      [now, done, Math.min(done + 500_000, LEDGER) - 1],
    );
  }
  await pool.query('ANALYZE');
  const buildMs = performance.now() - built;

  // ---- the minute job: the fold of the bulk load, then steady state
  const foldStarted = performance.now();
  await dashboard.refresh.refresh(now);
  const bulkFoldMs = performance.now() - foldStarted;
  // As autovacuum would after such a load: the read models' statistics are from when they were empty.
  await pool.query('ANALYZE read_models.org_balances, read_models.seller_activity_hourly');
  const steadyMs = await median(5, async () => {
    await pool.query(`INSERT INTO ledger_entries (org_id, kind, amount, currency) SELECT 1 + i % ${SELLERS}, 'fee', -5, 'USD' FROM generate_series(1, 300) i`);
    await pool.query(`INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency)
      SELECT $1, 1 + i % ${SELLERS}, $2, 'paid', 100, 0, 100, 'USD' FROM generate_series(1, 300) i`, [checkout.id, user.id]);
    await dashboard.refresh.refresh();
  });

  // The model is exact once folded: its balances sum to the ledger's.
  const [{ gap }] = (await pool.query(`SELECT (SELECT sum(balance) FROM read_models.org_balances) - (SELECT sum(amount) FROM ledger_entries) AS gap`)).rows;

  // ---- reads: the snapshot against per-request figures; exposure from the model against a ledger sum
  const operator = { id: 0, permissions: ['dispute.read', 'support_case.read', 'risk.read', 'payout.read', 'approval.decide', 'run.read', 'shipment.read'] };
  const snapshotMs = await median(51, () => dashboard.service.read(operator));
  const client = await pool.connect();
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/bench' });
  const perRequestMs = await median(5, async () => {
    for (const figure of dashboard.figures) if (figure.compute) await figure.compute(client, new Date(), config);
  });
  client.release();
  const exposureMs = await median(21, () => negativeBalanceExposure(pool, { limit: 50, now: new Date() }));
  const naiveExposureMs = await median(3, () => pool.query(
    `SELECT org_id, sum(amount) AS balance FROM ledger_entries GROUP BY org_id HAVING sum(amount) < 0 ORDER BY 2 LIMIT 50`));
  const orgIds = Array.from({ length: 50 }, (_, i) => 1 + i * 97);
  const velocityMs = await median(21, () => sellerVelocity(pool, { orgIds, now: new Date() }));
  const naiveVelocityMs = await median(5, () => pool.query(
    `SELECT seller_org_id, count(*) FILTER (WHERE created_at >= $2) AS d1, count(*) FILTER (WHERE created_at >= $3) AS d7, count(*) AS d35
     FROM orders WHERE seller_org_id = ANY($1::int[]) AND created_at >= $4 GROUP BY 1`,
    [orgIds, new Date(Date.now() - 86_400_000), new Date(Date.now() - 7 * 86_400_000), new Date(Date.now() - 35 * 86_400_000)]));

  if (process.env.DASHBOARD_BENCH_EXPLAIN) {
    // The velocity query's plan, as sellerVelocity sends it (for docs/adr/0019).
    const explain = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) SELECT org_id, count(*), sum(orders) FILTER (WHERE hour >= $2) FROM read_models.seller_activity_hourly
      WHERE org_id = ANY($1::int[]) AND hour >= $3 GROUP BY org_id`, [orgIds, new Date(Date.now() - 86_400_000), new Date(Date.now() - 35 * 86_400_000)]);
    console.log(explain.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }

  // ---- what the triggers cost a writer: 200 single-row inserts (one transaction each), with and without
  const writes = async () => median(3, async () => {
    for (let i = 0; i < 200; i++) await pool.query(`INSERT INTO ledger_entries (org_id, kind, amount, currency) VALUES ($1, 'fee', -1, 'USD')`, [1 + (i % SELLERS)]);
  });
  const withTriggers = await writes();
  await pool.query('ALTER TABLE ledger_entries DISABLE TRIGGER USER');
  const withoutTriggers = await writes();
  await pool.query('ALTER TABLE ledger_entries ENABLE TRIGGER USER');

  console.log('');
  console.log(`data: ${LEDGER.toLocaleString('en')} ledger entries, ${ORDERS.toLocaleString('en')} orders, ${SELLERS.toLocaleString('en')} sellers (built in ${(buildMs / 1000).toFixed(0)} s); load average (1 min) ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
  console.log(`${'measure (median)'.padEnd(66)}         ms`);
  console.log(`${'dashboard read: the snapshot (GET /api/dashboard\'s query)'.padEnd(66)} ${fmt(snapshotMs)}`);
  console.log(`${'  the same figures computed per request (what the job does)'.padEnd(66)} ${fmt(perRequestMs)}   x${(perRequestMs / snapshotMs).toFixed(0)}`);
  console.log(`${'exposure list, 50 sellers, from the balance read model'.padEnd(66)} ${fmt(exposureMs)}`);
  console.log(`${'  naive: sum the whole ledger per request'.padEnd(66)} ${fmt(naiveExposureMs)}   x${(naiveExposureMs / exposureMs).toFixed(0)}`);
  console.log(`${'velocity of 50 sellers, from the hourly read model'.padEnd(66)} ${fmt(velocityMs)}`);
  console.log(`${'  naive: count their orders (orders index, 35 days)'.padEnd(66)} ${fmt(naiveVelocityMs)}   x${(naiveVelocityMs / velocityMs).toFixed(1)}`);
  console.log(`${'minute job, steady state (300 new ledger rows + 300 orders)'.padEnd(66)} ${fmt(steadyMs)}`);
  console.log(`${'minute job folding the bulk load above (once)'.padEnd(66)} ${fmt(bulkFoldMs)}`);
  console.log(`${'200 single-row ledger inserts, with the delta triggers'.padEnd(66)} ${fmt(withTriggers)}`);
  console.log(`${'  the same without them'.padEnd(66)} ${fmt(withoutTriggers)}   x${(withTriggers / withoutTriggers).toFixed(2)}`);
  console.log(`after a run, the balances' sum minus the ledger's sum: ${gap} (exact)`);
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
  await server?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}
