// The seller non-fulfilment workflow end to end on a controlled clock (the sweep's `now`): warn,
// wait, then cancel + refund + strike, each step an audited run of the `system:non-fulfilment`
// principal; re-runs and concurrent sweeps act once; a label bought during the grace period
// stops the cancel; the principal has only its own permissions and never logs in.
import request from 'supertest';
import { sweepNonFulfilment } from '../plugins/marketplace/workflows/non-fulfilment-sweep.js';
import { supportSystemPrincipals } from '../plugins/marketplace/workflows/support-workflows.js';
import { plugins } from '../plugins/index.js';
import { ensureSystemPrincipals } from '../src/auth/system-principals.js';
import { createOperatorAuth } from '../src/auth/operator-auth.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { createTestPlatformApp } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
let owner: TestDatabase;
let db: Awaited<ReturnType<typeof appRoleDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let systemId: number;
const HOUR = 3_600_000;
const settings = { slaHours: 72, graceHours: 48, lookbackDays: 30, batch: 100 };

const ensurePrincipals = () => ensureSystemPrincipals({ pool: db.pool, specs: supportSystemPrincipals, catalog: buildRbacModel({ plugins }).catalog });

beforeAll(async () => {
  owner = await createTestDatabase();
  db = await appRoleDatabase(owner);
  platform = createTestPlatformApp(db);
  await ensurePrincipals();
  systemId = (await owner.pool.query(`SELECT id FROM operators WHERE email = 'system:non-fulfilment'`)).rows[0].id;
});
afterAll(async () => {
  await db?.close();
  await owner?.drop();
});

const sweep = (now: Date) => sweepNonFulfilment({ pool: db.pool, system: platform.actions.system, now, settings });
const one = async <T = Record<string, any>>(sql: string, params: unknown[] = []) => (await owner.pool.query(sql, params)).rows[0] as T;
const count = async (sql: string, params: unknown[] = []) => Number((await one<{ n: string }>(sql, params)).n);

/** A paid order, `ageHours` old, with a shipment still waiting for its label. */
async function lateOrder(ageHours: number) {
  const order = await createPaidOrder(owner);
  await owner.pool.query(`UPDATE orders SET created_at = now() - make_interval(hours => $2) WHERE id = $1`, [order.orderId, ageHours]);
  await owner.pool.query(`INSERT INTO shipments (order_id, carrier, status, shipping_credit_amount, currency) VALUES ($1, 'UPS', 'label_pending', 0, 'USD')`, [order.orderId]);
  return order;
}
const stageOf = async (orderId: number) => (await one('SELECT stage FROM order_non_fulfilments WHERE order_id = $1', [orderId]))?.stage ?? null;
const runsOf = (actionId: string, orderId: number) => count(
  `SELECT count(*) AS n FROM action_runs WHERE action_id = $1 AND target_id = $2 AND status = 'succeeded'`, [actionId, String(orderId)]);
const sellerWarnings = (orderId: number) => count(
  `SELECT count(*) AS n FROM pgboss.job WHERE name = 'outbox' AND data -> 'payload' ->> 'template' = 'order_nonfulfilment_warning.seller' AND (data -> 'payload' -> 'data' ->> 'orderId')::int = $1`, [orderId]);
const auditOf = (action: string, entityId: string) => owner.pool.query(
  `SELECT operator_id, operator_roles, outcome, entity_type, correlation_id, user_agent FROM (
     SELECT seq, operator_id, operator_roles, action, entity_type, entity_id, outcome, correlation_id, user_agent FROM audit.inbox
     UNION ALL SELECT seq, operator_id, operator_roles, action, entity_type, entity_id, outcome, correlation_id, user_agent FROM audit.events) log
   WHERE action = $1 AND entity_id = $2 ORDER BY seq`, [action, entityId]).then((r) => r.rows);

describe('seller non-fulfilment workflow', () => {
  it('warns the seller after the SLA, then cancels, refunds and strikes after the grace period, once', async () => {
    const now = new Date();
    const order = await lateOrder(80);
    const young = await lateOrder(10);

    const first = await sweep(now);
    expect(first.notified).toBeGreaterThanOrEqual(1);
    expect(await stageOf(order.orderId)).toBe('notified');
    expect(await stageOf(young.orderId)).toBeNull();
    expect(await sellerWarnings(order.orderId)).toBe(1);
    // The step is the system principal's audited run, and says so.
    const audit = await auditOf('order.nonfulfilment_notify', String(order.orderId));
    expect(audit.length).toBeGreaterThanOrEqual(2);
    for (const row of audit) {
      expect(row).toMatchObject({ operator_id: systemId, operator_roles: ['system:non-fulfilment'], user_agent: 'opsdeck-system' });
      expect(row.correlation_id).toMatch(/^system:non-fulfilment:sweep:/);
    }

    // Re-runs inside the grace period: nothing new.
    await sweep(new Date(now.getTime() + HOUR));
    await sweep(new Date(now.getTime() + 47 * HOUR));
    expect(await runsOf('order.nonfulfilment_notify', order.orderId)).toBe(1);
    expect(await sellerWarnings(order.orderId)).toBe(1);
    expect((await one('SELECT status FROM orders WHERE id = $1', [order.orderId])).status).toBe('paid');

    // Grace over, still no label: cancelled, refunded in full, one strike.
    const later = new Date(now.getTime() + 49 * HOUR);
    const escalated = await sweep(later);
    expect(escalated.cancelled).toBeGreaterThanOrEqual(1);
    expect(await stageOf(order.orderId)).toBe('cancelled');
    expect((await one('SELECT status FROM orders WHERE id = $1', [order.orderId])).status).toBe('cancelled');
    expect(await count(`SELECT coalesce(sum(amount), 0) AS n FROM refunds WHERE order_id = $1 AND status = 'succeeded'`, [order.orderId])).toBe(order.amount);
    expect(await one('SELECT seller_org_id, reason, created_by FROM seller_strikes WHERE order_id = $1', [order.orderId]))
      .toEqual({ seller_org_id: order.sellerOrgId, reason: 'seller_non_fulfillment', created_by: systemId });
    const strikeAudit = await owner.pool.query(
      `SELECT operator_id FROM (SELECT operator_id, action, entity_type FROM audit.inbox UNION ALL SELECT operator_id, action, entity_type FROM audit.events) l
       WHERE action = 'order.nonfulfilment_cancel' AND entity_type IN ('seller_strike', 'refund', 'order')`);
    expect(strikeAudit.rows.length).toBeGreaterThanOrEqual(3);
    expect(strikeAudit.rows.every((r) => r.operator_id === systemId)).toBe(true);

    // And again: no second refund, no second strike.
    await sweep(later);
    await sweep(new Date(later.getTime() + HOUR));
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM seller_strikes WHERE order_id = $1', [order.orderId])).toBe(1);
    expect(await runsOf('order.nonfulfilment_cancel', order.orderId)).toBe(1);

    // The same step with its key replays the stored answer instead of acting.
    const replay = await platform.actions.system.run({
      principal: 'non-fulfilment', actionId: 'order.nonfulfilment_cancel', target: { type: 'order', id: String(order.orderId) },
      input: {}, reasonCode: 'seller_non_fulfillment', idempotencyKey: `nonfulfilment:${order.orderId}:cancel`,
    });
    expect([replay.status, replay.isReplay]).toEqual([200, true]);
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(1);
  });

  it('does not cancel an order whose label was bought during the grace period', async () => {
    const now = new Date();
    const order = await lateOrder(75);
    await sweep(now);
    expect(await stageOf(order.orderId)).toBe('notified');
    await owner.pool.query(`UPDATE shipments SET status = 'label_purchased', tracking_number = $2 WHERE order_id = $1`, [order.orderId, `1Z${order.orderId}`]);
    await sweep(new Date(now.getTime() + 49 * HOUR));
    expect(await stageOf(order.orderId)).toBe('resolved');
    expect((await one('SELECT status FROM orders WHERE id = $1', [order.orderId])).status).toBe('paid');
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(0);
    expect(await count('SELECT count(*) AS n FROM seller_strikes WHERE order_id = $1', [order.orderId])).toBe(0);
  });

  it('two sweepers at once act once per order and step', async () => {
    const now = new Date();
    const orders = [await lateOrder(90), await lateOrder(91), await lateOrder(92)];
    await Promise.all([sweep(now), sweep(now), sweep(now)]);
    for (const { orderId } of orders) {
      expect(await runsOf('order.nonfulfilment_notify', orderId)).toBe(1);
      expect(await sellerWarnings(orderId)).toBe(1);
    }
    const later = new Date(now.getTime() + 50 * HOUR);
    await Promise.all([sweep(later), sweep(later), sweep(later)]);
    for (const { orderId } of orders) {
      expect(await stageOf(orderId)).toBe('cancelled');
      expect(await runsOf('order.nonfulfilment_cancel', orderId)).toBe(1);
      expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [orderId])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM seller_strikes WHERE order_id = $1', [orderId])).toBe(1);
    }
  });

  it('picks up where a crash left it: a warned order is cancelled by the next sweep, without a second warning', async () => {
    const now = new Date();
    const order = await lateOrder(100);
    // Step 1 ran (its run committed), then the process died before anything else.
    const warned = await platform.actions.system.run({
      principal: 'non-fulfilment', actionId: 'order.nonfulfilment_notify', target: { type: 'order', id: String(order.orderId) },
      input: { graceEndsAt: new Date(now.getTime() + 48 * HOUR).toISOString() }, reasonCode: 'seller_non_fulfillment', idempotencyKey: `nonfulfilment:${order.orderId}:notify`,
    });
    expect(warned.status).toBe(200);
    await sweep(new Date(now.getTime() + 49 * HOUR));
    expect(await stageOf(order.orderId)).toBe('cancelled');
    expect(await sellerWarnings(order.orderId)).toBe(1);
  });

  it('leaves orders outside the lookback window and orders already moving alone', async () => {
    const now = new Date();
    const ancient = await lateOrder(72 + 31 * 24);
    const shipped = await lateOrder(80);
    await owner.pool.query(`UPDATE shipments SET status = 'in_transit', tracking_number = $2, shipped_at = now() WHERE order_id = $1`, [shipped.orderId, `1Z${shipped.orderId}`]);
    await sweep(now);
    expect(await stageOf(ancient.orderId)).toBeNull();
    expect(await stageOf(shipped.orderId)).toBeNull();
  });
});

describe('the system principal', () => {
  it('runs only with its own permissions: without them, 403 and an audited denial naming it', async () => {
    const order = await lateOrder(80);
    await owner.pool.query(`UPDATE roles SET permissions = '{}' WHERE key = 'system:non-fulfilment'`);
    try {
      const counts = await sweep(new Date());
      expect(counts.notified).toBe(0);
      expect(await stageOf(order.orderId)).toBeNull();
      const denied = await auditOf('access.denied', 'order.nonfulfilment_notify');
      expect(denied).toContainEqual(expect.objectContaining({ operator_id: systemId, outcome: 'denied', operator_roles: ['system:non-fulfilment'] }));
      // Nor can it run an operator's action it was never given.
      const other = await platform.actions.system.run({
        principal: 'non-fulfilment', actionId: 'order.refund', target: { type: 'order', id: String(order.orderId) },
        input: {}, reasonCode: 'seller_non_fulfillment', idempotencyKey: 'x-refund',
      });
      expect([other.status, other.body.code]).toEqual([403, 'forbidden']);
    } finally {
      // Start-up puts its declared permissions back.
      await ensurePrincipals();
    }
    expect((await one(`SELECT permissions FROM roles WHERE key = 'system:non-fulfilment'`)).permissions).toEqual(['order.nonfulfilment']);
  });

  it('never logs in and never becomes a session principal', async () => {
    const auth = createOperatorAuth({ prisma: db.prisma, pool: db.pool });
    expect(await auth.loadPrincipal(systemId)).toBeNull();
    expect(await auth.checkPassword({ email: 'system:non-fulfilment', password: '!system-principal:no-login' })).toBeNull();
    // Its name is not even an email address: the login form refuses it before any lookup.
    const res = await request(platform.app).post('/api/session').send({ email: 'system:non-fulfilment', password: 'anything-at-all', totp: '000000' });
    expect([401, 422]).toContain(res.status);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('is refused when a human operator holds its name', async () => {
    await owner.pool.query(`INSERT INTO operators (email, name, password_hash, updated_at) VALUES ('system:impostor', 'x', 'x', now())`);
    await expect(ensureSystemPrincipals({ pool: db.pool, specs: [{ key: 'impostor', name: 'x', description: 'x', permissions: [] }], catalog: {} }))
      .rejects.toThrow(/not a system principal/);
    await expect(ensureSystemPrincipals({ pool: db.pool, specs: [{ key: 'y', name: 'y', description: 'y', permissions: ['no.such.key'] }], catalog: {} }))
      .rejects.toThrow(/undeclared/);
  });
});
