// Step-up: actions whose policy says `stepUp` (org.unfreeze, listing.reinstate) and role edits need
// a code entered in the last minutes, not only a session. Without one: 401 `step_up_required` and
// nothing runs (no run, no approval request, no role). A code proved on POST /api/session/step-up,
// at login, or in the backoffice form's code field opens them.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, loginAs, type TestOperator } from './support/app.js';
import { auditRows, patchSessions } from './support/session-fixtures.js';
import { hashRecoveryCode, newRecoveryCodes } from '../src/auth/recovery-codes.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
});
afterAll(async () => {
  await db.drop();
});

/** The session's last code was entered long ago (the five minutes have passed). */
const staleStepUp = (op: { id: number }) => patchSessions(db, op.id, { stepUpAt: Date.now() - 6 * 60_000 });
const frozenOrg = () => db.prisma.organization.create({ data: { kind: 'seller', name: `Frozen ${Math.random()}`, status: 'frozen', frozenAt: new Date() } });
const unfreeze = (agent: request.Agent, orgId: number, key: string) =>
  agent.post('/api/actions/org.unfreeze').set('Idempotency-Key', key).send({ target: { type: 'organization', id: String(orgId) }, reasonCode: 'investigation_cleared' });

describe('org.unfreeze over the API', () => {
  it('answers 401 step_up_required without a fresh code, runs nothing, and goes through after POST /api/session/step-up', async () => {
    const { agent, operator } = await loginAs(app, db, ['risk_agent']);
    const org = await frozenOrg();
    await staleStepUp(operator);

    const refused = await unfreeze(agent, org.id, 'unfreeze-1');
    expect(refused.status).toBe(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'step_up_required', status: 401, detail: expect.stringMatching(/^Unfreeze organization needs a fresh TOTP code/) });
    expect(await db.prisma.actionRun.count({ where: { actionId: 'org.unfreeze', targetId: String(org.id) } })).toBe(0);
    expect(await db.prisma.approvalRequest.count({ where: { actionId: 'org.unfreeze', targetId: String(org.id) } })).toBe(0);
    expect(await db.prisma.idempotencyKey.count({ where: { key: 'unfreeze-1' } })).toBe(0);

    const stepUp = await agent.post('/api/session/step-up').send({ totp: await operator.totp() }).expect(200);
    expect(new Date(stepUp.body.stepUp.validUntil).getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    const asked = await unfreeze(agent, org.id, 'unfreeze-1');
    expect(asked.status).toBe(202);
    expect(asked.body.approval).toMatchObject({ status: 'pending' });
    expect(await auditRows(db, ['session.step_up'])).toContainEqual(expect.objectContaining({ operator_id: operator.id, note: 'totp', outcome: 'succeeded' }));
  });

  it('answers a role without the permission with the runner\'s 403, step-up or not', async () => {
    const { agent, operator } = await loginAs(app, db, ['support_agent']);
    await staleStepUp(operator);
    const res = await unfreeze(agent, (await frozenOrg()).id, 'unfreeze-403');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  it('needs it for the bulk form and for a retry of a failed run too', async () => {
    const { agent, operator } = await loginAs(app, db, ['risk_agent']);
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Not frozen' } });
    // Stepped up at login: an unfreeze of an active org fails (a run to retry).
    const failed = await unfreeze(agent, org.id, 'unfreeze-failed');
    expect(failed.status).toBe(409);
    await staleStepUp(operator);
    const retry = await agent.post(`/api/runs/${failed.body.runId}/retry`).set('Idempotency-Key', 'unfreeze-retry').send({});
    expect(retry.status).toBe(401);
    expect(retry.body.code).toBe('step_up_required');
    const bulk = await agent.post('/api/actions/listing.reinstate/bulk').set('Idempotency-Key', 'reinstate-bulk').send({ targets: [{ type: 'listing', id: '1' }], reasonCode: 'appeal_upheld' });
    expect(bulk.status).toBe(401);
    expect(bulk.body.code).toBe('step_up_required');
  });
});

describe('approving a step-up action', () => {
  it('needs a fresh code from the approver too: 401 step_up_required, still pending, then approved after a step-up', async () => {
    const requester = await loginAs(app, db, ['risk_agent']);
    const approver = await loginAs(app, db, ['risk_agent']);
    const org = await frozenOrg();
    const asked = await unfreeze(requester.agent, org.id, 'unfreeze-approval');
    expect(asked.status).toBe(202);
    const approvalId = asked.body.approval.id as string;

    await staleStepUp(approver.operator);
    const refused = await approver.agent.post(`/api/approvals/${approvalId}/approve`).send({});
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'step_up_required' });
    expect(await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).toMatchObject({ status: 'pending' });
    expect(await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ status: 'frozen' });

    await approver.agent.post('/api/session/step-up').send({ totp: await approver.operator.totp() }).expect(200);
    const approved = await approver.agent.post(`/api/approvals/${approvalId}/approve`).send({});
    expect(approved.status).toBe(200);
    expect(await db.prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ status: 'active' });
  });
});

describe('POST /api/session/step-up', () => {
  it('refuses a wrong code and a used one (audited), and takes a recovery code', async () => {
    const { agent, operator } = await loginAs(app, db, ['risk_agent']);
    const wrong = await agent.post('/api/session/step-up').send({ totp: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');
    const code = await operator.totp();
    await agent.post('/api/session/step-up').send({ totp: code }).expect(200);
    const replay = await agent.post('/api/session/step-up').send({ totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('code_already_used');
    expect(await auditRows(db, ['session.totp_replayed'])).toContainEqual(expect.objectContaining({ operator_id: operator.id, note: 'during step_up', outcome: 'denied' }));
    expect((await agent.post('/api/session/step-up').send({})).status).toBe(422);

    const [recoveryCode] = newRecoveryCodes(1);
    await db.pool.query('INSERT INTO operator_recovery_codes (operator_id, code_hash) VALUES ($1, $2)', [operator.id, hashRecoveryCode(recoveryCode)]);
    await agent.post('/api/session/step-up').send({ recoveryCode }).expect(200);
    expect((await agent.post('/api/session/step-up').send({ recoveryCode })).body.code).toBe('code_already_used');
    expect(await auditRows(db, ['session.recovery_code_used'])).toContainEqual(expect.objectContaining({ operator_id: operator.id, note: '0 recovery codes left' }));
  });
});

describe('in the backoffice', () => {
  async function backofficeLogin(roles: string[]): Promise<{ agent: request.Agent; op: TestOperator }> {
    const op = await createOperator(db, { roles });
    const agent = request.agent(app);
    await agent.post('/admin/login').type('form').send(await credentials(op)).expect(302);
    return { agent, op };
  }

  it('the unfreeze form refuses without a code (nothing runs), and sends the request with one', async () => {
    const { agent, op } = await backofficeLogin(['risk_agent']);
    const org = await frozenOrg();
    await staleStepUp(op);
    const form = { actionRequest: JSON.stringify({ input: {}, reasonCode: 'investigation_cleared', note: '' }), idempotencyKey: 'ui-unfreeze-1' };
    const url = `/admin/api/resources/Organization/records/${org.id}/org-unfreeze`;

    const refused = await agent.post(url).type('form').send(form).expect(200);
    expect(refused.body.notice).toEqual({ type: 'error', message: 'Unfreeze organization needs a fresh authentication code. Enter the current code from your authenticator app and submit again.' });
    expect(refused.body.outcome).toMatchObject({ status: 401, code: 'step_up_required', isDone: false, isKeySpent: false });
    const wrong = await agent.post(url).type('form').send({ ...form, stepUpCode: '000000' }).expect(200);
    expect(wrong.body.notice.message).toBe('That code is not valid. Enter the current code from your authenticator app.');
    expect(await db.prisma.approvalRequest.count({ where: { targetId: String(org.id) } })).toBe(0);

    const sent = await agent.post(url).type('form').send({ ...form, stepUpCode: await op.totp() }).expect(200);
    expect(sent.body.notice.message).toMatch(/^Unfreeze organization: sent for approval/);
    expect(await db.prisma.approvalRequest.count({ where: { targetId: String(org.id), status: 'pending' } })).toBe(1);
  });

  it('saving a role needs a fresh code in the role form', async () => {
    const { agent, op } = await backofficeLogin(['super_admin']);
    await staleStepUp(op);
    const role = { key: 'step_up_role', name: 'Step-up role', description: 'test', 'permissions.0': 'order.read' };
    const refused = await agent.post('/admin/api/resources/Role/actions/new').type('form').send(role).expect(200);
    expect(refused.body.notice).toMatchObject({ type: 'error', message: 'Saving a role needs a fresh authentication code. Enter the current code from your authenticator app and submit again.' });
    expect(refused.body.record.errors.stepUpCode.message).toBe(refused.body.notice.message);
    expect(await db.prisma.role.count({ where: { key: 'step_up_role' } })).toBe(0);

    const saved = await agent.post('/admin/api/resources/Role/actions/new').type('form').send({ ...role, stepUpCode: await op.totp() }).expect(200);
    expect(saved.body.notice.type).toBe('success');
    expect(await db.prisma.role.findUniqueOrThrow({ where: { key: 'step_up_role' } })).toMatchObject({ permissions: ['order.read'] });
    // Within the next minutes, no second code.
    const edited = await agent.post(`/admin/api/resources/Role/records/${saved.body.record.id}/edit`).type('form').send({ description: 'edited' }).expect(200);
    expect(edited.body.notice.type).toBe('success');
  });

  it('a retry of a failed step-up action from Runs & exceptions needs the step-up too', async () => {
    const { agent, op } = await backofficeLogin(['risk_agent']);
    const org = await db.prisma.organization.create({ data: { kind: 'seller', name: 'Active org' } });
    const form = { actionRequest: JSON.stringify({ input: {}, reasonCode: 'investigation_cleared', note: '' }), idempotencyKey: 'ui-unfreeze-fail' };
    const failed = await agent.post(`/admin/api/resources/Organization/records/${org.id}/org-unfreeze`).type('form').send(form).expect(200);
    expect(failed.body.outcome.code).toBe('not_frozen');
    await staleStepUp(op);
    const retry = await agent.post(`/admin/api/resources/ActionRun/records/${failed.body.outcome.runId}/retry`).type('form').send({ idempotencyKey: 'ui-retry' }).expect(200);
    expect(retry.body.notice.message).toBe('Unfreeze organization needs a fresh authentication code. Confirm one on the Security page, then retry.');
    expect(await db.prisma.actionRun.count({ where: { retryOfRunId: failed.body.outcome.runId } })).toBe(0);
  });
});
