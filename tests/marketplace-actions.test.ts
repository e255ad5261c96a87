// The marketplace pack's operator actions over HTTP (POST /api/actions/{id}), on the demo data set
// plus a few orders built here with exact amounts. Each test checks what an operator relies on:
// the records changed (or, when refused, nothing written), the domain event, the audit rows.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createLogger } from '../src/platform/logger.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
type Role = 'support' | 'risk' | 'risk2' | 'finance';

let db: TestDatabase;
const agents = {} as Record<Role, request.Agent>;
const operatorIds = {} as Record<Role, number>;

beforeAll(async () => {
  db = await createTestDatabase();
  const roles: Record<Role, string> = { support: 'support_agent', risk: 'risk_agent', risk2: 'risk_agent', finance: 'finance_admin' };
  const app = createTestApp(db);
  for (const [name, role] of Object.entries(roles) as [Role, string][]) {
    const op = await createOperator(db, { roles: [role] });
    operatorIds[name] = op.id;
    agents[name] = request.agent(app);
    expect((await agents[name].post('/api/session').send(await credentials(op))).status).toBe(200);
  }
  // After the operators, so the demo's holds and freezes have someone to name.
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 7 });
});
afterAll(async () => {
  await db?.drop();
});

// ---- helpers

type Body = { input?: Record<string, unknown>; reasonCode: string; note?: string };

const act = (who: Role, actionId: string, target: { type: string; id: number | string }, { input, reasonCode, note }: Body) =>
  agents[who].post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID())
    .send({ target: { type: target.type, id: String(target.id) }, input, reasonCode, note });

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await rows<T>(sql, params))[0];
const count = async (sql: string, params: unknown[] = []) => Number((await one<{ n: string }>(sql, params)).n);

const eventsOf = (runId: string) =>
  rows<{ name: string; entity_type: string; entity_id: string; payload: Record<string, unknown> }>(
    'SELECT name, entity_type, entity_id, payload FROM domain_events WHERE run_id = $1 ORDER BY id', [runId]);

/** The run's audit rows, sealed or not yet: its attempted row, then one succeeded row per change. */
const auditOf = (runId: string, actionId: string) =>
  rows<{ entity_type: string; entity_id: string; outcome: string; before: unknown; after: unknown }>(
    `WITH log AS (
       SELECT seq, action, entity_type, entity_id, outcome, before, after FROM audit.inbox
       UNION ALL SELECT seq, action, entity_type, entity_id, outcome, before, after FROM audit.events),
     attempt AS (SELECT min(seq) AS seq FROM log WHERE action = $2 AND outcome = 'attempted' AND after::jsonb ->> 'runId' = $1),
     next AS (SELECT min(seq) AS seq FROM log WHERE seq > (SELECT seq FROM attempt) AND outcome = 'attempted')
     SELECT entity_type, entity_id, outcome, before, after FROM log
     WHERE action = $2 AND seq >= (SELECT seq FROM attempt) AND seq < coalesce((SELECT seq FROM next), 9223372036854775807)
     ORDER BY seq`, [runId, actionId]);

async function expectSucceeded(res: request.Response, actionId: string, { events, audited }: { events: string[]; audited: [string, number | string][] }) {
  expect(res.status).toBe(200);
  expect(res.body.run).toMatchObject({ status: 'succeeded', actionId });
  const runId = res.body.run.id as string;
  expect((await eventsOf(runId)).map((e) => e.name)).toEqual(events);
  const audit = await auditOf(runId, actionId);
  expect(audit[0]).toMatchObject({ outcome: 'attempted' });
  for (const [type, id] of audited) expect(audit).toContainEqual(expect.objectContaining({ entity_type: type, entity_id: String(id), outcome: 'succeeded' }));
  return res.body.run.result as Record<string, unknown>;
}

/** Approves as `who`; returns the run the approval executed (POST .../approve answers { approval, run, problem }). */
async function approve(who: Role, approvalId: string) {
  const res = await agents[who].post(`/api/approvals/${approvalId}/approve`).send({ note: 'checked' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ run: { status: 'succeeded' }, problem: null });
  return res.body.run as { id: string; status: string; result: Record<string, unknown> };
}

/** The outbox messages a run queued (pg-boss jobs, sent after commit). */
const messagesOf = async (runId: string) =>
  (await rows<{ data: { kind: string; key: string; payload: { recipient: string; template: string; data: Record<string, unknown> } } }>(
    `SELECT data FROM pgboss.job WHERE name = 'outbox' AND data ->> 'key' LIKE $1 ORDER BY data ->> 'key'`, [`${runId}:%`])).map((r) => r.data);

function expectRefused(res: request.Response, code: string) {
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ code, status: 409 });
}

/** A seller org that is active, with staff, and not used by another test (by index). */
async function activeSeller(skip: number): Promise<number> {
  const row = await one<{ id: number }>(
    `SELECT o.id FROM organizations o WHERE o.kind = 'seller' AND o.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM payout_holds h WHERE h.seller_org_id = o.id AND h.released_at IS NULL)
     ORDER BY o.id OFFSET $1 LIMIT 1`, [skip]);
  return row.id;
}

/** One checkout, paid by one succeeded payment, split into orders of `totals` for one seller. */
async function paidCheckout({ totals, sellerOrgId, isPaid = true }: { totals: number[]; sellerOrgId: number; isPaid?: boolean }) {
  const buyer = await one<{ id: number; organization_id: number; email: string }>(
    `SELECT u.id, u.organization_id, u.email FROM customer_users u JOIN organizations o ON o.id = u.organization_id
     WHERE o.kind = 'buyer' AND o.status = 'active' AND u.status = 'active' ORDER BY u.id LIMIT 1`);
  const sum = totals.reduce((a, b) => a + b, 0);
  const checkout = await db.prisma.checkout.create({ data: { buyerUserId: buyer.id, buyerOrgId: buyer.organization_id, totalAmount: sum, currency: 'USD', status: 'completed' } });
  const payment = await db.prisma.payment.create({
    data: { checkoutId: checkout.id, paymentIntentRef: `pi_${randomUUID()}`, chargeRef: isPaid ? `ch_${randomUUID()}` : null, amount: sum, currency: 'USD', status: isPaid ? 'succeeded' : 'pending' },
  });
  const orderIds: number[] = [];
  for (const total of totals) {
    const order = await db.prisma.order.create({
      data: { checkoutId: checkout.id, sellerOrgId, buyerUserId: buyer.id, status: isPaid ? 'paid' : 'pending', subtotalAmount: total - 500, shippingCreditAmount: 500, totalAmount: total, currency: 'USD' },
    });
    await db.prisma.paymentAllocation.create({ data: { paymentId: payment.id, orderId: order.id, amount: total } });
    await db.prisma.shipment.create({ data: { orderId: order.id, carrier: 'UPS', status: 'label_pending', shippingCreditAmount: 500, currency: 'USD' } });
    orderIds.push(order.id);
  }
  return { orderIds, paymentId: payment.id, buyerOrgId: buyer.organization_id, buyerEmail: buyer.email, sellerOrgId };
}

const refundsOf = (orderId: number) => count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [orderId]);
const ledgerOf = (orderId: number) =>
  rows<{ org_id: number; amount: number }>(`SELECT org_id, amount FROM ledger_entries WHERE order_id = $1 AND kind = 'refund' ORDER BY id`, [orderId]);
const statusOf = async (table: string, id: number) => (await one<{ status: string }>(`SELECT status::text FROM ${table} WHERE id = $1`, [id])).status;

// ---- order.refund

describe('order.refund', () => {
  let seller: number;
  beforeAll(async () => {
    seller = await activeSeller(0);
  });

  it('refunds part of an order: refund row, payment partially refunded, a balanced ledger pair, event, notifications', async () => {
    const { orderIds: [orderId], paymentId, buyerOrgId, buyerEmail } = await paidCheckout({ totals: [25_000], sellerOrgId: seller });
    const res = await act('support', 'order.refund', { type: 'order', id: orderId }, {
      input: { amount: { amount: 4_000, currency: 'USD' } }, reasonCode: 'item_damaged', note: 'corner dinged in transit',
    });
    // The order itself does not change (only its attempted row names it): the refund, payment and ledger do.
    const result = await expectSucceeded(res, 'order.refund', { events: ['RefundIssued'], audited: [['payment', paymentId]] });
    expect(result).toMatchObject({ orderId, amount: 4_000, currency: 'USD', remaining: 21_000, orderStatus: 'paid' });
    const audit = await auditOf(res.body.run.id, 'order.refund');
    expect(audit.filter((row) => row.entity_type === 'ledger_entry')).toHaveLength(2);
    expect(audit).toContainEqual(expect.objectContaining({ entity_type: 'refund', outcome: 'succeeded', after: expect.objectContaining({ amount: 4_000 }) }));
    const refund = await one<{ amount: number; status: string; provider_ref: string; reason_code: string }>('SELECT * FROM refunds WHERE order_id = $1', [orderId]);
    expect(refund).toMatchObject({ amount: 4_000, status: 'succeeded', reason_code: 'item_damaged', provider_ref: expect.stringMatching(/^re_/) });
    expect(await statusOf('payments', paymentId)).toBe('partially_refunded');
    expect(await statusOf('orders', orderId)).toBe('paid');
    const ledger = await ledgerOf(orderId);
    expect(ledger).toEqual([{ org_id: seller, amount: -4_000 }, { org_id: buyerOrgId, amount: 4_000 }]);
    const [event] = await eventsOf(res.body.run.id);
    expect(event).toMatchObject({ entity_type: 'order', entity_id: String(orderId), payload: { amount: 4_000, currency: 'USD', isFull: false, reasonCode: 'item_damaged' } });
    const sellerEmail = (await one<{ email: string }>('SELECT email FROM customer_users WHERE organization_id = $1 ORDER BY id LIMIT 1', [seller])).email;
    expect((await messagesOf(res.body.run.id)).map((m) => [m.kind, m.payload.recipient, m.payload.template, m.payload.data.amount])).toEqual([
      ['notify', buyerEmail, 'refund_issued.buyer', 4_000],
      ['notify', sellerEmail, 'refund_issued.seller', 4_000],
    ]);
  });

  it('refunds everything left when no amount is given, and marks the order and payment refunded', async () => {
    const { orderIds: [orderId], paymentId } = await paidCheckout({ totals: [30_000], sellerOrgId: seller });
    await expectSucceeded(await act('finance', 'order.refund', { type: 'order', id: orderId }, { input: { amount: { amount: 10_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' }),
      'order.refund', { events: ['RefundIssued'], audited: [['payment', paymentId]] });
    const res = await act('finance', 'order.refund', { type: 'order', id: orderId }, { reasonCode: 'item_not_received' });
    const result = await expectSucceeded(res, 'order.refund', { events: ['RefundIssued'], audited: [['order', orderId], ['payment', paymentId]] });
    expect(result).toMatchObject({ amount: 20_000, remaining: 0, orderStatus: 'refunded' });
    expect(await statusOf('orders', orderId)).toBe('refunded');
    expect(await statusOf('payments', paymentId)).toBe('refunded');
    expect((await ledgerOf(orderId)).reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    expectRefused(await act('finance', 'order.refund', { type: 'order', id: orderId }, { reasonCode: 'item_not_received' }), 'nothing_to_refund');
  });

  it('keeps a shared payment partially refunded while a sibling order still holds money', async () => {
    const { orderIds: [first, second], paymentId } = await paidCheckout({ totals: [5_000, 6_000], sellerOrgId: seller });
    await expectSucceeded(await act('support', 'order.refund', { type: 'order', id: first }, { reasonCode: 'duplicate_charge' }),
      'order.refund', { events: ['RefundIssued'], audited: [['order', first]] });
    expect(await statusOf('orders', first)).toBe('refunded');
    expect(await statusOf('payments', paymentId)).toBe('partially_refunded');
    expect(await statusOf('orders', second)).toBe('paid');
  });

  it('refuses more than what is left, writing nothing', async () => {
    const { orderIds: [orderId], paymentId } = await paidCheckout({ totals: [8_000], sellerOrgId: seller });
    const before = await count('SELECT count(*) AS n FROM ledger_entries');
    const res = await act('finance', 'order.refund', { type: 'order', id: orderId }, { input: { amount: { amount: 8_001, currency: 'USD' } }, reasonCode: 'item_damaged' });
    expectRefused(res, 'refund_exceeds_remaining');
    expect(res.body.detail).toContain('80.00 USD');
    expect(await refundsOf(orderId)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM ledger_entries')).toBe(before);
    expect(await statusOf('payments', paymentId)).toBe('succeeded');
    expect(await count(`SELECT count(*) AS n FROM domain_events WHERE entity_type = 'order' AND entity_id = $1`, [String(orderId)])).toBe(0);
    const failed = await one<{ status: string; error_code: string }>(`SELECT status::text, error_code FROM action_runs WHERE target_id = $1 ORDER BY started_at DESC LIMIT 1`, [String(orderId)]);
    expect(failed).toEqual({ status: 'failed', error_code: 'refund_exceeds_remaining' });
  });

  it('serialises two refunds of one order: the second sees what the first took', async () => {
    const { orderIds: [orderId] } = await paidCheckout({ totals: [9_000], sellerOrgId: seller });
    const both = await Promise.all([1, 2].map(() => act('support', 'order.refund', { type: 'order', id: orderId }, { reasonCode: 'duplicate_charge' })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.body.code).toBe('nothing_to_refund');
    expect(await one('SELECT count(*)::int AS n, sum(amount)::int AS total FROM refunds WHERE order_id = $1', [orderId])).toEqual({ n: 1, total: 9_000 });
  });

  it('refuses a currency other than the order\'s', async () => {
    const { orderIds: [orderId] } = await paidCheckout({ totals: [8_000], sellerOrgId: seller });
    expectRefused(await act('support', 'order.refund', { type: 'order', id: orderId }, { input: { amount: { amount: 1_000, currency: 'EUR' } }, reasonCode: 'item_damaged' }), 'currency_mismatch');
    expect(await refundsOf(orderId)).toBe(0);
  });

  it('runs $100.00 for a Support Agent, and sends $100.01 for approval that a Finance Admin gives', async () => {
    const { orderIds: [atLimit, overLimit] } = await paidCheckout({ totals: [20_000, 20_000], sellerOrgId: seller });
    await expectSucceeded(await act('support', 'order.refund', { type: 'order', id: atLimit }, { input: { amount: { amount: 10_000, currency: 'USD' } }, reasonCode: 'not_as_described' }),
      'order.refund', { events: ['RefundIssued'], audited: [] });

    const res = await act('support', 'order.refund', { type: 'order', id: overLimit }, { input: { amount: { amount: 10_001, currency: 'USD' } }, reasonCode: 'not_as_described' });
    expect(res.status).toBe(202);
    expect(res.body.approval).toMatchObject({ id: expect.any(String), status: 'pending' });
    expect(await refundsOf(overLimit)).toBe(0);
    const approval = await one<{ policy_reason: string; approver_permission: string }>('SELECT policy_reason, approver_permission FROM approval_requests WHERE id = $1', [res.body.approval.id]);
    expect(approval).toEqual({ policy_reason: 'refund of 100.01 USD is above your limit of 100.00 USD', approver_permission: 'refund.issue.over_limit' });

    expect(await approve('finance', res.body.approval.id)).toMatchObject({ status: 'succeeded', result: { amount: 10_001 } });
    expect(await refundsOf(overLimit)).toBe(1);
  });

  it('is not found for an unknown order, and forbidden without refund.issue', async () => {
    expect((await act('support', 'order.refund', { type: 'order', id: 99_999_999 }, { reasonCode: 'item_damaged' })).status).toBe(404);
    expect((await act('risk', 'order.refund', { type: 'order', id: 1 }, { reasonCode: 'item_damaged' })).status).toBe(403);
  });
});

// ---- order.cancel

describe('order.cancel', () => {
  it('cancels a paid order before shipment and refunds what was paid', async () => {
    const { orderIds: [orderId], paymentId, buyerOrgId, sellerOrgId } = await paidCheckout({ totals: [12_345], sellerOrgId: await activeSeller(1) });
    const res = await act('support', 'order.cancel', { type: 'order', id: orderId }, { reasonCode: 'seller_non_fulfillment' });
    const result = await expectSucceeded(res, 'order.cancel', { events: ['OrderCancelled', 'RefundIssued'], audited: [['order', orderId], ['payment', paymentId]] });
    expect(result).toMatchObject({ orderId, status: 'cancelled', refundedAmount: 12_345 });
    const order = await one<{ status: string; cancelled_at: Date | null }>('SELECT status::text, cancelled_at FROM orders WHERE id = $1', [orderId]);
    expect(order.status).toBe('cancelled');
    expect(order.cancelled_at).toBeInstanceOf(Date);
    expect(await statusOf('payments', paymentId)).toBe('refunded');
    expect(await ledgerOf(orderId)).toEqual([{ org_id: sellerOrgId, amount: -12_345 }, { org_id: buyerOrgId, amount: 12_345 }]);
    expectRefused(await act('support', 'order.cancel', { type: 'order', id: orderId }, { reasonCode: 'buyer_request' }), 'already_cancelled');
  });

  it('cancels an unpaid order without moving money', async () => {
    const { orderIds: [orderId] } = await paidCheckout({ totals: [5_000], sellerOrgId: await activeSeller(1), isPaid: false });
    const result = await expectSucceeded(await act('support', 'order.cancel', { type: 'order', id: orderId }, { reasonCode: 'buyer_request' }),
      'order.cancel', { events: ['OrderCancelled'], audited: [['order', orderId]] });
    expect(result).toMatchObject({ refundedAmount: 0, refunds: [] });
    expect(await refundsOf(orderId)).toBe(0);
  });

  it('refuses once the order has shipped, whatever its status says', async () => {
    const shipped = await one<{ id: number }>(`SELECT id FROM orders WHERE status = 'shipped' ORDER BY id LIMIT 1`);
    expectRefused(await act('support', 'order.cancel', { type: 'order', id: shipped.id }, { reasonCode: 'buyer_request' }), 'already_shipped');
    // Still `paid`, but the carrier has it.
    const { orderIds: [orderId] } = await paidCheckout({ totals: [5_000], sellerOrgId: await activeSeller(1) });
    await db.pool.query(`UPDATE shipments SET status = 'in_transit', shipped_at = now() WHERE order_id = $1`, [orderId]);
    expectRefused(await act('support', 'order.cancel', { type: 'order', id: orderId }, { reasonCode: 'buyer_request' }), 'already_shipped');
    expect(await statusOf('orders', orderId)).toBe('paid');
    expect(await refundsOf(orderId)).toBe(0);
  });
});

// ---- organizations, listings, users, risk flags

describe('org.freeze and org.unfreeze', () => {
  it('freezes once, refuses a second freeze, and sends the unfreeze for approval', async () => {
    const orgId = await activeSeller(2);
    const res = await act('risk', 'org.freeze', { type: 'organization', id: orgId }, { reasonCode: 'suspected_fraud', note: 'ring of new buyer accounts' });
    await expectSucceeded(res, 'org.freeze', { events: ['OrgFrozen'], audited: [['organization', orgId]] });
    const org = await one<Record<string, unknown>>('SELECT status::text, frozen_at, frozen_by, freeze_reason FROM organizations WHERE id = $1', [orgId]);
    expect(org).toMatchObject({ status: 'frozen', frozen_by: operatorIds.risk, freeze_reason: 'suspected_fraud: ring of new buyer accounts', frozen_at: expect.any(Date) });
    expectRefused(await act('risk', 'org.freeze', { type: 'organization', id: orgId }, { reasonCode: 'suspected_fraud' }), 'already_frozen');

    const unfreeze = await act('risk', 'org.unfreeze', { type: 'organization', id: orgId }, { reasonCode: 'investigation_cleared' });
    expect(unfreeze.status).toBe(202);
    expect(unfreeze.body.approval).toMatchObject({ status: 'pending' });
    expect(await statusOf('organizations', orgId)).toBe('frozen');
    const run = await approve('risk2', unfreeze.body.approval.id);
    expect(run.status).toBe('succeeded');
    expect(await eventsOf(run.id)).toEqual([expect.objectContaining({ name: 'OrgUnfrozen', entity_id: String(orgId) })]);
    expect(await one('SELECT status::text, frozen_at, frozen_by, freeze_reason FROM organizations WHERE id = $1', [orgId]))
      .toEqual({ status: 'active', frozen_at: null, frozen_by: null, freeze_reason: null });
  });

  it('is forbidden to a Support Agent', async () => {
    expect((await act('support', 'org.freeze', { type: 'organization', id: await activeSeller(2) }, { reasonCode: 'suspected_fraud' })).status).toBe(403);
  });
});

describe('listing.takedown and listing.reinstate', () => {
  it('takes a listing down once and sends its reinstatement for approval', async () => {
    const listing = await one<{ id: number }>(`SELECT l.id FROM listings l JOIN organizations o ON o.id = l.seller_org_id WHERE l.status = 'active' AND o.status = 'active' ORDER BY l.id DESC LIMIT 1`);
    await expectSucceeded(await act('risk', 'listing.takedown', { type: 'listing', id: listing.id }, { reasonCode: 'counterfeit', note: 'brand complaint #4411' }),
      'listing.takedown', { events: ['ListingTakedownApplied'], audited: [['listing', listing.id]] });
    expect(await one('SELECT status::text, takedown_by, takedown_reason FROM listings WHERE id = $1', [listing.id]))
      .toEqual({ status: 'taken_down', takedown_by: operatorIds.risk, takedown_reason: 'counterfeit: brand complaint #4411' });
    expectRefused(await act('risk', 'listing.takedown', { type: 'listing', id: listing.id }, { reasonCode: 'counterfeit' }), 'already_taken_down');
    const reinstate = await act('risk', 'listing.reinstate', { type: 'listing', id: listing.id }, { reasonCode: 'appeal_upheld' });
    expect(reinstate.status).toBe(202);
    expect(await approve('risk2', reinstate.body.approval.id)).toMatchObject({ status: 'succeeded' });
    expect(await one('SELECT status::text, takedown_at, takedown_reason FROM listings WHERE id = $1', [listing.id])).toEqual({ status: 'active', takedown_at: null, takedown_reason: null });
  });
});

describe('customer_user.suspend and customer_user.unsuspend', () => {
  it('suspends, refuses a second suspension, and reactivates', async () => {
    const user = await one<{ id: number }>(`SELECT id FROM customer_users WHERE status = 'active' ORDER BY id DESC LIMIT 1`);
    await expectSucceeded(await act('risk', 'customer_user.suspend', { type: 'customer_user', id: user.id }, { reasonCode: 'account_takeover' }),
      'customer_user.suspend', { events: ['UserSuspended'], audited: [['customer_user', user.id]] });
    expect(await one('SELECT status::text, suspended_by, suspend_reason FROM customer_users WHERE id = $1', [user.id]))
      .toEqual({ status: 'suspended', suspended_by: operatorIds.risk, suspend_reason: 'account_takeover' });
    expectRefused(await act('risk', 'customer_user.suspend', { type: 'customer_user', id: user.id }, { reasonCode: 'account_takeover' }), 'already_suspended');
    await expectSucceeded(await act('risk', 'customer_user.unsuspend', { type: 'customer_user', id: user.id }, { reasonCode: 'issue_resolved' }),
      'customer_user.unsuspend', { events: ['UserUnsuspended'], audited: [['customer_user', user.id]] });
    expect(await statusOf('customer_users', user.id)).toBe('active');
    expectRefused(await act('risk', 'customer_user.unsuspend', { type: 'customer_user', id: user.id }, { reasonCode: 'issue_resolved' }), 'not_suspended');
  });
});

describe('risk_flag.raise and risk_flag.clear', () => {
  it('raises a flag on an order (for its buyer organization), refuses a duplicate, and clears it once', async () => {
    const { orderIds: [orderId], buyerOrgId } = await paidCheckout({ totals: [5_000], sellerOrgId: await activeSeller(1) });
    const input = { kind: 'refund_abuse', severity: 'high' };
    const res = await act('risk', 'risk_flag.raise', { type: 'order', id: orderId }, { input, reasonCode: 'refund_abuse' });
    const { riskFlagId } = await expectSucceeded(res, 'risk_flag.raise', { events: ['RiskFlagRaised'], audited: [] }) as { riskFlagId: number };
    expect(await one('SELECT entity_type::text, entity_id, org_id, kind, severity::text, trigger, raised_by FROM risk_flags WHERE id = $1', [riskFlagId]))
      .toEqual({ entity_type: 'order', entity_id: String(orderId), org_id: buyerOrgId, kind: 'refund_abuse', severity: 'high', trigger: 'manual: refund_abuse', raised_by: operatorIds.risk });
    expectRefused(await act('risk', 'risk_flag.raise', { type: 'order', id: orderId }, { input, reasonCode: 'refund_abuse' }), 'already_flagged');

    const cleared = await act('risk', 'risk_flag.clear', { type: 'risk_flag', id: riskFlagId }, { reasonCode: 'false_positive' });
    await expectSucceeded(cleared, 'risk_flag.clear', { events: ['RiskFlagCleared'], audited: [['risk_flag', riskFlagId]] });
    expect(await one('SELECT cleared_by FROM risk_flags WHERE id = $1', [riskFlagId])).toEqual({ cleared_by: operatorIds.risk });
    expectRefused(await act('risk', 'risk_flag.clear', { type: 'risk_flag', id: riskFlagId }, { reasonCode: 'false_positive' }), 'already_cleared');
  });

  it('rejects an input outside the schema (422) before anything runs', async () => {
    const res = await act('risk', 'risk_flag.raise', { type: 'order', id: 1 }, { input: { kind: 'x', severity: 'extreme' }, reasonCode: 'refund_abuse' });
    expect(res.status).toBe(422);
  });
});

// ---- payouts

describe('payout.hold and payout.release', () => {
  let orgId: number;
  let p1: number;
  let others: number[];
  const held = async () => (await rows<{ id: number }>(`SELECT id FROM payouts WHERE seller_org_id = $1 AND status = 'held' ORDER BY id`, [orgId])).map((r) => r.id);

  beforeAll(async () => {
    orgId = await activeSeller(3);
    const make = () => db.prisma.payout.create({ data: { sellerOrgId: orgId, amount: 50_000, currency: 'USD', scheduledFor: new Date(Date.now() + 86_400_000) } });
    p1 = (await make()).id;
    await make();
    others = (await rows<{ id: number }>(`SELECT id FROM payouts WHERE seller_org_id = $1 AND status = 'scheduled' AND id <> $2 ORDER BY id`, [orgId, p1])).map((r) => r.id);
    expect(others.length).toBeGreaterThanOrEqual(1);
  });

  it('holds and releases one payout, and both shapes combine', async () => {
    // One payout's own hold.
    const hold = await act('risk', 'payout.hold', { type: 'payout', id: p1 }, { reasonCode: 'velocity_spike' });
    const { holdId } = await expectSucceeded(hold, 'payout.hold', { events: ['PayoutHoldApplied'], audited: [['payout', p1]] }) as { holdId: number };
    expect(await one('SELECT payout_id, seller_org_id, placed_by, released_at FROM payout_holds WHERE id = $1', [holdId]))
      .toEqual({ payout_id: p1, seller_org_id: orgId, placed_by: operatorIds.risk, released_at: null });
    expect(await held()).toEqual([p1]);
    expectRefused(await act('risk', 'payout.hold', { type: 'payout', id: p1 }, { reasonCode: 'velocity_spike' }), 'already_held');

    // Organization-wide: the rest of its scheduled payouts.
    const orgHold = await act('finance', 'payout.hold', { type: 'organization', id: orgId }, { reasonCode: 'negative_balance' });
    expect(await expectSucceeded(orgHold, 'payout.hold', { events: ['PayoutHoldApplied'], audited: others.map((id) => ['payout', id]) }))
      .toMatchObject({ scope: 'organization', heldPayoutIds: others });
    expect(await held()).toEqual([p1, ...others].sort((a, b) => a - b));
    expectRefused(await act('finance', 'payout.hold', { type: 'organization', id: orgId }, { reasonCode: 'negative_balance' }), 'already_held');

    // Releasing the payout's own hold under an open organization-wide hold leaves it held.
    const release = await act('risk', 'payout.release', { type: 'payout', id: p1 }, { reasonCode: 'review_complete' });
    expect(await expectSucceeded(release, 'payout.release', { events: ['PayoutHoldReleased'], audited: [['payout_hold', holdId]] }))
      .toMatchObject({ releasedHoldIds: [holdId], resumedPayoutIds: [], stillHeldPayoutIds: [p1] });
    expect(await one('SELECT released_by FROM payout_holds WHERE id = $1', [holdId])).toEqual({ released_by: operatorIds.risk });
    expectRefused(await act('risk', 'payout.release', { type: 'payout', id: p1 }, { reasonCode: 'review_complete' }), 'no_open_hold');

    // Releasing the organization-wide hold: every payout resumes, none has a hold of its own left.
    const orgRelease = await act('finance', 'payout.release', { type: 'organization', id: orgId }, { reasonCode: 'risk_mitigated' });
    expect(await expectSucceeded(orgRelease, 'payout.release', { events: ['PayoutHoldReleased'], audited: [['payout', p1]] }))
      .toMatchObject({ resumedPayoutIds: [p1, ...others].sort((a, b) => a - b), stillHeldPayoutIds: [] });
    expect(await held()).toEqual([]);
  });

  it('keeps a payout with its own hold held when the organization-wide hold is released', async () => {
    await expectSucceeded(await act('risk', 'payout.hold', { type: 'payout', id: p1 }, { reasonCode: 'dispute_pending' }), 'payout.hold', { events: ['PayoutHoldApplied'], audited: [['payout', p1]] });
    await expectSucceeded(await act('risk', 'payout.hold', { type: 'organization', id: orgId }, { reasonCode: 'chargeback_exposure' }), 'payout.hold', { events: ['PayoutHoldApplied'], audited: [] });
    const res = await act('risk', 'payout.release', { type: 'organization', id: orgId }, { reasonCode: 'risk_mitigated' });
    expect(await expectSucceeded(res, 'payout.release', { events: ['PayoutHoldReleased'], audited: [] })).toMatchObject({ resumedPayoutIds: others, stillHeldPayoutIds: [p1] });
    expect(await held()).toEqual([p1]);
    expectRefused(await act('risk', 'payout.release', { type: 'organization', id: orgId }, { reasonCode: 'risk_mitigated' }), 'no_open_hold');
    await expectSucceeded(await act('risk', 'payout.release', { type: 'payout', id: p1 }, { reasonCode: 'review_complete' }), 'payout.release', { events: ['PayoutHoldReleased'], audited: [['payout', p1]] });
    expect(await held()).toEqual([]);
  });

  it('refuses paid payouts and buyer organizations', async () => {
    const paid = await one<{ id: number }>(`SELECT id FROM payouts WHERE status = 'paid' ORDER BY id LIMIT 1`);
    expectRefused(await act('risk', 'payout.hold', { type: 'payout', id: paid.id }, { reasonCode: 'velocity_spike' }), 'payout_not_scheduled');
    const buyer = await one<{ id: number }>(`SELECT id FROM organizations WHERE kind = 'buyer' ORDER BY id LIMIT 1`);
    expectRefused(await act('risk', 'payout.hold', { type: 'organization', id: buyer.id }, { reasonCode: 'velocity_spike' }), 'not_a_seller');
  });
});

// ---- org.contain

describe('org.contain', () => {
  it('takes down every active listing, freezes the organization and holds its payouts, in one run', async () => {
    const orgId = (await one<{ id: number }>(
      `SELECT o.id FROM organizations o WHERE o.kind = 'seller' AND o.status = 'active'
         AND EXISTS (SELECT 1 FROM listings l WHERE l.seller_org_id = o.id AND l.status = 'active')
         AND EXISTS (SELECT 1 FROM payouts p WHERE p.seller_org_id = o.id AND p.status = 'scheduled')
         AND NOT EXISTS (SELECT 1 FROM payout_holds h WHERE h.seller_org_id = o.id AND h.released_at IS NULL)
       ORDER BY o.id DESC LIMIT 1`)).id;
    const listings = (await rows<{ id: number }>(`SELECT id FROM listings WHERE seller_org_id = $1 AND status = 'active' ORDER BY id`, [orgId])).map((r) => r.id);
    const payouts = (await rows<{ id: number }>(`SELECT id FROM payouts WHERE seller_org_id = $1 AND status = 'scheduled' ORDER BY id`, [orgId])).map((r) => r.id);

    const res = await act('risk', 'org.contain', { type: 'organization', id: orgId }, { reasonCode: 'fraud_ring', note: 'INC-2207' });
    const result = await expectSucceeded(res, 'org.contain', {
      events: [...listings.map(() => 'ListingTakedownApplied'), 'OrgFrozen', 'PayoutHoldApplied', 'EmergencyContainmentApplied'],
      audited: [['organization', orgId], ...listings.map((id) => ['listing', id] as [string, number]), ...payouts.map((id) => ['payout', id] as [string, number])],
    });
    expect(result).toMatchObject({ orgId, status: 'frozen', isNewlyFrozen: true, takenDownListingIds: listings, heldPayoutIds: payouts, payoutHoldId: expect.any(Number) });
    expect(await count(`SELECT count(*) AS n FROM listings WHERE seller_org_id = $1 AND status = 'active'`, [orgId])).toBe(0);
    expect(await one('SELECT DISTINCT takedown_reason FROM listings WHERE id = ANY($1)', [listings])).toEqual({ takedown_reason: 'fraud_ring: INC-2207' });
    expect(await statusOf('organizations', orgId)).toBe('frozen');
    expect(await count(`SELECT count(*) AS n FROM payout_holds WHERE seller_org_id = $1 AND payout_id IS NULL AND released_at IS NULL`, [orgId])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM payouts WHERE seller_org_id = $1 AND status = 'scheduled'`, [orgId])).toBe(0);

    expectRefused(await act('risk', 'org.contain', { type: 'organization', id: orgId }, { reasonCode: 'fraud_ring' }), 'already_contained');
    // Not undone piece by piece: a listing of a frozen seller is not reinstated (no approval asked).
    expectRefused(await act('risk', 'listing.reinstate', { type: 'listing', id: listings[0] }, { reasonCode: 'appeal_upheld' }), 'seller_not_active');
  });

  it('skips what is already in place: contains a frozen organization without freezing it again', async () => {
    const orgId = await activeSeller(4);
    await expectSucceeded(await act('risk', 'org.freeze', { type: 'organization', id: orgId }, { reasonCode: 'kyc_failure' }), 'org.freeze', { events: ['OrgFrozen'], audited: [['organization', orgId]] });
    const listings = (await rows<{ id: number }>(`SELECT id FROM listings WHERE seller_org_id = $1 AND status = 'active' ORDER BY id`, [orgId])).map((r) => r.id);
    const res = await act('risk', 'org.contain', { type: 'organization', id: orgId }, { reasonCode: 'counterfeit_wave' });
    const result = await expectSucceeded(res, 'org.contain', {
      events: [...listings.map(() => 'ListingTakedownApplied'), 'PayoutHoldApplied', 'EmergencyContainmentApplied'], audited: [],
    });
    expect(result).toMatchObject({ status: 'frozen', isNewlyFrozen: false, takenDownListingIds: listings });
    // The freeze keeps its own reason; the containment's is on the listings and the hold.
    expect(await one('SELECT freeze_reason FROM organizations WHERE id = $1', [orgId])).toEqual({ freeze_reason: 'kyc_failure' });
  });

  it('is forbidden without org.contain, and lists as an emergency action', async () => {
    expect((await act('finance', 'org.contain', { type: 'organization', id: 1 }, { reasonCode: 'fraud_ring' })).status).toBe(403);
    const { body } = await agents.risk.get('/api/actions');
    expect(body.items).toContainEqual(expect.objectContaining({ id: 'org.contain', isEmergency: true }));
    const refund = (await agents.support.get('/api/actions')).body.items.find((a: { id: string }) => a.id === 'order.refund');
    expect(refund.policy).toMatchObject({ approval: { approverPermission: 'refund.issue.over_limit', isConditional: true }, limits: { seeded: { support_agent: { USD: 10_000 } } } });
  });
});
