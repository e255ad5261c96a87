// GET /api/entities/{type}/{id}/timeline over real actions: refunds, freezes and suspensions run
// through the action runner over HTTP, a support note added in the backoffice, a flag change in the
// audit log. The projector is caught up after sealing (as the background one does within a second).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createAuditService } from '../src/audit/audit-service.js';
import { createOperator, createTestPlatformApp, credentials, TEST_AUDIT_KEY } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
type Platform = ReturnType<typeof createTestPlatformApp>;
type Item = { id: string; occurredAt: string; source: string; kind: string; subject: { type: string; id: string }; isLinked: boolean; actorOperatorId: number | null; actorName: string | null; data: Record<string, any> };

let db: TestDatabase;
let platform: Platform;
let audit: ReturnType<typeof createAuditService>;
const agents: Record<string, request.Agent> = {};
const ids: Record<string, number> = {};
let order: PaidOrder;

async function agentFor(role: string): Promise<request.Agent> {
  const op = await createOperator(db, { roles: [role] });
  ids[role] = op.id;
  const agent = request.agent(platform.app);
  await agent.post('/api/session').send(await credentials(op)).expect(200);
  return agent;
}

const act = (role: string, actionId: string, target: { type: string; id: number }, body: { input?: object; reasonCode: string; note?: string }) =>
  agents[role].post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID()).send({ target: { type: target.type, id: String(target.id) }, ...body });

/** Seal what is committed and project it: what the background sealer and projector do within a second. */
async function settle() {
  await audit.seal();
  await platform.timeline.projector.catchUp();
}

const timeline = async (role: string, type: string, id: number | string, query = '') => agents[role].get(`/api/entities/${type}/${id}/timeline${query}`);
const items = async (role: string, type: string, id: number | string): Promise<Item[]> => {
  const res = await timeline(role, type, id, '?limit=200');
  expect(res.status).toBe(200);
  return res.body.items;
};

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  platform = createTestPlatformApp(db, { audit });
  for (const role of ['support_agent', 'risk_agent', 'catalog_admin', 'hotline_operator']) agents[role] = await agentFor(role);
  order = await createPaidOrder(db, { amount: 8_000 });
  expect((await act('support_agent', 'order.refund', { type: 'order', id: order.orderId }, { input: { amount: { amount: 1_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' })).status).toBe(200);
  expect((await act('support_agent', 'order.refund', { type: 'order', id: order.orderId }, { input: { amount: { amount: 2_000, currency: 'USD' } }, reasonCode: 'item_damaged' })).status).toBe(200);
  expect((await act('risk_agent', 'org.freeze', { type: 'organization', id: order.sellerOrgId }, { reasonCode: 'suspected_fraud' })).status).toBe(200);
  await settle();
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

it('shows an order\'s events and operator actions, newest first', async () => {
  const list = await items('support_agent', 'order', order.orderId);
  expect(list.filter((i) => i.kind === 'RefundIssued')).toHaveLength(2);
  // The refunds' own audit rows (subject refund, with the operator's reason) reach the order as linked entries.
  const refundRows = list.filter((i) => i.source === 'audit' && i.kind === 'order.refund');
  expect(refundRows.map((i) => [i.subject.type, i.isLinked, i.data.reasonCode])).toEqual([['refund', true, 'item_damaged'], ['refund', true, 'goodwill_gesture']]);
  const agent = await db.prisma.operator.findUniqueOrThrow({ where: { id: ids.support_agent } });
  expect(refundRows[0]).toMatchObject({ actorOperatorId: agent.id, actorName: agent.name });
  const keys = list.map((i) => [i.occurredAt, BigInt(i.id)] as const);
  for (let i = 1; i < keys.length; i++) {
    expect(keys[i - 1][0] > keys[i][0] || (keys[i - 1][0] === keys[i][0] && keys[i - 1][1] > keys[i][1])).toBe(true);
  }
  // The second refund is the newest refund event.
  expect(list.find((i) => i.kind === 'RefundIssued')!.data.payload).toMatchObject({ reasonCode: 'item_damaged' });
  // The org freeze is about the seller, not copied down onto its orders.
  expect(list.some((i) => i.kind === 'OrgFrozen')).toBe(false);
});

it('puts the order\'s refund on its buyer, seller organization and payment', async () => {
  for (const [type, id] of [['customer_user', order.buyerUserId], ['organization', order.sellerOrgId], ['organization', order.buyerOrgId], ['payment', order.paymentId]] as const) {
    const list = await items('support_agent', type, id);
    const refunds = list.filter((i) => i.kind === 'RefundIssued');
    expect({ type, refunds: refunds.length }).toEqual({ type, refunds: 2 });
    expect(refunds[0]).toMatchObject({ isLinked: true, subject: { type: 'order', id: String(order.orderId) } });
  }
  const seller = await items('support_agent', 'organization', order.sellerOrgId);
  expect(seller.filter((i) => i.kind === 'OrgFrozen' && !i.isLinked)).toHaveLength(1);
  expect(seller[0].kind).toMatch(/^(OrgFrozen|org\.freeze)$/);
});

it('pages by keyset, stable while new entries arrive', async () => {
  const all = await items('support_agent', 'order', order.orderId);
  expect(all.length).toBeGreaterThan(3);
  const first = await timeline('support_agent', 'order', order.orderId, '?limit=2');
  expect(first.body.items.map((i: Item) => i.id)).toEqual(all.slice(0, 2).map((i) => i.id));
  // Meanwhile another refund lands: it is newer than everything, so it is not on the later pages.
  expect((await act('support_agent', 'order.refund', { type: 'order', id: order.orderId }, { input: { amount: { amount: 500, currency: 'USD' } }, reasonCode: 'goodwill_gesture' })).status).toBe(200);
  await settle();
  const seen: string[] = first.body.items.map((i: Item) => i.id);
  let cursor: string | null = first.body.nextCursor;
  while (cursor) {
    const page = await timeline('support_agent', 'order', order.orderId, `?limit=2&cursor=${cursor}`);
    expect(page.status).toBe(200);
    seen.push(...page.body.items.map((i: Item) => i.id));
    cursor = page.body.nextCursor;
  }
  expect(seen).toEqual(all.map((i) => i.id));
  expect((await items('support_agent', 'order', order.orderId)).filter((i) => i.kind === 'RefundIssued')).toHaveLength(3);
});

it('refuses what the operator may not see: 403 without the read permission, 404 for unknown entities, 422 for a bad cursor', async () => {
  const denied = await timeline('catalog_admin', 'order', order.orderId);
  expect(denied.status).toBe(403);
  expect(denied.body.code).toBe('forbidden');
  const { rows } = await db.pool.query(
    `SELECT note FROM audit.inbox WHERE operator_id = $1 AND action = 'access.denied' UNION ALL SELECT note FROM audit.events WHERE operator_id = $1 AND action = 'access.denied'`,
    [ids.catalog_admin],
  );
  expect(rows.map((r) => r.note)).toContain('timeline: missing permission order.read');
  expect((await timeline('support_agent', 'order', 2_000_000_000)).status).toBe(404);
  expect((await timeline('support_agent', 'order', 'abc')).status).toBe(404);
  expect((await timeline('support_agent', 'no_such_type', 1)).body.code).toBe('not_found');
  const badCursor = await timeline('support_agent', 'order', order.orderId, '?cursor=bm90LWEtY3Vyc29y');
  expect(badCursor.status).toBe(422);
  expect(badCursor.body.code).toBe('validation_failed');
  expect((await timeline('support_agent', 'order', order.orderId, '?limit=0')).status).toBe(422);
  expect((await timeline('support_agent', 'order', order.orderId, '?limit=5&extra=1')).status).toBe(422);
});

it('leaves out linked entries about subjects the operator may not read', async () => {
  // A Hotline Operator reads orders and customers but not payments: the refunds' and the payment's
  // own rows are not shown, the order's RefundIssued is.
  const hotline = await items('hotline_operator', 'order', order.orderId);
  expect(hotline.filter((i) => i.kind === 'RefundIssued').length).toBeGreaterThan(0);
  expect(hotline.filter((i) => ['refund', 'payment', 'ledger_entry'].includes(i.subject.type))).toEqual([]);
  // A Catalog Admin reads organizations but not orders: nothing about the order reaches them there.
  const seller = await items('catalog_admin', 'organization', order.sellerOrgId);
  expect(seller.some((i) => i.kind === 'OrgFrozen')).toBe(true);
  expect(seller.filter((i) => i.subject.type !== 'organization')).toEqual([]);
});

it('masks personal data in summaries without pii.read', async () => {
  expect((await act('risk_agent', 'customer_user.suspend', { type: 'customer_user', id: order.buyerUserId }, { reasonCode: 'suspected_fraud' })).status).toBe(200);
  // A whole-record snapshot, as a creation is audited: the customer's email is in it.
  const user = await db.prisma.customerUser.findUniqueOrThrow({ where: { id: order.buyerUserId } });
  await audit.appendStandalone({ actor: { operatorId: null, roles: [] }, action: 'customer_user.imported', entityType: 'customer_user', entityId: String(user.id), after: { email: user.email, name: user.name }, outcome: 'succeeded' });
  await settle();
  const find = async (role: string, kind: string) => (await items(role, 'customer_user', user.id)).find((i) => i.source === 'audit' && i.kind === kind)!;
  expect((await find('risk_agent', 'customer_user.imported')).data.after).toEqual({ email: user.email, name: user.name });
  const masked = (await find('support_agent', 'customer_user.imported')).data.after;
  expect(masked.email).not.toBe(user.email);
  expect(masked.email).toMatch(/•••/);
  expect(masked.name).toMatch(/•••/);
  expect((await find('support_agent', 'customer_user.suspend')).data.after.status).toBe('suspended');
});

it('shows support notes on the case\'s order, and flag changes on the flag', async () => {
  const supportCase = await db.prisma.supportCase.create({
    data: { subject: 'Where is my parcel', orderId: order.orderId, organizationId: order.buyerOrgId, slaFirstResponseDueAt: new Date(Date.now() + 86_400_000) },
  });
  // Notes are written only through the case.add_note action (plugins/marketplace/actions/case-add-note.ts).
  await act('support_agent', 'case.add_note', { type: 'support_case', id: supportCase.id }, { input: { body: 'Called the carrier.' }, reasonCode: 'case_update' }).expect(200);
  await audit.appendStandalone({ actor: { operatorId: null, roles: [] }, action: 'flag.updated', entityType: 'flag', entityId: 'marketplace.refunds', after: { enabled: false }, outcome: 'succeeded' });
  await settle();

  const notes = (await items('support_agent', 'order', order.orderId)).filter((i) => i.kind === 'SupportNoteAdded');
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatchObject({ source: 'marketplace.notes', isLinked: true, subject: { type: 'support_case', id: String(supportCase.id) }, data: { body: 'Called the carrier.' } });
  expect((await items('support_agent', 'organization', order.buyerOrgId)).some((i) => i.kind === 'SupportNoteAdded')).toBe(true);
  // Without support_case.read (a Catalog Admin) the note does not reach the organization's timeline.
  expect((await items('catalog_admin', 'organization', order.buyerOrgId)).some((i) => i.kind === 'SupportNoteAdded')).toBe(false);
  expect((await items('catalog_admin', 'flag', 'marketplace.refunds')).map((i) => i.kind)).toContain('flag.updated');
});

it('scopes the timeline to the impersonated customer\'s organization', async () => {
  const other = await createPaidOrder(db);
  const operator = { id: ids.support_agent, email: 'x', name: 'x', roles: ['support_agent'], permissions: ['order.read', 'customer.read', 'payment.read'] };
  const impersonation = { id: randomUUID(), operatorId: ids.support_agent, targetUserId: order.buyerUserId, targetOrgId: order.buyerOrgId, reasonCode: 'other', ticketId: null, startedAt: '', expiresAt: '' };
  const service = platform.timeline.service;
  const own = await service.list({ type: 'order', id: String(order.orderId), limit: 5, operator: operator as never, impersonation });
  expect(own.items.length).toBeGreaterThan(0);
  await expect(service.list({ type: 'order', id: String(other.orderId), limit: 5, operator: operator as never, impersonation })).rejects.toMatchObject({ status: 404 });
  expect(await service.recent({ type: 'order', id: String(other.orderId), operator: operator as never, impersonation })).toEqual([]);
  expect((await service.recent({ type: 'order', id: String(order.orderId), limit: 2, operator: operator as never })).length).toBe(2);
});

it('shows an approval request on the order it would refund, and no access denials', async () => {
  // Above the Support Agent's $100 limit: a request for a second person's approval, not a refund.
  const big = await createPaidOrder(db, { amount: 50_000 });
  const res = await act('support_agent', 'order.refund', { type: 'order', id: big.orderId }, { input: { amount: { amount: 20_000, currency: 'USD' } }, reasonCode: 'item_damaged' });
  expect(res.status).toBe(202);
  expect((await timeline('catalog_admin', 'order', big.orderId)).status).toBe(403);
  await settle();
  const list = await items('support_agent', 'order', big.orderId);
  const requested = list.find((i) => i.kind === 'approval.requested')!;
  expect(requested).toMatchObject({ isLinked: true, subject: { type: 'approval', id: res.body.approval.id }, data: { reasonCode: 'item_damaged' } });
  expect(list.some((i) => i.kind === 'access.denied')).toBe(false);
});
