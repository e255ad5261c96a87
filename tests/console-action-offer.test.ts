// The consoles offer only buttons the action runner would accept (plugins/marketplace/consoles/
// console-actions.ts): the runner's own listFor (permission and kill switch), and the action's
// `appliesTo` for the record's state. Checked from the APIs the console pages render (orders,
// shipping, disputes, risk), against GET /api/actions for the same operator, and from the attacker's
// side: a crafted request for an action that is not offered is still refused by the runner.
import { randomUUID } from 'node:crypto';
import type { FlagEvaluator } from '../src/flags/flag-service.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createTestDatabase } from './support/database.js';
import { createConsoleCheckout, type ConsoleCheckout } from './support/console-fixtures.js';
import { setStepUp } from './support/impersonation-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>['agent'];
type Offered = { actions: { id: string }[] };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let fx: ConsoleCheckout;
const off = new Set<string>();
// A stand-in flag client (the real one is exercised in tests/flags-unleash.test.ts): on unless switched off here.
const flagClient: FlagEvaluator = { isEnabled: (name) => !off.has(name), definition: (name) => ({ name }) as never };

beforeAll(async () => {
  db = await createTestDatabase();
  platform = createTestPlatformApp(db, { flagClient });
  fx = await createConsoleCheckout(db);
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});
afterEach(() => off.clear());

const ids = (x: Offered) => x.actions.map((a) => a.id);
const act = (agent: Agent, actionId: string, target: { type: string; id: number }, body: { input?: object; reasonCode: string }) =>
  agent.post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID()).send({ target: { type: target.type, id: String(target.id) }, ...body });
const runnable = async (agent: Agent) => new Set(((await agent.get('/api/actions').expect(200)).body.items as { id: string }[]).map((a) => a.id));
const checkout = async (agent: Agent) => (await agent.get(`/api/consoles/orders/checkouts/${fx.checkoutId}`).expect(200)).body;
const dispute = async (agent: Agent) => (await agent.get(`/api/consoles/disputes/disputes/${fx.disputeId}`).expect(200)).body;
const seller = async (agent: Agent) => (await agent.get(`/api/consoles/risk/sellers/${fx.sellerOrgIds[0]}`).expect(200)).body;

it('offers nothing the runner would refuse for lack of a permission, for every role that reads the consoles', async () => {
  for (const role of ['support_tier_1', 'support_tier_2', 'client_success', 'finance_admin', 'support_agent', 'risk_agent']) {
    const { agent } = await loginAs(platform.app, db, [role]);
    const mayRun = await runnable(agent);
    const body = await checkout(agent);
    const offered = body.orders.flatMap((o: Offered & { shipments: Offered[] | null }) => [...ids(o), ...(o.shipments ?? []).flatMap(ids)]);
    for (const id of offered) expect([role, id, mayRun.has(id)]).toEqual([role, id, true]);
  }
  // Tier 1 reads everything and may run nothing here: no button at all; its crafted requests are refused.
  const { agent: tier1 } = await loginAs(platform.app, db, ['support_tier_1']);
  const body = await checkout(tier1);
  expect(body.orders.flatMap((o: Offered & { shipments: Offered[] }) => [...ids(o), ...o.shipments.flatMap(ids)])).toEqual([]);
  expect((await act(tier1, 'order.cancel', { type: 'order', id: fx.orderB }, { reasonCode: 'buyer_request' }).expect(403)).body.code).toBe('forbidden');
  expect((await db.prisma.order.findUniqueOrThrow({ where: { id: fx.orderB } })).status).toBe('paid');
});

it('hides an action whose kill switch is off, as the runner refuses it', async () => {
  const { agent } = await loginAs(platform.app, db, ['support_agent']);
  expect(ids((await checkout(agent)).orders[1])).toEqual(expect.arrayContaining(['order.refund', 'order.cancel']));
  off.add('marketplace.refunds');
  const b = (await checkout(agent)).orders[1];
  expect(ids(b)).not.toContain('order.refund');
  expect(ids(b)).not.toContain('order.cancel');
  expect((await act(agent, 'order.cancel', { type: 'order', id: fx.orderB }, { reasonCode: 'buyer_request' }).expect(403)).body.code).toBe('feature_disabled');
});

it('offers order and shipment actions only in the states they apply to', async () => {
  const { agent } = await loginAs(platform.app, db, ['support_agent']);
  const [a, b] = (await checkout(agent)).orders;
  // A is shipped: no cancel; a crafted cancel is refused (409) and changes nothing.
  expect(ids(a)).not.toContain('order.cancel');
  expect(ids(b)).toContain('order.cancel');
  expect((await act(agent, 'order.cancel', { type: 'order', id: fx.orderA }, { reasonCode: 'buyer_request' }).expect(409)).body.code).toBe('already_shipped');
  // Labelled shipments: no label retry; the failed purchase: retry offered. A crafted retry on a labelled one is a 409.
  expect(ids(a.shipments[0])).not.toContain('shipment.retry_label');
  expect(ids(b.shipments[0])).toContain('shipment.retry_label');
  expect((await act(agent, 'shipment.retry_label', { type: 'shipment', id: fx.shipmentA1 }, { reasonCode: 'other' }).expect(409)).body.code).toBe('label_already_purchased');
  // The shipping queue agrees with the order console, row by row.
  const queue = (await agent.get('/api/consoles/shipping/queues/label_purchase_failed').expect(200)).body;
  expect(ids(queue.items.find((i: { id: number }) => i.id === fx.shipmentB1))).toEqual(ids(b.shipments[0]));
  // Once the retry is asked for, it is pending: no second button, and a crafted one is a 409.
  await act(agent, 'shipment.retry_label', { type: 'shipment', id: fx.shipmentB1 }, { reasonCode: 'other' }).expect(200);
  expect(ids((await checkout(agent)).orders[1].shipments[0])).not.toContain('shipment.retry_label');
  expect((await act(agent, 'shipment.retry_label', { type: 'shipment', id: fx.shipmentB1 }, { reasonCode: 'other' }).expect(409)).body.code).toBe('label_purchase_pending');
});

it('offers dispute and seller actions only in the states they apply to', async () => {
  const { agent: risk } = await loginAs(platform.app, db, ['risk_agent']);
  let body = await dispute(risk);
  expect(ids({ actions: body.actions.dispute })).toEqual(['dispute.resolve', 'dispute.request_evidence']);
  expect(ids({ actions: body.actions.seller })).toEqual(['org.freeze', 'payout.hold']);

  // Evidence asked for: marking it received is offered.
  await act(risk, 'dispute.request_evidence', { type: 'dispute', id: fx.disputeId }, { input: { kinds: ['tracking_proof'] }, reasonCode: 'evidence_needed' }).expect(200);
  body = await dispute(risk);
  expect(ids({ actions: body.actions.dispute })).toContain('dispute.mark_evidence_received');

  // The seller frozen and held: unfreeze and release instead of freeze and hold; crafted repeats are 409s.
  const org = { type: 'organization', id: fx.sellerOrgIds[0] };
  await act(risk, 'org.freeze', org, { reasonCode: 'suspected_fraud' }).expect(200);
  await act(risk, 'payout.hold', org, { reasonCode: 'suspected_fraud' }).expect(200);
  for (const actions of [(await dispute(risk)).actions.seller, (await seller(risk)).actions]) {
    expect(ids({ actions })).toEqual(expect.arrayContaining(['org.unfreeze', 'payout.release']));
    expect(ids({ actions })).not.toContain('org.freeze');
    expect(ids({ actions })).not.toContain('payout.hold');
  }
  expect((await act(risk, 'org.freeze', org, { reasonCode: 'suspected_fraud' }).expect(409)).body.code).toBe('already_frozen');
  expect((await act(risk, 'payout.hold', org, { reasonCode: 'suspected_fraud' }).expect(409)).body.code).toBe('already_held');

  // Resolved: no resolve and no evidence request any more (late evidence may still be recorded); a crafted resolve is a 409.
  await act(risk, 'dispute.resolve', { type: 'dispute', id: fx.disputeId }, { input: { resolution: 'seller_favoured' }, reasonCode: 'evidence_reviewed' }).expect(200);
  expect(ids({ actions: (await dispute(risk)).actions.dispute })).toEqual(['dispute.mark_evidence_received']);
  expect((await act(risk, 'dispute.resolve', { type: 'dispute', id: fx.disputeId }, { input: { resolution: 'seller_favoured' }, reasonCode: 'evidence_reviewed' }).expect(409)).body.code).toBe('not_resolvable');
});

it('offers no button while the operator impersonates the buyer, as the read-only gate refuses them', async () => {
  const who = await loginAs(platform.app, db, ['support_admin']);
  expect(ids((await checkout(who.agent)).orders[1])).toContain('order.cancel');
  await setStepUp(db, who.id, Date.now());
  const { buyerUserId } = await db.prisma.order.findUniqueOrThrow({ where: { id: fx.orderB } });
  const started = await who.agent.post('/api/impersonations').send({ targetUserId: buyerUserId, reason: 'customer_reported_issue', note: 'sees no refund', ticketId: 'SUP-7' }).expect(201);
  const body = await checkout(who.agent);
  expect(body.orders.flatMap((o: Offered & { shipments: Offered[] }) => [...ids(o), ...o.shipments.flatMap(ids)])).toEqual([]);
  expect((await act(who.agent, 'order.cancel', { type: 'order', id: fx.orderB }, { reasonCode: 'buyer_request' }).expect(403)).body.code).toBe('impersonation_read_only');
  await who.agent.delete(`/api/impersonations/${started.body.id}`).expect((res) => expect(res.status).toBeLessThan(300));
});
