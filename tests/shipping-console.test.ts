// The shipping console's API (GET /api/consoles/shipping/...) on shipments made here: which
// shipment is in which queue (and which is not), keyset paging without gaps or repeats, the carrier
// filter, the stale-tracking threshold, and the carrier x status counts, all checked by hand.
import { createTestApp, loginAs } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;
let fx: ConsoleCheckout;
const made: Record<string, number> = {};
const HOUR = 3_600_000;
const now = Date.now();
const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
  // Shipment B1 (fedex, label purchase failed) and A1 (delivered, open not_received dispute) and A2 (fresh in transit).
  fx = await createConsoleCheckout(db, { now });
  const orderId = fx.orderB;
  const ship = async (name: string, data: Record<string, unknown>) => {
    made[name] = (await db.prisma.shipment.create({ data: { orderId, shippingCreditAmount: 500, currency: 'USD', ...data } as never })).id;
  };
  // Four more label failures (five with B1), created 1..4 hours ago; B1 was created 20 hours ago.
  for (const [i, carrier] of (['ups', 'usps', 'ups', 'dhl'] as const).entries()) {
    await ship(`labelFailed${i + 1}`, { carrier, status: 'label_pending', failureKind: 'label_purchase_failed', createdAt: at(i + 1) });
  }
  await ship('addressFailed', { carrier: 'ups', status: 'exception', failureKind: 'address_validation_failed', createdAt: at(5) });
  // Tracking: stale by its last event, stale by its ship time (no event yet), fresh, and not in flight.
  await ship('staleByEvent', { carrier: 'ups', trackingNumber: 'STALEEVENT1', status: 'in_transit', shippedAt: at(90), lastTrackingUpdateAt: at(72), createdAt: at(95) });
  await ship('staleByShip', { carrier: 'usps', trackingNumber: 'STALESHIP01', status: 'exception', shippedAt: at(100), createdAt: at(101) });
  await ship('labelNeverScanned', { carrier: 'dhl', trackingNumber: 'NOSCANYET01', status: 'label_purchased', createdAt: at(60) });
  await ship('fresh', { carrier: 'ups', trackingNumber: 'FRESHSCAN01', status: 'in_transit', shippedAt: at(90), lastTrackingUpdateAt: at(3), createdAt: at(95) });
  await ship('deliveredOld', { carrier: 'ups', trackingNumber: 'DELIVERED01', status: 'delivered', shippedAt: at(300), deliveredAt: at(200), lastTrackingUpdateAt: at(200), createdAt: at(310) });
  // Delivered but not received: flagged on the shipment (and one whose dispute is closed: not in the queue).
  await ship('notReceivedFlag', { carrier: 'fedex', trackingNumber: 'NOTRECV0001', status: 'delivered', failureKind: 'delivered_not_received', shippedAt: at(80), deliveredAt: at(30), createdAt: at(85) });
  await ship('closedDispute', { carrier: 'fedex', trackingNumber: 'CLOSEDDISP1', status: 'delivered', shippedAt: at(80), deliveredAt: at(30), createdAt: at(86) });
});
afterAll(async () => {
  await db?.drop();
});

const ids = (items: { id: number }[]) => items.map((i) => i.id);

describe('queues', () => {
  it('label_purchase_failed: newest first, keyset pages without gaps or repeats, filtered by carrier', async () => {
    const { agent } = await loginAs(app, db, ['support_tier_1']);
    const url = '/api/consoles/shipping/queues/label_purchase_failed';
    const p1 = (await agent.get(url).query({ limit: 2 }).expect(200)).body;
    expect(ids(p1.items)).toEqual([made.labelFailed1, made.labelFailed2]);
    const p2 = (await agent.get(url).query({ limit: 2, cursor: p1.nextCursor }).expect(200)).body;
    expect(ids(p2.items)).toEqual([made.labelFailed3, made.labelFailed4]);
    const p3 = (await agent.get(url).query({ limit: 2, cursor: p2.nextCursor }).expect(200)).body;
    expect(p3).toMatchObject({ nextCursor: null });
    expect(ids(p3.items)).toEqual([fx.shipmentB1]);
    expect(p1.items[0]).toMatchObject({ carrier: 'ups', status: 'label_pending', failureKind: 'label_purchase_failed', labelCost: null, orderId: fx.orderB, openInvestigationId: null });
    expect(ids((await agent.get(url).query({ carrier: 'ups' })).body.items)).toEqual([made.labelFailed1, made.labelFailed3]);
    // Tier 1 reads shipments but may not act on them: no action is offered.
    for (const item of p1.items) expect(item.actions).toEqual([]);
  });

  it('address_validation_failed holds only that failure', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    expect(ids((await agent.get('/api/consoles/shipping/queues/address_validation_failed').expect(200)).body.items)).toEqual([made.addressFailed]);
  });

  it('tracking_stale: in flight with no carrier event for the threshold (config, or ?staleHours), stalest first', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    const url = '/api/consoles/shipping/queues/tracking_stale';
    // Default 48 hours: staleByShip (100 h, no event), staleByEvent (72 h), labelNeverScanned (60 h since creation).
    const stale = (await agent.get(url).expect(200)).body;
    expect(ids(stale.items)).toEqual([made.staleByShip, made.staleByEvent, made.labelNeverScanned]);
    expect(new Date(stale.items[1].trackedAt).getTime()).toBe(at(72).getTime());
    // A shorter threshold takes in the fresh one (3 h); a longer one only the stalest; paging follows the same order.
    expect(ids((await agent.get(url).query({ staleHours: 2 })).body.items)).toEqual([made.staleByShip, made.staleByEvent, made.labelNeverScanned, made.fresh, fx.shipmentA2]);
    expect(ids((await agent.get(url).query({ staleHours: 80 })).body.items)).toEqual([made.staleByShip]);
    const p1 = (await agent.get(url).query({ limit: 1 })).body;
    const p2 = (await agent.get(url).query({ limit: 1, cursor: p1.nextCursor })).body;
    expect([...ids(p1.items), ...ids(p2.items)]).toEqual([made.staleByShip, made.staleByEvent]);
  });

  it('delivered_not_received: flagged shipments and delivered ones with an open not_received dispute', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    await db.prisma.dispute.create({ data: { orderId: fx.orderB, kind: 'not_received', status: 'closed', slaDueAt: at(-1) } });
    const items = (await agent.get('/api/consoles/shipping/queues/delivered_not_received').expect(200)).body.items;
    // Newest first: A1 (created 110 h ago, via the dispute on order A) comes after the flagged one (85 h).
    expect(items.map((i: { id: number; disputeId: number | null }) => [i.id, i.disputeId])).toEqual([[made.notReceivedFlag, null], [fx.shipmentA1, fx.disputeId]]);
  });

  it('refuses an unknown queue, a bad cursor and unknown parameters with 422', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    expect((await agent.get('/api/consoles/shipping/queues/lost').expect(422)).body.detail).toMatch(/^queue: /);
    expect((await agent.get('/api/consoles/shipping/queues/tracking_stale').query({ cursor: 'abc' }).expect(422)).body.detail).toBe('cursor: is not a cursor from this list');
    expect((await agent.get('/api/consoles/shipping/queues/tracking_stale').query({ limit: 0 }).expect(422)).body.code).toBe('validation_failed');
    expect((await agent.get('/api/consoles/shipping/queues/tracking_stale').query({ sort: 'id' }).expect(422)).body.code).toBe('validation_failed');
  });

  it('is refused without shipment.read (403 problem+json)', async () => {
    const { agent } = await loginAs(app, db, ['catalog_admin']);
    expect((await agent.get('/api/consoles/shipping/queues/tracking_stale').expect(403)).body).toMatchObject({ code: 'forbidden', detail: 'Your roles do not grant shipment.read.' });
    expect((await agent.get('/api/consoles/shipping/summary').expect(403)).body.code).toBe('forbidden');
  });
});

describe('summary', () => {
  it('counts carrier x status (moving exactly, delivered/returned over the window) and each queue', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    const { body } = await agent.get('/api/consoles/shipping/summary').query({ days: 7 }).expect(200);
    const table = Object.fromEntries(body.counts.map((c: { carrier: string; status: string; count: number; isWindowed: boolean }) => [`${c.carrier} ${c.status}${c.isWindowed ? '*' : ''}`, c.count]));
    // Every shipment here but deliveredOld (310 h ago = 12.9 days, outside the 7-day window).
    // (*: waiting for a label, delivered or returned, counted over the window.)
    expect(table).toEqual({
      'dhl label_pending*': 1, 'dhl label_purchased': 1,
      'fedex delivered*': 2, 'fedex label_pending*': 1,
      'ups delivered*': 1, 'ups exception': 1, 'ups in_transit': 2, 'ups label_pending*': 2,
      'usps exception': 1, 'usps in_transit': 1, 'usps label_pending*': 1,
    });
    expect(body.carriers).toEqual(['dhl', 'fedex', 'ups', 'usps']);
    expect(body.trackingStaleHours).toBe(48);
    expect(Object.fromEntries(body.queues.map((q: { queue: string; count: number }) => [q.queue, q.count]))).toEqual({
      label_purchase_failed: 5, address_validation_failed: 1, tracking_stale: 3, delivered_not_received: 2,
    });
    // A 30-day window takes in the old delivery; the default (1 day) none of the deliveries (30 h and more ago).
    const wide = (await agent.get('/api/consoles/shipping/summary').query({ days: 30 })).body;
    expect(wide.counts.find((c: { carrier: string; status: string }) => c.carrier === 'ups' && c.status === 'delivered').count).toBe(2);
    const day = (await agent.get('/api/consoles/shipping/summary')).body;
    expect(day.counts.filter((c: { status: string }) => c.status === 'delivered')).toEqual([]);
    expect(day.counts.find((c: { carrier: string; status: string }) => c.carrier === 'ups' && c.status === 'label_pending').count).toBe(2);
    expect((await agent.get('/api/consoles/shipping/summary').query({ days: 365 }).expect(422)).body.code).toBe('validation_failed');
  });
});

describe('the queries', () => {
  it('read the partial indexes made for them', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const explain = async (sql: string, params: unknown[] = []) => JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN']);
      expect(await explain(`SELECT id FROM shipments s WHERE s.failure_kind = 'label_purchase_failed' ORDER BY s.created_at DESC, s.id DESC LIMIT 51`)).toContain('shipments_queue_label_failed_idx');
      expect(await explain(`SELECT id FROM shipments s WHERE s.status IN ('label_purchased', 'in_transit', 'exception') AND s.delivered_at IS NULL AND s.tracking_number IS NOT NULL
        AND COALESCE(s.last_tracking_update_at, s.shipped_at, s.created_at) < now() ORDER BY COALESCE(s.last_tracking_update_at, s.shipped_at, s.created_at), s.id LIMIT 51`)).toContain('shipments_queue_tracking_stale_idx');
      expect(await explain(`SELECT carrier, status, count(*) FROM shipments WHERE status IN ('label_purchased', 'in_transit', 'exception') GROUP BY 1, 2`)).toContain('shipments_open_carrier_status_idx');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});

describe('on the demo data', () => {
  it('every queue has entries, and an investigation shows on its shipment', async () => {
    const { seedDemo } = await import('../plugins/marketplace/seed/demo.js');
    const { createLogger } = await import('../src/platform/logger.js');
    await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 11 });
    const { agent } = await loginAs(app, db, ['support_agent']);
    const demoShipments = new Set((await db.prisma.shipment.findMany({ where: { id: { gt: made.closedDispute } }, select: { id: true } })).map((s) => s.id));
    for (const queue of ['label_purchase_failed', 'address_validation_failed', 'tracking_stale', 'delivered_not_received']) {
      const items = (await agent.get(`/api/consoles/shipping/queues/${queue}`).query({ limit: 200 }).expect(200)).body.items as { id: number }[];
      expect({ queue, demoEntries: items.some((i) => demoShipments.has(i.id)) }).toEqual({ queue, demoEntries: true });
    }
    const investigation = await db.prisma.shipmentInvestigation.findFirstOrThrow();
    const { body } = await agent.get(`/api/consoles/orders/orders/${(await db.prisma.shipment.findUniqueOrThrow({ where: { id: investigation.shipmentId } })).orderId}`).expect(200);
    const shipments = body.orders.flatMap((o: { shipments: { id: number; openInvestigationId: number | null }[] }) => o.shipments);
    expect(shipments.find((s: { id: number }) => s.id === investigation.shipmentId).openInvestigationId).toBe(investigation.id);
  });
});
