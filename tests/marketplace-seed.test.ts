// The marketplace seeders against a real, migrated PostgreSQL: the demo set is reproducible from
// its seed, and the bulk generator leaves complete orders and usable sequences behind.
import { createLogger } from '../src/platform/logger.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { seedScale } from '../plugins/marketplace/seed/scale.js';
import { createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

const log = createLogger({ level: 'silent' });

async function withOperators(db: TestDatabase): Promise<void> {
  for (const name of ['ana', 'bruno']) {
    await db.prisma.operator.create({ data: { email: `${name}@ops.example`, name, passwordHash: 'not-a-real-hash' } });
  }
}

async function count(db: TestDatabase, sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(sql);
  return Number(rows[0].n);
}

describe('marketplace demo seed', () => {
  let first: TestDatabase;
  let second: TestDatabase;
  let other: TestDatabase;

  async function seededDatabase(seed: number): Promise<TestDatabase> {
    const db = await createTestDatabase();
    await withOperators(db);
    await seedDemo({ pool: db.pool, prisma: db.prisma, log, seed });
    return db;
  }

  async function fingerprint(db: TestDatabase) {
    const orders = await db.prisma.order.findMany({ select: { id: true, totalAmount: true, status: true }, orderBy: { id: 'asc' } });
    const users = await db.prisma.customerUser.findMany({ select: { email: true }, orderBy: { id: 'asc' } });
    return { orders, emails: users.map((user) => user.email) };
  }

  beforeAll(async () => {
    // Seeded concurrently on purpose: determinism must not depend on shared generator state.
    [first, second, other] = await Promise.all([seededDatabase(42), seededDatabase(42), seededDatabase(43)]);
  });
  afterAll(async () => {
    await Promise.all([first, second, other].filter(Boolean).map((db) => db.drop()));
  });

  it('gives the same data for the same seed, and other data for another seed', async () => {
    const expected = await fingerprint(first);
    expect(expected.orders.length).toBeGreaterThan(150);
    expect(await fingerprint(second)).toEqual(expected);
    expect((await fingerprint(other)).emails).not.toEqual(expected.emails);
  });

  it('fills every console queue the requirements name', async () => {
    const failureKinds = await first.pool.query<{ kind: string }>(
      'SELECT DISTINCT failure_kind::text AS kind FROM shipments WHERE failure_kind IS NOT NULL ORDER BY 1');
    expect(failureKinds.rows.map((row) => row.kind)).toEqual(
      ['address_validation_failed', 'delivered_not_received', 'label_purchase_failed', 'tracking_stale']);
    const caseStatuses = await first.pool.query<{ status: string }>('SELECT DISTINCT status::text FROM support_cases');
    expect(caseStatuses.rows).toHaveLength(5);
    expect(await count(first, "SELECT count(*) AS n FROM organizations WHERE status = 'frozen' AND frozen_at IS NOT NULL")).toBe(1);
    expect(await count(first, "SELECT count(*) AS n FROM listings WHERE status = 'taken_down' AND takedown_reason IS NOT NULL")).toBeGreaterThan(0);
    expect(await count(first, 'SELECT count(*) AS n FROM dispute_evidence')).toBeGreaterThan(0);
    expect(await count(first, 'SELECT count(*) AS n FROM payout_holds WHERE released_at IS NULL')).toBeGreaterThan(0);
    expect(await count(first, 'SELECT count(*) AS n FROM support_case_notes')).toBeGreaterThan(0);
  });

  it('moves the sequences past the ids it assigned', async () => {
    const item = await second.prisma.catalogItem.create({ data: { sku: 'TEST-1', name: 'After seed', category: 'Supplies' } });
    expect(item.id).toBe(await count(second, 'SELECT count(*) AS n FROM catalog_items'));
  });
});

describe('marketplace scale seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('writes complete orders with COPY, appends on a second run, and leaves sequences usable', async () => {
    const rows = await seedScale({ pool: db.pool, prisma: db.prisma, log, seed: 7, orders: 2_000 });
    expect(rows.orders).toBe(2_000);
    expect(await count(db, 'SELECT count(*) AS n FROM orders')).toBe(2_000);
    expect(await count(db, 'SELECT count(*) AS n FROM checkouts')).toBe(rows.checkouts);

    // Every order has its checkout, items, one shipment and an allocation of its total.
    const incomplete = await count(db, `SELECT count(*) AS n FROM orders o WHERE
      NOT EXISTS (SELECT 1 FROM checkouts c WHERE c.id = o.checkout_id)
      OR NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)
      OR (SELECT count(*) FROM shipments s WHERE s.order_id = o.id) <> 1
      OR (SELECT sum(a.amount) FROM payment_allocations a WHERE a.order_id = o.id) IS DISTINCT FROM o.total_amount
      OR o.total_amount <> o.subtotal_amount + o.shipping_credit_amount`);
    expect(incomplete).toBe(0);
    const unbalanced = await count(db, `SELECT count(*) AS n FROM checkouts c JOIN payments p ON p.checkout_id = c.id
      WHERE p.amount <> c.total_amount
         OR c.total_amount <> (SELECT sum(o.total_amount) FROM orders o WHERE o.checkout_id = c.id)`);
    expect(unbalanced).toBe(0);

    const second = await seedScale({ pool: db.pool, prisma: db.prisma, log, seed: 7, orders: 2_000 });
    expect(second.orders).toBe(2_000);
    expect(await count(db, 'SELECT count(*) AS n FROM orders')).toBe(4_000);

    // Ids were assigned by the generator; Prisma's default ids must continue after them.
    const maxOrderId = await count(db, 'SELECT max(id) AS n FROM orders');
    const checkout = await db.prisma.checkout.findFirstOrThrow({ select: { id: true, buyerUserId: true, buyerOrgId: true } });
    const seller = await db.prisma.organization.findFirstOrThrow({ where: { kind: 'seller' }, select: { id: true } });
    const order = await db.prisma.order.create({
      data: {
        checkoutId: checkout.id, sellerOrgId: seller.id, buyerUserId: checkout.buyerUserId,
        subtotalAmount: 1_000, shippingCreditAmount: 499, totalAmount: 1_499, currency: 'USD',
      },
    });
    expect(order.id).toBe(maxOrderId + 1);
    const user = await db.prisma.customerUser.create({
      data: { email: 'after-seed@example.com', name: 'After Seed', organizationId: checkout.buyerOrgId },
    });
    expect(user.id).toBe(rows.customer_users + second.customer_users + 1);
  });
});
