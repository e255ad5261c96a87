// Large tables list with an estimated total and keyset paging; the pages must still be exactly
// the rows an ORDER BY ... OFFSET would give, in every direction and after a jump.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { seedScale } from '../plugins/marketplace/seed/scale.js';
import { createLogger } from '../src/platform/logger.js';

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
