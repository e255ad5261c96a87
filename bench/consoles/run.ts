// npm run bench:consoles — times the order/checkout and shipping consoles' read models on the
// database `npm start` uses (e.g. after `npm run seed -- --orders N`), beside the naive way:
//   - the checkout view: one statement (order-read-model.ts) vs one query per part per order (N+1);
//   - each shipping queue: the first page and page 20 by keyset cursor, with its partial index and
//     without it (dropped in a transaction that is rolled back: only the indexes the schema had before);
//   - carrier x status: the partial index plus a 1-day window vs GROUP BY over every shipment.
// Prints p50/p95 in milliseconds and the ratio naive/ours. BENCH_RUNS (default 15) per figure.
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config/config.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createDatabase } from '../../src/db/database.js';
import { createLogger } from '../../src/platform/logger.js';
import { createOrderReadModel } from '../../plugins/marketplace/consoles/order-read-model.js';
import { createShippingReadModel, SHIPPING_QUEUES } from '../../plugins/marketplace/consoles/shipping-read-model.js';
import { trackingStaleHours } from '../../plugins/marketplace/shipping/shipping-settings.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const config = loadConfig();
const logger = createLogger({ level: 'warn' });
const secrets = await loadSecrets(config);
const { databaseUrl, embedded } = await openDatabase({ config, secrets, logger });
const db = createDatabase({ url: databaseUrl });
const pool = db.pool;

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length / 2)], p95: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.95))] };
}
const line = (name: string, ours: { p50: number; p95: number }, naive?: { p50: number; p95: number }) =>
  console.log(`${name.padEnd(44)} ours p50 ${ours.p50.toFixed(1).padStart(8)} p95 ${ours.p95.toFixed(1).padStart(8)}`
    + (naive ? `   naive p50 ${naive.p50.toFixed(1).padStart(9)} p95 ${naive.p95.toFixed(1).padStart(9)}   ratio ${(naive.p50 / ours.p50).toFixed(1)}x` : ''));

try {
  const { rows: [{ shipments }] } = await pool.query(`SELECT reltuples::bigint AS shipments FROM pg_class WHERE oid = 'shipments'::regclass`);
  console.log(`shipments (estimate): ${Number(shipments).toLocaleString('en')}; ${RUNS} runs per figure`);

  // ---- the order/checkout console: the checkout of the newest multi-order checkout
  const { rows: [{ checkoutId }] } = await pool.query(`SELECT checkout_id AS "checkoutId" FROM orders WHERE id > (SELECT max(id) - 10000 FROM orders) GROUP BY checkout_id ORDER BY count(*) DESC, checkout_id DESC LIMIT 1`);
  const orders = createOrderReadModel({ pool });
  const naiveCheckout = async () => {
    await pool.query('SELECT * FROM checkouts WHERE id = $1', [checkoutId]);
    await pool.query('SELECT * FROM payments WHERE checkout_id = $1', [checkoutId]);
    const { rows } = await pool.query<{ id: number }>('SELECT id FROM orders WHERE checkout_id = $1', [checkoutId]);
    for (const { id } of rows) {
      for (const table of ['order_items', 'shipments', 'payment_allocations', 'refunds', 'disputes', 'support_cases']) {
        await pool.query(`SELECT * FROM ${table} WHERE order_id = $1`, [id]);
      }
    }
  };
  const view = await orders.checkout(checkoutId);
  line(`checkout view (${view.orders.length} orders)`, await time(() => orders.checkout(checkoutId)), await time(naiveCheckout));

  // ---- the shipping console
  const shipping = createShippingReadModel({ pool });
  const common = { limit: 50, staleHours: trackingStaleHours(config), now: new Date() };
  // Without its partial index(es): the same reads inside a transaction that drops them and rolls
  // back (what the queues would cost with only the indexes the schema had before).
  const PARTIAL: Record<string, string[]> = {
    label_purchase_failed: ['shipments_queue_label_failed_idx'],
    address_validation_failed: ['shipments_queue_address_failed_idx'],
    tracking_stale: ['shipments_queue_tracking_stale_idx'],
    delivered_not_received: ['shipments_queue_not_received_idx', 'disputes_open_not_received_idx'],
  };
  for (const queue of SHIPPING_QUEUES) {
    // Page 20 by following cursors (what an operator paging down does).
    let cursor: string | undefined;
    for (let page = 1; page < 20; page += 1) {
      const next = (await shipping.queuePage({ ...common, queue, cursor })).nextCursor;
      if (!next) break;
      cursor = next;
    }
    const first = await time(() => shipping.queuePage({ ...common, queue }));
    const deep = await time(() => shipping.queuePage({ ...common, queue, cursor }));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const index of PARTIAL[queue]) await client.query(`DROP INDEX ${index}`);
      const without = createShippingReadModel({ pool: client as unknown as typeof pool });
      const firstWithout = await time(() => without.queuePage({ ...common, queue }));
      const deepWithout = await time(() => without.queuePage({ ...common, queue, cursor }));
      line(`queue ${queue}: first page`, first, firstWithout);
      line(`queue ${queue}: page 20`, deep, deepWithout);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }
  const summary = await time(() => shipping.summary({ days: 1, staleHours: common.staleHours, now: new Date() }));
  const naiveSummary = await time(() => pool.query('SELECT carrier, status, count(*) FROM shipments GROUP BY 1, 2'));
  line('carrier x status + queue sizes', summary, naiveSummary);
} finally {
  await db.close();
  if (embedded?.isOwner) await embedded.stop();
}
