// The backoffice face of actions, approvals and runs, over HTTP as the AdminJS screens call it: the
// action buttons (derived from the actions, each with its own permission) run the same runner as
// POST /api/actions with the record as target and answer with a notice; the Approvals inbox and
// Runs & exceptions show each operator only their rows, in lists, show pages, search and bulk
// selections; Approve / Deny and Retry call the same services as the API.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestPlatformApp, credentials } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { createAuditRecorder } from './support/audit-recorder.js';
import { Filter } from 'adminjs';
import { plugins } from '../plugins/index.js';
import { createAdmin } from '../src/admin/create-admin.js';
import { createOperatorAuth } from '../src/auth/operator-auth.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';

type Agent = ReturnType<typeof request.agent>;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;

async function login(roles: string[]): Promise<{ agent: Agent; id: number }> {
  const operator = await createOperator(db, { roles });
  const agent = request.agent(app);
  await agent.post('/admin/login').type('form').send(await credentials(operator)).expect(302);
  return { agent, id: operator.id };
}

let keys = 0;
const newKey = () => `ui-key-${(keys += 1)}`;
const resourceApi = (resource: string) => `/admin/api/resources/${resource}`;
/** What the action form posts: the request as JSON and the form's Idempotency-Key. */
const submit = (agent: Agent, resource: string, id: string | number, action: string, body: object, key = newKey()) =>
  agent.post(`${resourceApi(resource)}/records/${id}/${action}`).send({ actionRequest: JSON.stringify(body), idempotencyKey: key });
const decide = (agent: Agent, approvalId: string, decision: 'approve' | 'deny', note = '') =>
  agent.post(`${resourceApi('ApprovalRequest')}/records/${approvalId}/${decision}`).send({ note, idempotencyKey: newKey() });

const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0].n);
const auditCount = (action: string, entityType: string, entityId: string, outcome: string) =>
  count(
    `SELECT count(*) AS n FROM (SELECT action, entity_type, entity_id, outcome FROM audit.inbox UNION ALL SELECT action, entity_type, entity_id, outcome FROM audit.events) l
     WHERE action = $1 AND entity_type = $2 AND entity_id = $3 AND outcome = $4`,
    [action, entityType, entityId, outcome],
  );

async function newOrg(status: 'active' | 'frozen' = 'active') {
  return db.prisma.organization.create({ data: { kind: 'seller', name: `Org ${(keys += 1)}`, status } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app } = createTestPlatformApp(db));
});
afterAll(async () => {
  await db.drop();
});

describe('action buttons on records', () => {
  it('are the actions targeting the resource, each offered only with its permission', async () => {
    const org = await newOrg();
    const risk = await login(['risk_agent']);
    const show = await risk.agent.get(`${resourceApi('Organization')}/records/${org.id}/show`).expect(200);
    const names = show.body.record.recordActions.map((a: { name: string }) => a.name);
    expect(names).toEqual(expect.arrayContaining(['org-freeze', 'org-unfreeze', 'payout-hold', 'payout-release', 'risk_flag-raise', 'org-contain']));
    const freeze = show.body.record.recordActions.find((a: { name: string }) => a.name === 'org-freeze');
    expect(freeze.custom).toMatchObject({ actionId: 'org.freeze', title: 'Freeze organization', reasonCodes: expect.arrayContaining(['suspected_fraud']), inputSchema: { type: 'object' } });

    // A support agent holds none of those: no buttons, and a direct call is a recorded 403.
    const support = await login(['support_agent']);
    const theirs = await support.agent.get(`${resourceApi('Organization')}/records/${org.id}/show`).expect(200);
    expect(theirs.body.record.recordActions.map((a: { name: string }) => a.name)).not.toContain('org-freeze');
    const denied = await submit(support.agent, 'Organization', org.id, 'org-freeze', { reasonCode: 'suspected_fraud' });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden', notice: { type: 'error' } });
    expect(await auditCount('access.denied', 'Organization', String(org.id), 'denied')).toBe(1);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('active');
  });

  it('run the action through the runner on the record, audited, and answer with a notice and the show page', async () => {
    const org = await newOrg();
    const risk = await login(['risk_agent']);
    const key = newKey();
    const res = await submit(risk.agent, 'Organization', org.id, 'org-freeze', { input: {}, reasonCode: 'suspected_fraud', note: 'chargeback ring' }, key).expect(200);
    expect(res.body.notice).toEqual({ type: 'success', message: expect.stringMatching(/^Freeze organization: done \(run [0-9a-f-]{36}\)\.$/) });
    expect(res.body.outcome).toMatchObject({ status: 200, isDone: true, isKeySpent: true });
    expect(res.body.redirectUrl).toBe(`/admin/resources/Organization/records/${org.id}/show`);
    expect(res.body.record.params.status).toBe('frozen');

    const after = await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
    expect(after).toMatchObject({ status: 'frozen', frozenBy: risk.id, freezeReason: 'suspected_fraud: chargeback ring' });
    const run = await db.prisma.actionRun.findUniqueOrThrow({ where: { id: res.body.outcome.runId } });
    expect(run).toMatchObject({ actionId: 'org.freeze', status: 'succeeded', operatorId: risk.id, targetType: 'organization', targetId: String(org.id), reasonCode: 'suspected_fraud' });
    expect(await auditCount('org.freeze', 'organization', String(org.id), 'succeeded')).toBe(1);

    // A double submit (same form, same key) replays the first answer: one run, one change.
    const again = await submit(risk.agent, 'Organization', org.id, 'org-freeze', { input: {}, reasonCode: 'suspected_fraud', note: 'chargeback ring' }, key).expect(200);
    expect(again.body.notice.message).toContain(run.id);
    expect(again.body.notice.message).toContain('already sent');
    expect(await db.prisma.actionRun.count({ where: { actionId: 'org.freeze', targetId: String(org.id) } })).toBe(1);
  });

  it('take the target from the record, never from the form', async () => {
    const [org, other] = [await newOrg(), await newOrg()];
    const risk = await login(['risk_agent']);
    await submit(risk.agent, 'Organization', org.id, 'org-freeze', { target: { type: 'organization', id: String(other.id) }, reasonCode: 'kyc_failure' }).expect(200);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('frozen');
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('active');
  });

  it('answer a refusal, a missing reason or a bad input with an error notice, and keep the form open', async () => {
    const risk = await login(['risk_agent']);
    const frozen = await newOrg('frozen');
    const refused = await submit(risk.agent, 'Organization', frozen.id, 'org-freeze', { reasonCode: 'suspected_fraud' }).expect(200);
    expect(refused.body.notice).toEqual({ type: 'error', message: expect.stringMatching(/^Freeze organization: Organization \d+ is already frozen .*\(run [0-9a-f-]{36}\)$/) });
    expect(refused.body.outcome).toMatchObject({ status: 409, code: 'already_frozen', isDone: false, isKeySpent: true });
    expect(refused.body.redirectUrl).toBeUndefined();

    const org = await newOrg();
    const noReason = await submit(risk.agent, 'Organization', org.id, 'org-freeze', { input: {} }).expect(200);
    expect(noReason.body.outcome).toMatchObject({ status: 422, code: 'validation_failed', isDone: false });
    expect(noReason.body.notice.message).toMatch(/reasonCode/);
    const badReason = await submit(risk.agent, 'Organization', org.id, 'org-freeze', { reasonCode: 'because' }).expect(200);
    expect(badReason.body.notice.message).toMatch(/accepts chargeback_rate, suspected_fraud/);
    const noKey = await risk.agent.post(`${resourceApi('Organization')}/records/${org.id}/org-freeze`).send({ actionRequest: JSON.stringify({ reasonCode: 'kyc_failure' }) }).expect(200);
    expect(noKey.body.outcome).toMatchObject({ status: 400, code: 'idempotency_key_missing' });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('active');
  });

  it('send a refund over the role limit for approval, with the policy\'s reason', async () => {
    const order = await createPaidOrder(db, { amount: 50_000 });
    const support = await login(['support_agent']);
    const res = await submit(support.agent, 'Order', order.orderId, 'order-refund', { input: { amount: { amount: 15_000, currency: 'USD' } }, reasonCode: 'item_damaged' }).expect(200);
    expect(res.body.notice).toEqual({ type: 'info', message: expect.stringMatching(/^Refund order: sent for approval \(request [0-9a-f-]{36}\): refund of 150\.00 USD is above your limit of 100\.00 USD\.$/) });
    expect(res.body.outcome).toMatchObject({ status: 202, isDone: true });
    expect(await db.prisma.approvalRequest.count({ where: { id: res.body.outcome.approvalId, requestedBy: support.id, status: 'pending' } })).toBe(1);
    expect(await db.prisma.refund.count({ where: { orderId: order.orderId } })).toBe(0);
  });

  it('offer bulk forms where the resource lists them, with the selection and the bulk API', async () => {
    const org = await newOrg();
    const listings = await Promise.all([1, 2].map((n) => db.prisma.listing.create({ data: { sellerOrgId: org.id, title: `Bulk ${n}`, priceAmount: 1000, currency: 'USD' } })));
    const risk = await login(['risk_agent']);
    const res = await risk.agent.get(`${resourceApi('Listing')}/bulk/listing-takedown-bulk`).query({ recordIds: listings.map((l) => l.id).join(',') }).expect(200);
    expect(res.body.records.map((r: { id: number }) => r.id).sort()).toEqual(listings.map((l) => l.id).sort());
    const list = await risk.agent.get(`${resourceApi('Listing')}/actions/list`).expect(200);
    const bulk = list.body.records[0].bulkActions.map((a: { name: string; custom: { bulkUrl: string } }) => [a.name, a.custom.bulkUrl]);
    expect(bulk).toEqual(expect.arrayContaining([['listing-takedown-bulk', '/api/actions/listing.takedown/bulk'], ['risk_flag-raise-bulk', '/api/actions/risk_flag.raise/bulk']]));
    const support = await login(['support_agent']);
    await support.agent.get(`${resourceApi('Listing')}/bulk/listing-takedown-bulk`).query({ recordIds: String(listings[0].id) }).expect(403);
  });
});

describe('the Approvals inbox', () => {
  let support: Awaited<ReturnType<typeof login>>;
  let finance: Awaited<ReturnType<typeof login>>;
  let catalog: Awaited<ReturnType<typeof login>>;
  let approvalId: string;
  let orderId: number;

  beforeAll(async () => {
    support = await login(['support_agent']);
    finance = await login(['finance_admin']);
    // Decides requests (approval.decide), but not refunds over the limit.
    catalog = await login(['catalog_admin']);
    const order = await createPaidOrder(db, { amount: 40_000 });
    orderId = order.orderId;
    const res = await submit(support.agent, 'Order', orderId, 'order-refund', { input: { amount: { amount: 20_000, currency: 'USD' } }, reasonCode: 'item_damaged', note: 'box crushed' }).expect(200);
    approvalId = res.body.outcome.approvalId;
  });

  const listIds = async (agent: Agent, query: Record<string, string> = {}) =>
    (await agent.get(`${resourceApi('ApprovalRequest')}/actions/list`).query({ perPage: 100, ...query }).expect(200)).body.records.map((r: { id: string }) => r.id);

  it('lists a request to its requester and to those who may decide it, and to nobody else, in lists, show, search and selections', async () => {
    expect(await listIds(support.agent)).toContain(approvalId);
    expect(await listIds(finance.agent)).toContain(approvalId);
    expect(await listIds(catalog.agent)).not.toContain(approvalId);

    const shown = await finance.agent.get(`${resourceApi('ApprovalRequest')}/records/${approvalId}/show`).expect(200);
    expect(shown.body.record.params).toMatchObject({
      actionId: 'order.refund', status: 'pending', payloadHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      'payload.input.amount.amount': 20_000, 'payload.reasonCode': 'item_damaged', 'payload.note': 'box crushed', decisions: 'none yet',
    });

    // Whatever the route: the row does not exist for someone outside.
    const hidden = await catalog.agent.get(`${resourceApi('ApprovalRequest')}/records/${approvalId}/show`);
    expect(hidden.body.record?.params?.payloadHash).toBeUndefined();
    expect(JSON.stringify(hidden.body)).not.toContain('box crushed');
    const search = await catalog.agent.get(`${resourceApi('ApprovalRequest')}/actions/search/${approvalId}`).query({ searchProperty: 'id' }).expect(200);
    expect(search.body.records).toEqual([]);
    expect(await listIds(catalog.agent, { 'filters.id': approvalId })).toEqual([]);
    const decideHidden = await decide(catalog.agent, approvalId, 'approve');
    expect(JSON.stringify(decideHidden.body)).not.toContain('box crushed');
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe('pending');
  });

  it('has quick views: pending for me, mine, decided', async () => {
    const view = await finance.agent.get(`${resourceApi('ApprovalRequest')}/actions/pendingForMe`).expect(200);
    expect(view.body.redirectUrl).toBe('/admin/resources/ApprovalRequest?filters.view=for_me');
    expect(await listIds(finance.agent, { 'filters.view': 'for_me' })).toContain(approvalId);
    // One's own request is never "for me", and is "mine".
    expect(await listIds(support.agent, { 'filters.view': 'for_me' })).not.toContain(approvalId);
    expect(await listIds(support.agent, { 'filters.view': 'mine' })).toContain(approvalId);
    expect(await listIds(finance.agent, { 'filters.view': 'mine' })).not.toContain(approvalId);
    expect(await listIds(finance.agent, { 'filters.view': 'decided' })).not.toContain(approvalId);
    expect(await listIds(finance.agent, { 'filters.view': 'everything' })).toEqual([]);
  });

  it('approves for an approver, executing the stored refund once', async () => {
    // The requester holds no approval.decide: the buttons are not theirs (a recorded 403).
    expect((await decide(support.agent, approvalId, 'approve')).status).toBe(403);

    const approved = await decide(finance.agent, approvalId, 'approve', 'photos checked').expect(200);
    expect(approved.body.notice).toEqual({ type: 'success', message: expect.stringMatching(/^Approve order\.refund: approved and executed \(run [0-9a-f-]{36}\)\.$/) });
    expect(approved.body.redirectUrl).toBe(`/admin/resources/ApprovalRequest/records/${approvalId}/show`);
    expect(await db.prisma.refund.count({ where: { orderId } })).toBe(1);
    const request = await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
    expect(request).toMatchObject({ status: 'approved', runId: approved.body.outcome.runId });

    const twice = await decide(finance.agent, approvalId, 'approve').expect(200);
    expect(twice.body.notice).toEqual({ type: 'error', message: 'Approve order.refund: This request is approved; it takes no more decisions.' });
    expect(await db.prisma.refund.count({ where: { orderId } })).toBe(1);
    expect(await listIds(finance.agent, { 'filters.view': 'decided' })).toContain(approvalId);
    const shown = await finance.agent.get(`${resourceApi('ApprovalRequest')}/records/${approvalId}/show`).expect(200);
    expect(shown.body.record.params.decisions).toMatch(/^approve by .+ \(operator \d+\) at .+: photos checked$/);
  });

  it('says self_approval_forbidden when the requester tries to approve', async () => {
    // A requester who could decide such requests in general (hotline supervisor) but not their own.
    const supervisor = await login(['support_agent', 'hotline_supervisor']);
    const order = await createPaidOrder(db, { amount: 40_000 });
    const pending = await db.prisma.approvalRequest.create({
      data: {
        id: randomUUID(), actionId: 'order.refund', requestedBy: supervisor.id, requesterRoles: ['support_agent', 'hotline_supervisor'], targetType: 'order',
        targetId: String(order.orderId), payload: { target: { type: 'order', id: String(order.orderId) }, input: {}, reasonCode: 'item_damaged', note: null },
        payloadHash: 'b'.repeat(64), policyReason: 'test', approvalsRequired: 1, approverPermission: 'approval.decide', expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const self = await decide(supervisor.agent, pending.id, 'approve').expect(200);
    expect(self.body.notice).toEqual({ type: 'error', message: 'Approve order.refund: The requester, or anyone acting as the requester, cannot decide their own request.' });
    expect(self.body.redirectUrl).toBeUndefined();
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe('pending');
    expect(await auditCount('approval.approve', 'approval', pending.id, 'denied')).toBe(1);
  });

  it('ends a request with one deny', async () => {
    const order = await createPaidOrder(db, { amount: 40_000 });
    const res = await submit(support.agent, 'Order', order.orderId, 'order-refund', { input: { amount: { amount: 12_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' }).expect(200);
    const denied = await decide(finance.agent, res.body.outcome.approvalId, 'deny', 'not eligible').expect(200);
    expect(denied.body.notice).toEqual({ type: 'success', message: 'Deny order.refund: denied; nothing was executed.' });
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: res.body.outcome.approvalId } })).status).toBe('denied');
    expect(await db.prisma.refund.count({ where: { orderId: order.orderId } })).toBe(0);
  });

  it('is enforced by the resource itself, for every read, and gives nothing without an operator', async () => {
    const unused = () => Promise.reject(new Error('not called'));
    const admin = createAdmin({ prisma: db.prisma, audit: createAuditRecorder(), rbac: buildRbacModel({ plugins }), actions: { runner: { submit: unused }, approvals: { decide: unused }, runs: { retry: unused } } });
    const resource = admin.findResource('ApprovalRequest');
    const principal = async (operatorId: number) => (await createOperatorAuth({ prisma: db.prisma, pool: db.pool }).loadPrincipal(operatorId))!;
    const as = async (operatorId: number) => ({ currentAdmin: await principal(operatorId) }) as never;
    const noOne = {} as never;
    const everything = new Filter({}, resource);

    expect((await resource.findOne(approvalId, await as(finance.id)))?.id()).toBe(approvalId);
    expect(await resource.findOne(approvalId, await as(catalog.id))).toBeNull();
    expect(await resource.findOne(approvalId, noOne)).toBeNull();
    expect((await resource.findMany([approvalId], await as(support.id))).map((r) => r.id())).toEqual([approvalId]);
    expect(await resource.findMany([approvalId], await as(catalog.id))).toEqual([]);
    expect((await resource.find(everything, { limit: 500 }, await as(catalog.id))).map((r) => r.id())).not.toContain(approvalId);
    expect(await resource.find(everything, { limit: 500 }, noOne)).toEqual([]);
    expect(await resource.count(everything, noOne)).toBe(0);
    expect(await resource.count(everything, await as(finance.id))).toBeGreaterThan(0);
  });

  it('is read-only', async () => {
    expect((await finance.agent.get(`${resourceApi('ApprovalRequest')}/records/${approvalId}/edit`)).status).toBe(403);
    expect((await finance.agent.post(`${resourceApi('ApprovalRequest')}/records/${approvalId}/delete`)).status).toBe(403);
    expect((await finance.agent.post(`${resourceApi('ApprovalRequest')}/actions/new`).send({ actionId: 'x' })).status).toBe(403);
  });
});

describe('Runs & exceptions', () => {
  it('shows an operator their own runs, everyone\'s with run.read, filtered and sorted by start', async () => {
    const support = await login(['support_agent']);
    const risk = await login(['risk_agent']);
    const order = await createPaidOrder(db);
    const mine = await submit(support.agent, 'Order', order.orderId, 'order-cancel', { reasonCode: 'buyer_request' }).expect(200);
    const theirs = await submit(risk.agent, 'Organization', (await newOrg()).id, 'org-freeze', { reasonCode: 'kyc_failure' }).expect(200);
    const ids = async (agent: Agent, query: Record<string, string> = {}) =>
      (await agent.get(`${resourceApi('ActionRun')}/actions/list`).query({ perPage: 200, sortBy: 'startedAt', direction: 'desc', ...query }).expect(200)).body.records.map((r: { id: string }) => r.id);
    expect(await ids(support.agent)).toContain(mine.body.outcome.runId);
    expect(await ids(support.agent)).not.toContain(theirs.body.outcome.runId);
    expect(await ids(risk.agent)).toEqual(expect.arrayContaining([mine.body.outcome.runId, theirs.body.outcome.runId]));
    expect(await ids(risk.agent, { 'filters.actionId': 'org.freeze' })).not.toContain(mine.body.outcome.runId);
    expect(await ids(risk.agent, { 'filters.operator': String(support.id) })).toEqual([mine.body.outcome.runId]);
    const other = await support.agent.get(`${resourceApi('ActionRun')}/records/${theirs.body.outcome.runId}/show`);
    expect(other.body.record?.params?.actionId).toBeUndefined();
    // A malformed id names no run (not a 500).
    const malformed = await support.agent.get(`${resourceApi('ActionRun')}/records/not-a-uuid/show`);
    expect(malformed.status).toBeLessThan(500);
  });

  it('retries a failed run through runs.retry, under the form\'s key, and shows the new run', async () => {
    const risk = await login(['risk_agent']);
    const org = await newOrg('frozen');
    const failed = await submit(risk.agent, 'Organization', org.id, 'org-freeze', { reasonCode: 'legal_order' }).expect(200);
    const runId = failed.body.outcome.runId as string;
    const exceptions = await risk.agent.get(`${resourceApi('ActionRun')}/actions/list`).query({ 'filters.exception': 'open', perPage: 200 }).expect(200);
    expect(exceptions.body.records.map((r: { id: string }) => r.id)).toContain(runId);
    const shown = await risk.agent.get(`${resourceApi('ActionRun')}/records/${runId}/show`).expect(200);
    expect(shown.body.record.recordActions.map((a: { name: string }) => a.name)).toContain('retry');

    // The cause is fixed; the retry runs the stored request again.
    await db.prisma.organization.update({ where: { id: org.id }, data: { status: 'active', frozenAt: null } });
    const key = newKey();
    const retried = await risk.agent.post(`${resourceApi('ActionRun')}/records/${runId}/retry`).send({ idempotencyKey: key }).expect(200);
    expect(retried.body.notice).toEqual({ type: 'success', message: expect.stringMatching(/^Retry of org\.freeze: done \(run [0-9a-f-]{36}\)\.$/) });
    const newRunId = retried.body.outcome.runId as string;
    expect(retried.body.redirectUrl).toBe(`/admin/resources/ActionRun/records/${newRunId}/show`);
    expect(await db.prisma.actionRun.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ retriedByRunId: newRunId });
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).status).toBe('frozen');
    const replay = await risk.agent.post(`${resourceApi('ActionRun')}/records/${runId}/retry`).send({ idempotencyKey: key }).expect(200);
    expect(replay.body.outcome.runId).toBe(newRunId);
    const again = await risk.agent.post(`${resourceApi('ActionRun')}/records/${runId}/retry`).send({ idempotencyKey: newKey() }).expect(200);
    expect(again.body.notice).toMatchObject({ type: 'error', message: expect.stringContaining('already retried') });
    expect(await db.prisma.actionRun.count({ where: { retryOfRunId: runId } })).toBe(1);
  });

  it('does not retry someone else\'s run for an operator who may not see it', async () => {
    const risk = await login(['risk_agent']);
    const support = await login(['support_agent']);
    const failed = await submit(risk.agent, 'Organization', (await newOrg('frozen')).id, 'org-freeze', { reasonCode: 'legal_order' }).expect(200);
    const res = await support.agent.post(`${resourceApi('ActionRun')}/records/${failed.body.outcome.runId}/retry`).send({ idempotencyKey: newKey() });
    expect(JSON.stringify(res.body)).not.toContain('legal_order');
    expect(await db.prisma.actionRun.count({ where: { retryOfRunId: failed.body.outcome.runId } })).toBe(0);
  });
});
