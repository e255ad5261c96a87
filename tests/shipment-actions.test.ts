// The shipping console's three actions through the action runner (POST /api/actions/{id}): what
// they change, their audit rows (before and after), domain events, idempotent replays, refusals
// that change nothing, and RBAC. shipment.retry_label's carrier call goes through the outbox to the
// pack's SIMULATED carrier adapter, delivered here by the real pg-boss workers.
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';
import { purchaseLabelHandler } from '../plugins/marketplace/shipping/simulated-carrier.js';
import { createLogger } from '../src/platform/logger.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let boss: PgBoss;
let fx: ConsoleCheckout;

beforeAll(async () => {
  db = await createTestDatabase();
  platform = createTestPlatformApp(db);
  boss = platform.actions.boss;
  fx = await createConsoleCheckout(db);
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
  await db?.drop();
});

const act = (agent: Awaited<ReturnType<typeof loginAs>>['agent'], actionId: string, shipmentId: number, body: { input?: object; reasonCode: string; note?: string }, key = randomUUID()) =>
  agent.post(`/api/actions/${actionId}`).set('Idempotency-Key', key).send({ target: { type: 'shipment', id: String(shipmentId) }, ...body });

// The succeeded audit rows of a run's changes (after its `attempted` row, which names the run).
const changesOf = async (runId: string) => (await db.pool.query(
  `SELECT entity_type, entity_id, before, after FROM audit.inbox WHERE outcome = 'succeeded' AND action LIKE 'shipment.%'
     AND seq > (SELECT min(seq) FROM audit.inbox WHERE after->>'runId' = $1) ORDER BY seq`, [runId])).rows;
const events = async (runId: string) => (await db.pool.query('SELECT name, entity_id, payload FROM domain_events WHERE run_id = $1 ORDER BY id', [runId])).rows;
const shipment = (id: number) => db.prisma.shipment.findUniqueOrThrow({ where: { id } });
const outboxJobs = async () => (await db.pool.query(`SELECT data FROM pgboss.job WHERE name = 'outbox' AND data->>'kind' = 'shipment.purchase_label' ORDER BY created_on`)).rows.map((r) => r.data);

async function until<T>(probe: () => Promise<T | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('shipment.retry_label', () => {
  it('records the request, queues the carrier call, and the simulated carrier buys the label once', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_agent']);
    const before = await shipment(fx.shipmentB1);
    const key = randomUUID();
    const res = await act(agent, 'shipment.retry_label', fx.shipmentB1, { reasonCode: 'carrier_error_resolved' }, key).expect(200);
    const runId = res.body.run.id as string;
    const requested = await shipment(fx.shipmentB1);
    expect(requested.labelRequestedAt).not.toBeNull();
    expect(requested).toMatchObject({ failureKind: 'label_purchase_failed', trackingNumber: null, status: 'label_pending' });
    expect(await changesOf(runId)).toEqual([expect.objectContaining({
      entity_type: 'shipment', entity_id: String(fx.shipmentB1),
      before: expect.objectContaining({ labelRequestedAt: null }), after: expect.objectContaining({ labelRequestedAt: requested.labelRequestedAt!.toISOString() }),
    })]);
    expect((await events(runId)).map((e) => e.name)).toEqual(['ShipmentLabelPurchaseRequested']);
    expect(await outboxJobs()).toEqual([expect.objectContaining({ kind: 'shipment.purchase_label', payload: { shipmentId: fx.shipmentB1, requestedAt: requested.labelRequestedAt!.toISOString() } })]);

    // The same key and body: the stored answer, no second request or message.
    const replay = await act(agent, 'shipment.retry_label', fx.shipmentB1, { reasonCode: 'carrier_error_resolved' }, key).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.run.id).toBe(runId);
    expect(await outboxJobs()).toHaveLength(1);
    // While the carrier has not answered, another attempt is refused and changes nothing.
    const pending = await act(agent, 'shipment.retry_label', fx.shipmentB1, { reasonCode: 'carrier_error_resolved' }).expect(409);
    expect(pending.body.code).toBe('label_purchase_pending');
    expect(await outboxJobs()).toHaveLength(1);

    await boss.start();
    await platform.actions.outbox.work({ workers: 1 });
    const bought = await until(async () => {
      const s = await shipment(fx.shipmentB1);
      return s.trackingNumber !== null && s;
    });
    // fedex tracking format, 90% of the 5.99 credit, failure cleared, first carrier event now.
    expect(bought).toMatchObject({ status: 'label_purchased', trackingNumber: `7${String(fx.shipmentB1).padStart(14, '0')}`, labelCostAmount: 539, failureKind: null, labelRequestedAt: null });
    expect(bought.lastTrackingUpdateAt).not.toBeNull();
    expect(before.trackingNumber).toBeNull();
    const { rows } = await db.pool.query(`SELECT name, payload FROM domain_events WHERE entity_type = 'shipment' AND entity_id = $1 AND name LIKE 'ShipmentLabelPurchase%' ORDER BY id`, [String(fx.shipmentB1)]);
    expect(rows.map((r) => r.name)).toEqual(['ShipmentLabelPurchaseRequested', 'ShipmentLabelPurchased']);
    expect(rows[1].payload).toMatchObject({ adapter: 'simulated', labelCost: 539 });

    // The same message delivered again finds nothing waiting: no change, no second event.
    const [job] = await outboxJobs();
    await purchaseLabelHandler(job, { pool: db.pool, logger: createLogger({ level: 'silent' }) });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM domain_events WHERE entity_id = $1 AND name = 'ShipmentLabelPurchased'`, [String(fx.shipmentB1)])).rows[0].n).toBe(1);
    // A shipment with a label: refused.
    expect((await act(agent, 'shipment.retry_label', fx.shipmentB1, { reasonCode: 'other' }).expect(409)).body.code).toBe('label_already_purchased');
    await boss.stop({ graceful: true, wait: true });
  });

  it('records the simulated carrier\'s refusal: an undeliverable address fails validation', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_agent']);
    const failed = await db.prisma.shipment.create({ data: { orderId: fx.orderB, carrier: 'ups', status: 'label_pending', shippingCreditAmount: 500, currency: 'USD', failureKind: 'label_purchase_failed', addressNote: 'Undeliverable: no such street' } });
    await act(agent, 'shipment.retry_label', failed.id, { reasonCode: 'address_corrected' }).expect(200);
    const [job] = (await outboxJobs()).filter((j) => j.payload.shipmentId === failed.id);
    await purchaseLabelHandler(job, { pool: db.pool, logger: createLogger({ level: 'silent' }) });
    expect(await shipment(failed.id)).toMatchObject({ status: 'exception', failureKind: 'address_validation_failed', labelRequestedAt: null, trackingNumber: null });
  });

  it('is refused without shipment.update (403, nothing queued) and on a cancelled order', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_tier_1']);
    const jobs = (await outboxJobs()).length;
    expect((await act(agent, 'shipment.retry_label', fx.shipmentA2, { reasonCode: 'other' }).expect(403)).body.code).toBe('forbidden');
    const cancelled = await db.prisma.order.create({ data: { checkoutId: fx.checkoutId, sellerOrgId: fx.sellerOrgIds[0], buyerUserId: (await db.prisma.order.findUniqueOrThrow({ where: { id: fx.orderA } })).buyerUserId, status: 'cancelled', subtotalAmount: 1, shippingCreditAmount: 0, totalAmount: 1, currency: 'USD' } });
    const s = await db.prisma.shipment.create({ data: { orderId: cancelled.id, carrier: 'ups', status: 'label_pending', shippingCreditAmount: 0, currency: 'USD', failureKind: 'label_purchase_failed' } });
    const { agent: support } = await loginAs(platform.app, db, ['support_agent']);
    expect((await act(support, 'shipment.retry_label', s.id, { reasonCode: 'other' }).expect(409)).body.code).toBe('order_closed');
    expect(await outboxJobs()).toHaveLength(jobs);
    expect((await act(support, 'shipment.retry_label', 2_000_000_000, { reasonCode: 'other' }).expect(404)).body.code).toBe('not_found');
  });
});

describe('shipment.update_metadata', () => {
  it('changes only what is given, audited with the shipment before and after', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_agent']);
    const res = await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: { trackingNumber: 'NEWTRACK0001', addressNote: 'Leave with the concierge' }, reasonCode: 'seller_correction' }).expect(200);
    const runId = res.body.run.id as string;
    expect(res.body.run.result).toMatchObject({ changed: ['trackingNumber', 'addressNote'], carrier: 'usps', trackingNumber: 'NEWTRACK0001' });
    expect(await shipment(fx.shipmentA2)).toMatchObject({ carrier: 'usps', trackingNumber: 'NEWTRACK0001', addressNote: 'Leave with the concierge' });
    const [change] = await changesOf(runId);
    // The audit service keeps the changed fields of an update: exactly the two given.
    expect(change.before).toEqual({ trackingNumber: expect.stringMatching(/^9400A2/), addressNote: null });
    expect(change.after).toEqual({ trackingNumber: 'NEWTRACK0001', addressNote: 'Leave with the concierge' });
    expect((await events(runId))).toEqual([expect.objectContaining({ name: 'ShipmentMetadataUpdated', payload: { shipmentId: fx.shipmentA2, fields: ['trackingNumber', 'addressNote'], reasonCode: 'seller_correction' } })]);
  });

  it('refuses bad input (422), a taken tracking number, no change, and a delivered shipment\'s carrier (409), changing nothing', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_tier_2']);
    const before = await shipment(fx.shipmentA2);
    const bad = await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: { trackingNumber: 'lower-case' }, reasonCode: 'data_fix' }).expect(422);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    expect(bad.body.detail).toMatch(/trackingNumber/);
    expect((await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: {}, reasonCode: 'data_fix' }).expect(422)).body.code).toBe('validation_failed');
    const a1 = await shipment(fx.shipmentA1);
    expect((await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: { trackingNumber: a1.trackingNumber! }, reasonCode: 'data_fix' }).expect(409)).body.code).toBe('tracking_number_taken');
    expect((await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: { carrier: 'usps' }, reasonCode: 'data_fix' }).expect(409)).body.code).toBe('nothing_to_change');
    expect((await act(agent, 'shipment.update_metadata', fx.shipmentA1, { input: { carrier: 'dhl' }, reasonCode: 'data_fix' }).expect(409)).body.code).toBe('shipment_done');
    expect(await shipment(fx.shipmentA2)).toEqual(before);
    // ...but a delivered shipment's address note may still change.
    await act(agent, 'shipment.update_metadata', fx.shipmentA1, { input: { addressNote: 'Buyer says the porch is shared' }, reasonCode: 'buyer_request' }).expect(200);
  });

  it('is refused without shipment.update', async () => {
    const { agent } = await loginAs(platform.app, db, ['risk_agent']);
    expect((await act(agent, 'shipment.update_metadata', fx.shipmentA2, { input: { carrier: 'ups' }, reasonCode: 'data_fix' }).expect(403)).body.code).toBe('forbidden');
  });
});

describe('shipment.open_investigation', () => {
  it('opens one investigation per shipment, audited, shown on the consoles', async () => {
    const { agent, id } = await loginAs(platform.app, db, ['risk_agent']);
    const res = await act(agent, 'shipment.open_investigation', fx.shipmentA1, { input: { kind: 'delivered_not_received' }, reasonCode: 'buyer_report', note: 'Buyer says the box never came' }).expect(200);
    const runId = res.body.run.id as string;
    const investigation = await db.prisma.shipmentInvestigation.findFirstOrThrow({ where: { shipmentId: fx.shipmentA1 } });
    expect(investigation).toMatchObject({ kind: 'delivered_not_received', status: 'open', reasonCode: 'buyer_report', note: 'Buyer says the box never came', openedBy: id });
    expect(res.body.run.result).toEqual({ shipmentId: fx.shipmentA1, investigationId: investigation.id, kind: 'delivered_not_received', status: 'open' });
    expect(await changesOf(runId)).toEqual([expect.objectContaining({ entity_type: 'shipment_investigation', entity_id: String(investigation.id), before: null, after: expect.objectContaining({ status: 'open', shipmentId: fx.shipmentA1 }) })]);
    expect((await events(runId)).map((e) => e.name)).toEqual(['ShipmentInvestigationOpened']);

    const second = await act(agent, 'shipment.open_investigation', fx.shipmentA1, { input: { kind: 'other' }, reasonCode: 'other' }).expect(409);
    expect(second.body.code).toBe('investigation_already_open');
    expect(await db.prisma.shipmentInvestigation.count({ where: { shipmentId: fx.shipmentA1 } })).toBe(1);

    const queue = await agent.get('/api/consoles/shipping/queues/delivered_not_received').expect(200);
    expect(queue.body.items.find((i: { id: number }) => i.id === fx.shipmentA1).openInvestigationId).toBe(investigation.id);
    const order = await agent.get(`/api/consoles/orders/orders/${fx.orderA}`).expect(200);
    expect(order.body.orders[0].shipments.find((s: { id: number }) => s.id === fx.shipmentA1).openInvestigationId).toBe(investigation.id);
  });

  it('refuses an unknown kind (422) and roles without shipment.investigate (403)', async () => {
    const { agent } = await loginAs(platform.app, db, ['support_agent']);
    expect((await act(agent, 'shipment.open_investigation', fx.shipmentA2, { input: { kind: 'aliens' }, reasonCode: 'other' }).expect(422)).body.code).toBe('validation_failed');
    const { agent: finance } = await loginAs(platform.app, db, ['finance_admin']);
    expect((await act(finance, 'shipment.open_investigation', fx.shipmentA2, { input: { kind: 'other' }, reasonCode: 'other' }).expect(403)).body.code).toBe('forbidden');
    expect(await db.prisma.shipmentInvestigation.count({ where: { shipmentId: fx.shipmentA2 } })).toBe(0);
  });
});
