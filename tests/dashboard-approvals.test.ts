// The dashboard's "pending approvals" figure counts exactly what its drill-down shows the same
// operator: the inbox's "pending for me" (GET /api/approvals?view=for_me, and the backoffice list
// at the figure's href), one query for both (src/approvals/approval-routes.ts countPendingForMe).
// Two approvers with different approver permissions, with requests of their own, requests they
// cannot decide, an expired one, one they already decided, and a decided one.
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { createApproval } from '../src/approvals/approval-store.js';
import { createOperator, createTestPlatformApp, credentials, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';

type Agent = Awaited<ReturnType<typeof loginAs>>['agent'];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  platform = createTestPlatformApp(db);
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

/** A request as the runner stores it, by `by`, that `approverPermission` may decide. */
async function request({ by, roles, approverPermission, approvals = 1, hoursAgo = 0 }: { by: number; roles: string[]; approverPermission: string; approvals?: number; hoursAgo?: number }) {
  const now = new Date(Date.now() - hoursAgo * 3_600_000);
  const approval = await createApproval(db.prisma as unknown as Parameters<typeof createApproval>[0], {
    actionId: approverPermission === 'org.unfreeze' ? 'org.unfreeze' : 'order.refund',
    actor: { operatorId: by, roles, permissions: [], impersonatedUserId: null },
    payload: { target: { type: 'organization', id: '1' }, input: {}, reasonCode: 'other', note: null },
    reason: 'test', approvalsRequired: approvals, approverPermission, now,
  });
  return approval.id;
}

async function adminAgent(roles: string[]) {
  const operator = await createOperator(db, { roles });
  const agent = supertest.agent(platform.app);
  await agent.post('/admin/login').type('form').send(await credentials(operator)).expect(302);
  return { agent, id: operator.id };
}

const figure = async (agent: Agent) => {
  const { figures } = (await agent.get('/api/dashboard').expect(200)).body as { figures: { id: string; value: number | null; href: string }[] };
  return figures.find((f) => f.id === 'core.approvals.pending')!;
};
const inbox = async (agent: Agent) => ((await agent.get('/api/approvals?view=for_me&limit=200').expect(200)).body.items as { id: string }[]).map((a) => a.id).sort();
/** The backoffice list the figure's href opens, through AdminJS's own API. */
async function drillDown(agent: Agent, href: string) {
  const url = new URL(href, 'http://x');
  const query = Object.fromEntries(url.searchParams);
  const res = await agent.get(`/admin/api/resources/ApprovalRequest/actions/list`).query({ ...query, perPage: 200 }).expect(200);
  return { total: res.body.meta.total as number, ids: (res.body.records as { id: string }[]).map((r) => r.id).sort() };
}

it('counts exactly the inbox\'s "pending for me" for each operator, as its drill-down lists them', async () => {
  const finance = await adminAgent(['finance_admin']); // approval.decide + refund.issue.over_limit
  const risk = await adminAgent(['risk_agent']); // approval.decide + org.unfreeze, not refund.issue.over_limit
  const support = await createOperator(db, { roles: ['support_agent'] });

  // A real request through the runner: a refund above the Support Agent's limit.
  const order = await createPaidOrder(db, { amount: 50_000 });
  const supportAgent = await loginAs(platform.app, db, ['support_agent']);
  const refund = await supportAgent.agent.post('/api/actions/order.refund').set('Idempotency-Key', randomUUID())
    .send({ target: { type: 'order', id: String(order.orderId) }, input: { amount: { amount: 20_000, currency: 'USD' } }, reasonCode: 'item_damaged' }).expect(202);
  const forFinance = refund.body.approval.id as string;

  const financeOwn = await request({ by: finance.id, roles: ['finance_admin'], approverPermission: 'refund.issue.over_limit' });
  const forRisk = await request({ by: support.id, roles: ['support_agent'], approverPermission: 'org.unfreeze' });
  const expired = await request({ by: support.id, roles: ['support_agent'], approverPermission: 'org.unfreeze', hoursAgo: 30 });
  // Two approvals needed, risk has given one: it waits on someone else now.
  const decidedByRisk = await request({ by: support.id, roles: ['support_agent'], approverPermission: 'org.unfreeze', approvals: 2 });
  await db.prisma.approvalDecision.create({ data: { approvalId: decidedByRisk, operatorId: risk.id, decision: 'approve' } });
  const denied = await request({ by: support.id, roles: ['support_agent'], approverPermission: 'refund.issue.over_limit' });
  await db.prisma.approvalRequest.update({ where: { id: denied }, data: { status: 'denied', decidedAt: new Date() } });

  const expected = { finance: [forFinance], risk: [forRisk] };
  // The minute job has run too: the figure is still the reader's own.
  await platform.dashboard.refresh.refresh();
  for (const [who, { agent }] of [['finance', finance], ['risk', risk]] as const) {
    const ids = await inbox(agent);
    expect([who, ids]).toEqual([who, expected[who].sort()]);
    const shown = await figure(agent);
    expect([who, shown.value]).toEqual([who, ids.length]);
    const listed = await drillDown(agent, shown.href);
    expect([who, listed.total, listed.ids]).toEqual([who, ids.length, ids]);
  }
  // What the figure no longer counts: every pending request's total (the old figure) was 4 here.
  const pendingAnywhere = await db.prisma.approvalRequest.count({ where: { status: 'pending', expiresAt: { gt: new Date() } } });
  expect(pendingAnywhere).toBe(4);
  expect([financeOwn, expired].some((id) => expected.finance.includes(id) || expected.risk.includes(id))).toBe(false);

  // The figure follows a decision at once (it is counted when read, not by the minute job).
  await risk.agent.post(`/api/approvals/${forRisk}/deny`).send({ note: 'no' }).expect(200);
  expect((await figure(risk.agent)).value).toBe(0);
});
