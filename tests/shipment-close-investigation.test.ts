// shipment.close_investigation through the action runner: open -> closed with a resolution, audited
// with before/after, the ShipmentInvestigationClosed event on the shipment's and the order's
// timelines, an idempotent replay, 409s that change nothing (none open, a stale investigation id,
// closing twice), 403 without the permission, and the shipping console offering Close only while
// one is open (Open otherwise).
import { randomUUID } from 'node:crypto';
import { createAuditService } from '../src/audit/audit-service.js';
import { createTestPlatformApp, loginAs, TEST_AUDIT_KEY } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';

type Agent = Awaited<ReturnType<typeof loginAs>>['agent'];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let audit: ReturnType<typeof createAuditService>;
let fx: ConsoleCheckout;

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  platform = createTestPlatformApp(db, { audit });
  fx = await createConsoleCheckout(db);
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

const act = (agent: Agent, actionId: string, shipmentId: number, body: { input?: object; reasonCode: string; note?: string }, key = randomUUID()) =>
  agent.post(`/api/actions/${actionId}`).set('Idempotency-Key', key).send({ target: { type: 'shipment', id: String(shipmentId) }, ...body });
const investigations = (shipmentId: number) => db.prisma.shipmentInvestigation.findMany({ where: { shipmentId }, orderBy: { id: 'asc' } });
const queueRow = async (agent: Agent, shipmentId: number) =>
  (await agent.get('/api/consoles/shipping/queues/label_purchase_failed').expect(200)).body.items.find((i: { id: number }) => i.id === shipmentId);
const actionIds = (row: { actions: { id: string }[] }) => row.actions.map((a) => a.id);

it('closes the open investigation with its resolution: audited, on the timelines, replayed, offered only while open', async () => {
  const { agent, id } = await loginAs(platform.app, db, ['support_agent']);
  await act(agent, 'shipment.open_investigation', fx.shipmentB1, { input: { kind: 'label_problem' }, reasonCode: 'carrier_exception' }).expect(200);
  const [open] = await investigations(fx.shipmentB1);
  // The console offers Close on the investigated shipment, not Open.
  expect(actionIds(await queueRow(agent, fx.shipmentB1))).toEqual(expect.arrayContaining(['shipment.close_investigation']));
  expect(actionIds(await queueRow(agent, fx.shipmentB1))).not.toContain('shipment.open_investigation');

  const key = randomUUID();
  const body = { input: { resolution: 'label_replaced', investigationId: open.id }, reasonCode: 'carrier_confirmed', note: 'New label bought by the seller' };
  const res = await act(agent, 'shipment.close_investigation', fx.shipmentB1, body, key).expect(200);
  const runId = res.body.run.id as string;
  const [closed] = await investigations(fx.shipmentB1);
  expect(closed).toMatchObject({ id: open.id, status: 'closed', resolution: 'label_replaced', closedBy: id });
  expect(closed.closedAt).not.toBeNull();
  expect(res.body.run.result).toMatchObject({ shipmentId: fx.shipmentB1, investigationId: open.id, status: 'closed', resolution: 'label_replaced' });

  // Audited: the investigation's before and after, with the reason and note.
  const { rows: changes } = await db.pool.query(
    `SELECT entity_type, entity_id, reason_code, note, before, after FROM audit.inbox WHERE action = 'shipment.close_investigation' AND outcome = 'succeeded'`);
  expect(changes).toEqual([expect.objectContaining({
    entity_type: 'shipment_investigation', entity_id: String(open.id), reason_code: 'carrier_confirmed', note: 'New label bought by the seller',
    before: expect.objectContaining({ status: 'open' }), after: expect.objectContaining({ status: 'closed', resolution: 'label_replaced', closedBy: id }),
  })]);

  // The same request again: the first answer, nothing changed twice.
  const replay = await act(agent, 'shipment.close_investigation', fx.shipmentB1, body, key).expect(200);
  expect(replay.body.run.id).toBe(runId);
  expect((await db.pool.query(`SELECT count(*)::int AS n FROM action_runs WHERE action_id = 'shipment.close_investigation'`)).rows[0].n).toBe(1);

  // On the shipment's timeline and its order's, once, with the resolution.
  await audit.seal();
  await platform.timeline.projector.catchUp();
  for (const [type, entityId] of [['shipment', fx.shipmentB1], ['order', fx.orderB]] as const) {
    const items = (await agent.get(`/api/entities/${type}/${entityId}/timeline?limit=100`).expect(200)).body.items as { kind: string; data: { payload: Record<string, unknown> } }[];
    const closes = items.filter((i) => i.kind === 'ShipmentInvestigationClosed');
    expect(closes).toHaveLength(1);
    expect(closes[0].data.payload).toMatchObject({ investigationId: open.id, resolution: 'label_replaced', note: 'New label bought by the seller', reasonCode: 'carrier_confirmed' });
  }

  // Closed: Open is offered again, Close is not.
  const row = await queueRow(agent, fx.shipmentB1);
  expect(actionIds(row)).toContain('shipment.open_investigation');
  expect(actionIds(row)).not.toContain('shipment.close_investigation');
});

it('refuses illegal closings with 409 and changes nothing', async () => {
  const { agent } = await loginAs(platform.app, db, ['risk_agent']);
  // None open on A2.
  const none = await act(agent, 'shipment.close_investigation', fx.shipmentA2, { input: { resolution: 'delivered' }, reasonCode: 'carrier_confirmed' }).expect(409);
  expect(none.body.code).toBe('no_open_investigation');
  // A closed investigation cannot be closed again, even when another is open now.
  const [closed] = await investigations(fx.shipmentB1);
  await act(agent, 'shipment.open_investigation', fx.shipmentB1, { input: { kind: 'other' }, reasonCode: 'other' }).expect(200);
  const before = await investigations(fx.shipmentB1);
  const stale = await act(agent, 'shipment.close_investigation', fx.shipmentB1, { input: { resolution: 'lost', investigationId: closed.id }, reasonCode: 'other' }).expect(409);
  expect(stale.body.code).toBe('investigation_not_open');
  expect(await investigations(fx.shipmentB1)).toEqual(before);
  // A bad resolution is a 422.
  expect((await act(agent, 'shipment.close_investigation', fx.shipmentB1, { input: { resolution: 'vanished' }, reasonCode: 'other' }).expect(422)).body.code).toBe('validation_failed');
  // Closing the open one works for a risk agent (who may open them), then a second close is a 409.
  await act(agent, 'shipment.close_investigation', fx.shipmentB1, { input: { resolution: 'unfounded' }, reasonCode: 'opened_in_error' }).expect(200);
  expect((await act(agent, 'shipment.close_investigation', fx.shipmentB1, { input: { resolution: 'unfounded' }, reasonCode: 'opened_in_error' }).expect(409)).body.code).toBe('no_open_investigation');
});

it('is refused without shipment.investigation.close, and not offered', async () => {
  const { agent: admin } = await loginAs(platform.app, db, ['support_agent']);
  await act(admin, 'shipment.open_investigation', fx.shipmentA2, { input: { kind: 'other' }, reasonCode: 'other' }).expect(200);
  const { agent: tier1 } = await loginAs(platform.app, db, ['support_tier_1']);
  const order = (await tier1.get(`/api/consoles/orders/orders/${fx.orderA}`).expect(200)).body;
  expect(actionIds(order.orders[0].shipments.find((s: { id: number }) => s.id === fx.shipmentA2))).not.toContain('shipment.close_investigation');
  expect((await act(tier1, 'shipment.close_investigation', fx.shipmentA2, { input: { resolution: 'delivered' }, reasonCode: 'other' }).expect(403)).body.code).toBe('forbidden');
  expect((await investigations(fx.shipmentA2))[0].status).toBe('open');
});
