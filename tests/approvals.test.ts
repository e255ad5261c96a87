// Four eyes over HTTP: the refund limit (100.00 USD runs for a Support Agent, 100.01 asks for
// approval), self-approval refused, the approver's permission required, one deny ends a request,
// expiry honoured, a tampered payload refused, and an approved request executing exactly once even
// when two approvers race.
import request from 'supertest';
import type { Express } from 'express';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import type { ActionServices } from '../src/actions/action-services.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let services: ActionServices;

const login = (roles: string[]) => loginAs(app, db, roles);

let keys = 0;
const post = (agent: request.Agent, path: string, body: object = {}) => agent.post(path).set('Idempotency-Key', `k-${(keys += 1)}`).send(body);
const refund = (orderId: number, amount: number) => ({ target: { type: 'order', id: String(orderId) }, input: { amount: { amount, currency: 'USD' } }, reasonCode: 'item_damaged' });
const refundsOf = (orderId: number) => db.prisma.refund.count({ where: { orderId } });

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, actions: services } = createTestPlatformApp(db));
});
afterAll(async () => {
  await db.drop();
});

describe('refund limits', () => {
  it('runs 100.00 USD for a Support Agent at once and sends 100.01 USD for approval', async () => {
    const support = await login(['support_agent']);
    const order = await createPaidOrder(db);
    const atLimit = await post(support.agent, '/api/actions/order.refund', refund(order.orderId, 10_000)).expect(200);
    expect(atLimit.body.run).toMatchObject({ status: 'succeeded' });
    const over = await post(support.agent, '/api/actions/order.refund', refund(order.orderId, 10_001)).expect(202);
    expect(over.body.approval).toMatchObject({
      status: 'pending', actionId: 'order.refund', approverPermission: 'refund.issue.over_limit', approvalsRequired: 1,
      payload: { target: { type: 'order', id: String(order.orderId) }, input: { amount: { amount: 10_001, currency: 'USD' } }, reasonCode: 'item_damaged' },
      payloadHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      policyReason: expect.stringContaining('100.01 USD'),
    });
    expect(await refundsOf(order.orderId)).toBe(1);
  });

  it('follows the role limit as data: raising it lets the same refund run', async () => {
    await db.pool.query(`UPDATE roles SET limits = '{"order.refund": {"USD": 20000}}' WHERE key = 'support_agent'`);
    try {
      const support = await login(['support_agent']);
      const order = await createPaidOrder(db);
      await post(support.agent, '/api/actions/order.refund', refund(order.orderId, 15_000)).expect(200);
    } finally {
      await db.pool.query(`UPDATE roles SET limits = '{"order.refund": {"USD": 10000}}' WHERE key = 'support_agent'`);
    }
  });
});

describe('deciding', () => {
  let support: Awaited<ReturnType<typeof login>>;
  let finance: Awaited<ReturnType<typeof login>>;
  beforeAll(async () => {
    support = await login(['support_agent', 'hotline_supervisor']); // can decide some requests, never its own
    finance = await login(['finance_admin']);
  });

  async function requestOverLimit(amount = 15_000) {
    const order = await createPaidOrder(db);
    const res = await post(support.agent, '/api/actions/order.refund', refund(order.orderId, amount)).expect(202);
    return { order, approvalId: res.body.approval.id as string };
  }

  it('refuses self-approval with 403 self_approval_forbidden, and audits the attempt', async () => {
    const { order, approvalId } = await requestOverLimit();
    const res = await support.agent.post(`/api/approvals/${approvalId}/approve`).send({ note: 'me' }).expect(403);
    expect(res.body).toMatchObject({ code: 'self_approval_forbidden', status: 403 });
    const audited = await db.pool.query(`SELECT outcome FROM audit.inbox WHERE action = 'approval.approve' AND entity_id = $1`, [approvalId]);
    expect(audited.rows).toEqual([{ outcome: 'denied' }]);
    expect(await refundsOf(order.orderId)).toBe(0);
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe('pending');
  });

  it('needs the request\'s approver permission besides approval.decide', async () => {
    const { approvalId } = await requestOverLimit();
    const catalog = await login(['catalog_admin']); // approval.decide, but not refund.issue.over_limit
    expect((await catalog.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(403)).body.code).toBe('forbidden');
    // Nor can it see the request.
    await catalog.agent.get(`/api/approvals/${approvalId}`).expect(404);
  });

  it('executes the stored payload exactly once when approved, even with two approvers racing', async () => {
    const { order, approvalId } = await requestOverLimit(12_345);
    const other = await login(['finance_admin']);
    const inbox = await finance.agent.get('/api/approvals?view=for_me').expect(200);
    expect(inbox.body.items.map((a: { id: string }) => a.id)).toContain(approvalId);
    const shown = await finance.agent.get(`/api/approvals/${approvalId}`).expect(200);
    expect(shown.body.approval.payload.input.amount.amount).toBe(12_345);

    const [a, b] = await Promise.all([
      finance.agent.post(`/api/approvals/${approvalId}/approve`).send({ note: 'ok' }),
      other.agent.post(`/api/approvals/${approvalId}/approve`).send({ note: 'ok too' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a : b;
    expect(winner.body.approval).toMatchObject({ status: 'approved', runId: expect.any(String) });
    expect(winner.body).toMatchObject({ run: { status: 'succeeded', approvalId }, problem: null });
    expect((a.status === 409 ? a : b).body.code).toBe('approval_approved');
    expect(await db.prisma.refund.findMany({ where: { orderId: order.orderId }, select: { amount: true } })).toEqual([{ amount: 12_345 }]);
    const run = await db.prisma.actionRun.findUniqueOrThrow({ where: { id: winner.body.approval.runId } });
    expect(run).toMatchObject({ operatorId: support.id, approvalId, status: 'succeeded' });

    // Executing again (the sweep, a retry of the decision) replays, never refunds twice.
    await services.approvals.executeApproved(approvalId);
    expect(await refundsOf(order.orderId)).toBe(1);
    expect((await support.agent.get('/api/approvals?view=mine&status=approved').expect(200)).body.items.map((x: { id: string }) => x.id)).toContain(approvalId);
  });

  it('ends a request on one deny', async () => {
    const { order, approvalId } = await requestOverLimit();
    const denied = await finance.agent.post(`/api/approvals/${approvalId}/deny`).send({ note: 'no evidence' }).expect(200);
    expect(denied.body).toMatchObject({ approval: { status: 'denied', decisions: [{ decision: 'deny', note: 'no evidence' }] }, run: null, problem: null });
    const other = await login(['finance_admin']);
    expect((await other.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(409)).body.code).toBe('approval_denied');
    expect(await refundsOf(order.orderId)).toBe(0);
  });

  it('honours expiry: an expired request takes no decision and lists as expired', async () => {
    const { order, approvalId } = await requestOverLimit();
    await db.pool.query(`UPDATE approval_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [approvalId]);
    expect((await finance.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(409)).body.code).toBe('approval_expired');
    expect((await finance.agent.get('/api/approvals?status=expired').expect(200)).body.items.map((a: { id: string }) => a.id)).toContain(approvalId);
    expect(await refundsOf(order.orderId)).toBe(0);
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe('expired');
  });

  it('refuses a payload changed after the request: nothing executes', async () => {
    const { order, approvalId } = await requestOverLimit(11_000);
    await db.pool.query(`UPDATE approval_requests SET payload = jsonb_set(payload::jsonb, '{input,amount,amount}', '24000')::json WHERE id = $1`, [approvalId]);
    const res = await finance.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(200);
    expect(res.body).toMatchObject({ run: null, problem: { status: 409, code: 'approval_payload_mismatch', runId: expect.any(String) } });
    expect(await refundsOf(order.orderId)).toBe(0);
  });

  it('sweeps: expires stale requests and executes an approved request a crash left without a run, once', async () => {
    const stale = await requestOverLimit();
    const orphan = await requestOverLimit(13_000);
    await db.pool.query(`UPDATE approval_requests SET expires_at = now() - interval '1 minute' WHERE id = $1`, [stale.approvalId]);
    // As if the process died between the approving decision's commit and the execution.
    await db.pool.query(`UPDATE approval_requests SET status = 'approved', decided_at = now() WHERE id = $1`, [orphan.approvalId]);
    const swept = await services.approvals.sweep();
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(swept.resumed).toBeGreaterThanOrEqual(1);
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: stale.approvalId } })).status).toBe('expired');
    expect(await db.prisma.refund.findMany({ where: { orderId: orphan.order.orderId }, select: { amount: true } })).toEqual([{ amount: 13_000 }]);
    await services.approvals.sweep();
    expect(await refundsOf(orphan.order.orderId)).toBe(1);
  });

  it('validates ids and bodies', async () => {
    await finance.agent.post('/api/approvals/not-a-uuid/approve').send({}).expect(404);
    await finance.agent.post('/api/approvals/00000000-0000-4000-8000-000000000000/approve').send({}).expect(404);
    const { approvalId } = await requestOverLimit();
    expect((await finance.agent.post(`/api/approvals/${approvalId}/approve`).send({ note: 'x'.repeat(2001) }).expect(422)).body.code).toBe('validation_failed');
    await finance.agent.get('/api/approvals?view=everything').expect(422);
  });
});

describe('always-approve actions', () => {
  it('sends org.unfreeze to a second risk agent, who executes it', async () => {
    const riskA = await login(['risk_agent']);
    const riskB = await login(['risk_agent']);
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Frozen Co' } });
    const target = { target: { type: 'organization', id: String(org.id) } };
    await post(riskA.agent, '/api/actions/org.freeze', { ...target, reasonCode: 'suspected_fraud' }).expect(200);
    const asked = await post(riskA.agent, '/api/actions/org.unfreeze', { ...target, reasonCode: (await unfreezeReason()) }).expect(202);
    const approvalId = asked.body.approval.id;
    expect((await riskA.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(403)).body.code).toBe('self_approval_forbidden');
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('frozen');
    await riskB.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(200);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('active');
    expect(await db.prisma.domainEvent.count({ where: { entityType: 'organization', entityId: String(org.id), name: 'OrgUnfrozen' } })).toBe(1);
  });
});

async function unfreezeReason(): Promise<string> {
  return services.runner.get('org.unfreeze')!.reasonCodes[0]!;
}
