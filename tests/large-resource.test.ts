// Large tables list with an estimated total and keyset paging; the pages must still be exactly
// the rows an ORDER BY ... OFFSET would give, in every direction and after a jump.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { seedScale } from '../plugins/marketplace/seed/scale.js';
import { createLogger } from '../src/platform/logger.js';
import { buildListAnchors } from '../src/admin/list-anchors/list-anchor-builder.js';
import { largeListsOf } from '../src/admin/list-anchors/large-lists.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { plugins } from '../plugins/index.js';

const ORDERS = 12_000;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let agent: ReturnType<typeof request.agent>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedScale({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 11, orders: ORDERS });
  const app = createTestApp(db);
  // Deny by default: the operator needs a role that reads orders and ledger entries.
  const op = await createOperator(db, { roles: ['finance_admin'] });
  agent = request.agent(app);
  await agent.post('/admin/login').type('form').send(await credentials(op)).expect(302);
});
afterAll(async () => {
  await db.drop();
});

const listPage = async (query: Record<string, string | number>) => {
  const res = await agent.get('/admin/api/resources/Order/actions/list').query(query);
  expect(res.status).toBe(200);
  return res.body as { records: { id: string; params: Record<string, unknown> }[]; meta: { total: number } };
};

const sqlIds = async (orderBy: string, offset: number, limit: number) =>
  (await db.pool.query(`SELECT id FROM orders ORDER BY ${orderBy} OFFSET $1 LIMIT $2`, [offset, limit])).rows.map((r) => String(r.id));

describe('large-table resource (Order)', () => {
  it('shows the planner estimate as the total, not a COUNT(*)', async () => {
    // Make the estimate and the truth disagree: delete rows with nothing allowed to re-analyze.
    await db.pool.query('ALTER TABLE ledger_entries SET (autovacuum_enabled = false)');
    await db.pool.query('ANALYZE ledger_entries');
    await db.pool.query('DELETE FROM ledger_entries WHERE id % 10 = 0');
    const exact = Number((await db.pool.query('SELECT count(*) FROM ledger_entries')).rows[0].count);
    const estimate = Number((await db.pool.query(`SELECT reltuples FROM pg_class WHERE oid = 'ledger_entries'::regclass`)).rows[0].reltuples);
    expect(exact).toBeGreaterThan(10_000);
    expect(estimate).toBeGreaterThan(exact);
    const res = await agent.get('/admin/api/resources/LedgerEntry/actions/list').query({ page: 1, perPage: 20 });
    expect(res.body.meta.total).toBe(Math.round(estimate));
    // Under the cap, the total is exact.
    expect((await listPage({ page: 1, perPage: 20, 'filters.status': 'cancelled' })).meta.total).toBe(
      Number((await db.pool.query(`SELECT count(*) FROM orders WHERE status = 'cancelled'`)).rows[0].count),
    );
  });

  it('matches a text filter at the value\'s start (the column\'s index), wildcards literally', async () => {
    const { rows: [{ id, tracking }] } = await db.pool.query(`SELECT id, tracking_number AS tracking FROM shipments WHERE tracking_number IS NOT NULL ORDER BY id DESC LIMIT 1`);
    const ids = async (value: string) => {
      const res = await agent.get('/admin/api/resources/Shipment/actions/list').query({ 'filters.trackingNumber': value }).expect(200);
      return (res.body.records as { id: string }[]).map((r) => String(r.id));
    };
    expect(await ids(tracking)).toEqual([String(id)]);
    expect(await ids(tracking.slice(0, -3))).toContain(String(id));
    expect(await ids(tracking.slice(3))).not.toContain(String(id));
    expect(await ids('%')).toEqual([]);
  });

  it('pages forward by id with keyset cursors and matches ORDER BY id DESC', async () => {
    for (let page = 1; page <= 6; page++) {
      const { records } = await listPage({ page, perPage: 50 });
      expect(records.map((r) => String(r.id))).toEqual(await sqlIds('id DESC', (page - 1) * 50, 50));
    }
  });

  it('serves a deep jump without a cursor and the page after it from the cursor', async () => {
    for (const page of [180, 181, 3]) {
      const { records } = await listPage({ page, perPage: 50 });
      expect(records.map((r) => String(r.id))).toEqual(await sqlIds('id DESC', (page - 1) * 50, 50));
    }
  });

  it('sorts by an indexed column in both directions with a stable tie-break', async () => {
    for (const direction of ['asc', 'desc'] as const) {
      for (const page of [1, 2, 40]) {
        const { records } = await listPage({ page, perPage: 25, sortBy: 'createdAt', direction });
        expect(records.map((r) => String(r.id))).toEqual(await sqlIds(`created_at ${direction}, id ${direction}`, (page - 1) * 25, 25));
      }
    }
  });

  it('sorts a column without an index by the id instead (never a sort of the whole table)', async () => {
    const { records } = await listPage({ page: 2, perPage: 10, sortBy: 'totalAmount', direction: 'asc' });
    expect(records.map((r) => String(r.id))).toEqual(await sqlIds('id ASC', 10, 10));
  });

  it('filters with an exact count when few rows match', async () => {
    const seller = (await db.pool.query('SELECT seller_org_id AS id, count(*)::int AS n FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT 1')).rows[0];
    const { records, meta } = await listPage({ page: 1, perPage: 10, 'filters.sellerOrg': seller.id });
    expect(meta.total).toBe(seller.n);
    expect(records.every((r) => String(r.params.sellerOrg) === String(seller.id))).toBe(true);
  });

  it('returns an empty page past the end', async () => {
    const { records } = await listPage({ page: 10_000, perPage: 50 });
    expect(records).toEqual([]);
  });
});

// Page anchors (src/admin/list-anchors/): every Nth row of the table's order, so a jump without a
// cursor walks fewer than N index entries from the nearest one instead of an OFFSET. Built here
// every 7 rows on the test's 12,000 orders (the app's defaults: every 2,000 rows, tables of 50,000+).
describe('page anchors of a large list', () => {
  const lists = largeListsOf(buildRbacModel({ plugins }).resources).filter((l) => l.table === 'orders');
  const build = (options: { force?: boolean; minRows?: number } = {}) =>
    Promise.all(lists.map((list) => buildListAnchors({ pool: db.pool, list, every: 7, minRows: 0, ...options })));
  // A page size used nowhere else: no cursor from an earlier page, every page below is a jump.
  let perPage = 30;
  const jump = async (page: number, sort: Record<string, string> = {}) => {
    const { records } = await listPage({ page, perPage, ...sort });
    return records.map((r) => String(r.id));
  };
  const ORDERINGS: { sort: Record<string, string>; sql: string }[] = [
    { sort: {}, sql: 'id DESC' },
    { sort: { sortBy: 'id', direction: 'asc' }, sql: 'id ASC' },
    { sort: { sortBy: 'createdAt', direction: 'desc' }, sql: 'created_at DESC, id DESC' },
    { sort: { sortBy: 'createdAt', direction: 'asc' }, sql: 'created_at ASC, id ASC' },
  ];
  const expectJumpsExact = async (pages: number[]) => {
    for (const { sort, sql } of ORDERINGS) {
      perPage += 1;
      for (const page of pages) expect(await jump(page, sort)).toEqual(await sqlIds(sql, (page - 1) * perPage, perPage));
    }
  };
  const orderCount = async () => Number((await db.pool.query('SELECT count(*) FROM orders')).rows[0].count);

  it('are built for the id and every sortable column, and left alone while current', async () => {
    expect(lists.map((l) => l.key).sort()).toEqual(['orders.created_at', 'orders.id']);
    const outcomes = await build({ force: true });
    expect(outcomes.map((o) => o.outcome)).toEqual(['built', 'built']);
    const total = await orderCount();
    for (const o of outcomes) expect(o).toMatchObject({ total, anchors: Math.ceil(total / 7) });
    expect((await build()).map((o) => o.outcome)).toEqual(['fresh', 'fresh']);
    // The app's default size threshold: a test database is far too small to need them.
    expect((await Promise.all(lists.map((list) => buildListAnchors({ pool: db.pool, list })))).map((o) => o.outcome)).toEqual(['small', 'small']);
    expect(Number((await db.pool.query(`SELECT count(*) FROM read_models.list_anchors WHERE list LIKE 'orders.%'`)).rows[0].count)).toBe(0);
    await build({ force: true });
  });

  it('serve jumps that equal ORDER BY ... OFFSET in both directions, by id and by creation time', async () => {
    const pages = Math.ceil((await orderCount()) / 31);
    await expectJumpsExact([2, 3, 77, Math.floor(pages / 2), pages - 1, pages]);
    // Served from the anchors, not an OFFSET: an anchor moved one row on moves the page with it.
    perPage += 1;
    const total = await orderCount();
    const ordinal = Math.floor((total - 99 * perPage) / 7) * 7; // the anchor at or before the row before page 100, in ascending order
    const { rows: [next] } = await db.pool.query('SELECT id FROM orders ORDER BY id OFFSET $1 LIMIT 1', [ordinal + 1]);
    await db.pool.query(`UPDATE read_models.list_anchors SET row_id = $1 WHERE list = 'orders.id' AND ordinal = $2`, [String(next.id), ordinal]);
    expect(await jump(100)).toEqual(await sqlIds('id DESC', 99 * perPage - 1, perPage));
    await build({ force: true });
  });

  it('give the exact total, and stay exact as orders are added at the end', async () => {
    expect((await listPage({ page: 1, perPage: 20 })).meta.total).toBe(await orderCount());
    // 40 new orders: new ids and creation times after every existing one.
    await db.pool.query(`INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency, created_at)
      SELECT checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency, now() + make_interval(secs => id % 40)
        FROM orders ORDER BY id DESC LIMIT 40`);
    expect((await listPage({ page: 1, perPage: 20 })).meta.total).toBe(await orderCount());
    await expectJumpsExact([2, 150, 380]);
  });

  it('drift by rows inserted out of order until the refresh rebuilds them', async () => {
    // 70 orders created "in the middle": after every order by id, but not by creation time.
    const changes = async () => Number((await db.pool.query(`SELECT n_tup_ins + n_tup_del AS n FROM pg_stat_user_tables WHERE relname = 'orders'`)).rows[0].n);
    const before = await changes();
    await db.pool.query(`INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency, created_at)
      SELECT checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency,
             (SELECT created_at FROM orders ORDER BY created_at, id OFFSET 6000 LIMIT 1) - interval '1 millisecond'
        FROM orders ORDER BY id LIMIT 70`);
    perPage += 1;
    const lastPages = Math.ceil((await orderCount()) / perPage) - 2;
    // By id they were appended: still exact. By creation time the later positions moved by 70.
    expect(await jump(lastPages)).toEqual(await sqlIds('id DESC', (lastPages - 1) * perPage, perPage));
    const asc = { sortBy: 'createdAt', direction: 'asc' };
    expect(await jump(lastPages, asc)).not.toEqual(await sqlIds('created_at ASC, id ASC', (lastPages - 1) * perPage, perPage));
    // The refresh sees the inserts since the build (over 0.5% of the list) and rebuilds. The
    // table's statistics, which it reads them from, are published within about a second.
    const deadline = Date.now() + 10_000;
    while ((await changes()) < before + 70 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await build()).map((o) => o.outcome)).toEqual(['built', 'built']);
    await expectJumpsExact([5, lastPages]);
  });

  it('are not used for a filtered list (its jumps stay within the capped count)', async () => {
    perPage += 1;
    const { records } = await listPage({ page: 3, perPage, 'filters.status': 'delivered' });
    const ids = (await db.pool.query(`SELECT id FROM orders WHERE status = 'delivered' ORDER BY id DESC OFFSET $1 LIMIT $2`, [2 * perPage, perPage])).rows.map((r) => String(r.id));
    expect(records.map((r) => String(r.id))).toEqual(ids);
  });
});

