// The order/checkout console's API (GET /api/consoles/orders/...) on a checkout built with hand-
// picked amounts (tests/support/console-fixtures.ts): every figure is checked against arithmetic
// written here; sections a role may not read are left out; the order actions are the runner's.
import { createTestApp, loginAs } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';
import { setStepUp } from './support/impersonation-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;
let fx: ConsoleCheckout;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
  fx = await createConsoleCheckout(db);
});
afterAll(async () => {
  await db?.drop();
});

describe('GET /api/consoles/orders/checkouts/:id', () => {
  it('assembles the checkout: orders per seller, items, shipments with credit against label cost, payments, allocations, refunds, disputes, cases', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    const { body } = await agent.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`).expect(200);
    expect(body.checkout).toMatchObject({ id: fx.checkoutId, status: 'completed', total: 16998, currency: 'USD' });
    expect(body.payments).toEqual([expect.objectContaining({ id: fx.paymentId, amount: 16998, status: 'partially_refunded' })]);
    expect(body.orders.map((o: { id: number }) => o.id)).toEqual([fx.orderA, fx.orderB]);
    const [a, b] = body.orders;

    // Order A: 2 x 15.00 + 25.00 = 55.00 + 8.99 shipping = 63.99
    expect(a.seller.orgId).toBe(fx.sellerOrgIds[0]);
    expect(a.items.map((i: { quantity: number; unitPrice: number; lineTotal: number }) => [i.quantity, i.unitPrice, i.lineTotal])).toEqual([[2, 1500, 3000], [1, 2500, 2500]]);
    expect([a.subtotal, a.shippingCredit, a.total]).toEqual([5500, 899, 6399]);
    // Shipments: credit - label = 500 - 700 = -200 and 399 - 450 = -51
    expect(a.shipments.map((s: { id: number; difference: number }) => [s.id, s.difference])).toEqual([[fx.shipmentA1, -200], [fx.shipmentA2, -51]]);
    expect(a.totals).toEqual({ allocated: 6399, refunded: 1000, labelCost: 1150, shippingCreditOfLabelled: 899, shippingDifference: -251, unlabelledShipments: 0 });
    expect(a.refunds.map((r: { amount: number; status: string }) => [r.amount, r.status])).toEqual([[1000, 'succeeded'], [500, 'failed']]);
    expect(a.disputes).toEqual([expect.objectContaining({ id: fx.disputeId, kind: 'not_received', status: 'open' })]);
    expect(a.supportCases).toEqual([]);

    // Order B: 100.00 + 5.99; its only shipment has no label yet: no difference, counted as unlabelled
    expect([b.subtotal, b.shippingCredit, b.total]).toEqual([10000, 599, 10599]);
    expect(b.shipments).toEqual([expect.objectContaining({ id: fx.shipmentB1, labelCost: null, difference: null, failureKind: 'label_purchase_failed' })]);
    expect(b.totals).toEqual({ allocated: 10599, refunded: 0, labelCost: 0, shippingCreditOfLabelled: 0, shippingDifference: 0, unlabelledShipments: 1 });
    expect(b.supportCases).toEqual([expect.objectContaining({ id: fx.supportCaseId, status: 'open' })]);

    // The checkout: 63.99 + 105.99 = 169.98, shipping credit 8.99 + 5.99 = 14.98, labels 11.50, difference -2.51
    expect(body.totals).toEqual({ ordersTotal: 16998, paid: 16998, allocated: 16998, refunded: 1000, shippingCredit: 1498, labelCost: 1150, shippingDifference: -251 });
    expect(body.hidden).toEqual([]);
  });

  it('offers on each order and shipment only the runner actions the caller may run and that apply to it', async () => {
    const { agent } = await loginAs(app, db, ['support_tier_1']);
    const { body } = await agent.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`).expect(200);
    for (const order of body.orders) {
      expect(order.actions).toEqual([]);
      for (const s of order.shipments) expect(s.actions).toEqual([]);
    }

    const { agent: support } = await loginAs(app, db, ['support_agent']);
    const [a, b] = (await support.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`)).body.orders;
    const ids = (x: { actions: { id: string }[] }) => x.actions.map((action) => action.id);
    // A is shipped: refundable, no longer cancellable; B is paid: both.
    expect(ids(a)).toEqual(['order.refund', 'case.open']);
    expect(ids(b)).toEqual(['order.refund', 'order.cancel', 'case.open']);
    expect(b.actions.find((x: { id: string }) => x.id === 'order.cancel')).toMatchObject({ adminAction: { resource: 'Order', name: 'order-cancel' }, apiPath: '/api/actions/order.cancel' });
    // A1 and A2 have labels (no retry); B1's purchase failed (retry offered).
    expect(ids(a.shipments[0])).toEqual(['case.open', 'shipment.update_metadata', 'shipment.open_investigation']);
    expect(ids(b.shipments[0])).toEqual(['case.open', 'shipment.retry_label', 'shipment.update_metadata', 'shipment.open_investigation']);
  });

  it('leaves out what the caller\'s roles do not read, and names it', async () => {
    // Hotline operators read orders, not payments, shipments, disputes... but support cases.
    const { agent } = await loginAs(app, db, ['hotline_operator']);
    const { body } = await agent.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`).expect(200);
    expect(body.hidden).toEqual(['payments', 'shipments', 'disputes']);
    expect(body.payments).toBeNull();
    expect(body.orders[0]).toMatchObject({ shipments: null, allocations: null, refunds: null, disputes: null });
    expect(body.orders[0].totals).toMatchObject({ allocated: null, refunded: null, labelCost: null, shippingDifference: null });
    expect(body.orders[1].supportCases).toHaveLength(1);
    expect(body.totals).toMatchObject({ paid: null, labelCost: null, shippingDifference: null, ordersTotal: 16998 });
    expect(JSON.stringify(body)).not.toContain('pi_');
  });
});

describe('GET /api/consoles/orders/orders/:id', () => {
  it('answers the checkout of the order, with the order in focus', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    const { body } = await agent.get(`/api/consoles/orders/orders/${fx.orderB}`).expect(200);
    expect(body.focusOrderId).toBe(fx.orderB);
    expect(body.checkout.id).toBe(fx.checkoutId);
    expect(body.orders).toHaveLength(2);
  });

  it('answers 404 for an unknown id and 422 for a malformed one, as problem+json', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    const missing = await agent.get('/api/consoles/orders/orders/2000000000').expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ code: 'not_found', detail: 'No order 2000000000.' });
    expect((await agent.get('/api/consoles/orders/checkouts/2000000000').expect(404)).body.code).toBe('not_found');
    const bad = await agent.get('/api/consoles/orders/orders/abc').expect(422);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    expect(bad.body.detail).toMatch(/^orderId: /);
  });

  it('is refused without order.read (403 problem+json, audited)', async () => {
    const { agent, id } = await loginAs(app, db, ['catalog_admin']);
    const res = await agent.get(`/api/consoles/orders/orders/${fx.orderA}`).expect(403);
    expect(res.body).toMatchObject({ code: 'forbidden', detail: 'Your roles do not grant order.read.' });
    const { rows } = await db.pool.query(`SELECT entity_id FROM audit.inbox WHERE operator_id = $1 AND action = 'access.denied'`, [id]);
    expect(rows).toEqual([{ entity_id: 'GET /api/consoles/orders/orders/:orderId' }]);
  });
});

describe('while impersonating a customer', () => {
  it('shows only checkouts of the customer\'s organization, and refuses the cross-customer shipping queues', async () => {
    const { agent, id } = await loginAs(app, db, ['support_admin']);
    await setStepUp(db, id, Date.now());
    const order = await db.prisma.order.findUniqueOrThrow({ where: { id: fx.orderA }, include: { checkout: true } });
    const buyer = await db.prisma.customerUser.findUniqueOrThrow({ where: { id: order.buyerUserId } });
    const other = await createConsoleCheckout(db);
    await agent.post('/api/impersonations').send({ targetUserId: buyer.id, reason: 'customer_reported_issue', note: 'console test', ticketId: 'SUP-7' }).expect(201);
    expect((await agent.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`).expect(200)).body.checkout.buyer.orgId).toBe(buyer.organizationId);
    expect((await agent.get(`/api/consoles/orders/orders/${other.orderA}`).expect(404)).body).toMatchObject({ code: 'not_found', detail: `No order ${other.orderA}.` });
    expect((await agent.get('/api/consoles/shipping/queues/tracking_stale').expect(403)).body.code).toBe('impersonation_read_only');
    expect((await agent.get('/api/consoles/shipping/summary').expect(403)).body.code).toBe('impersonation_read_only');
  });
});

describe('the read model', () => {
  it('assembles the checkout in one statement that uses the order-id indexes', async () => {
    const { createOrderReadModel } = await import('../plugins/marketplace/consoles/order-read-model.js');
    const { sql } = createOrderReadModel({ pool: db.pool });
    const client = await db.pool.connect();
    try {
      // Force index use where the tiny test tables would be scanned anyway: what matters is that an index can serve each part.
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, [fx.checkoutId]);
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      expect(plan).not.toContain('"Seq Scan"');
      for (const index of ['orders_checkout_id_idx', 'order_items_order_id_idx', 'shipments_order_id_idx', 'payment_allocations_order_id_idx', 'refunds_order_id_idx', 'disputes_order_id_idx', 'payments_checkout_id_idx']) {
        expect(plan).toContain(index);
      }
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
