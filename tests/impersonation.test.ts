// Customer impersonation from the attacker's side (docs/adr/0010-impersonation.md): who may start
// one and when (permission, step-up, never an operator, at most four hours, never nested), what it
// may do (read-only; an action whose policy allows it carries both identities; self-approval
// through it refused), that every request leaves an audit row naming both identities, that expiry
// ends it on the server whatever the browser does, that the session id changes at start and end,
// that backoffice lists are scoped to the customer's organization, and that the token for the
// customer-facing app verifies against the JWKS, carries the act claim, and expires.
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createLocalJWKSet, jwtVerify, decodeJwt } from 'jose';
import { createTestDatabase } from './support/database.js';
import { createOperator, loginAs } from './support/app.js';
import {
  auditRows as auditRowsOf, createImpersonationTestApp, sessionCookie, sessionIdsOf as sessionIdsOfOperator, setStepUp as setStepUpOf,
  stepUp as stepUpOf, type Login,
} from './support/impersonation-app.js';
import type { ImpersonationService } from '../src/impersonation/impersonation-service.js';

type Agent = request.Agent;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let impersonations: ImpersonationService;
let orgA: number;
let orgB: number;
let customer: number;
let otherCustomer: number;

const login = (roles: string[]) => loginAs(app, db, roles) as Promise<Login>;
let keys = 0;
const action = (agent: Agent, id: string, body: object) => agent.post(`/api/actions/${id}`).set('Idempotency-Key', `imp-${(keys += 1)}`).send(body);
const startBody = (targetUserId: number, extra: object = {}) => ({ targetUserId, reason: 'customer_reported_issue', note: 'cannot see their invoices', ticketId: 'SUP-1234', ...extra });

const stepUp = (who: Login) => stepUpOf(db, who);
const setStepUp = (operatorId: number, at: number | null) => setStepUpOf(db, operatorId, at);
const sessionIdsOf = (operatorId: number) => sessionIdsOfOperator(db, operatorId);
const auditRows = (where: string, params: unknown[]) => auditRowsOf(db, where, params);

async function startAs(roles = ['support_admin'], target = customer, extra: object = {}) {
  const who = await login(roles);
  await stepUp(who);
  const res = await who.agent.post('/api/impersonations').send(startBody(target, extra)).expect(201);
  return { ...who, impersonationId: res.body.id as string, start: res.body };
}

const impersonationRow = (id: string) => db.prisma.impersonation.findUniqueOrThrow({ where: { id } });

beforeAll(async () => {
  db = await createTestDatabase();
  const platform = createImpersonationTestApp(db);
  app = platform.app;
  impersonations = platform.impersonation;
  orgA = (await db.prisma.organization.create({ data: { kind: 'buyer', name: 'Acme Corp', domain: 'acme.example' } })).id;
  orgB = (await db.prisma.organization.create({ data: { kind: 'seller', name: 'Globex Ltd', domain: 'globex.example' } })).id;
  customer = (await db.prisma.customerUser.create({ data: { email: 'alice@acme.example', name: 'Alice Buyer', organizationId: orgA } })).id;
  otherCustomer = (await db.prisma.customerUser.create({ data: { email: 'bob@globex.example', name: 'Bob Seller', organizationId: orgB } })).id;
});
afterAll(async () => {
  await db?.drop();
});

describe('starting', () => {
  it('starts for a support admin with a fresh step-up, audited with both identities, and answers id and expiry', async () => {
    const before = Date.now();
    const { id, impersonationId, start } = await startAs();
    expect(start).toMatchObject({ id: impersonationId, targetUserId: customer, targetOrgId: orgA, reasonCode: 'customer_reported_issue', ticketId: 'SUP-1234', readOnly: true });
    expect(start.target).toMatchObject({ id: customer, email: 'alice@acme.example', name: 'Alice Buyer', orgName: 'Acme Corp' });
    // minutes defaults to 60
    const expiresAt = Date.parse(start.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(60 * 60_000 - 1000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    expect(await impersonationRow(impersonationId)).toMatchObject({ operatorId: id, targetUserId: customer, targetOrgId: orgA, reasonCode: 'customer_reported_issue', note: 'cannot see their invoices', ticketId: 'SUP-1234', endedAt: null });
    expect(await auditRows(`action = 'impersonation.start' AND entity_id = $1`, [impersonationId])).toEqual([
      expect.objectContaining({ operatorId: id, impersonatedUserId: String(customer), entityType: 'impersonation', outcome: 'succeeded', after: expect.objectContaining({ operatorId: id, targetUserId: customer, targetOrgId: orgA, minutes: 60 }) }),
    ]);
  });

  it('refuses an operator without user.impersonate (403, audited), and changes nothing', async () => {
    const who = await login(['support_agent']);
    await stepUp(who);
    const res = await who.agent.post('/api/impersonations').send(startBody(customer)).expect(403);
    expect(res.body).toMatchObject({ code: 'forbidden', status: 403 });
    expect(await db.prisma.impersonation.count({ where: { operatorId: who.id } })).toBe(0);
    expect(await auditRows(`operator_id = $1 AND action = 'access.denied'`, [who.id])).toHaveLength(1);
  });

  it('needs a fresh step-up: 401 step_up_required, nothing started', async () => {
    const who = await login(['support_admin']);
    await setStepUp(who.id, Date.now() - 6 * 60_000);
    const stale = await who.agent.post('/api/impersonations').send(startBody(customer)).expect(401);
    expect(stale.body).toMatchObject({ code: 'step_up_required' });
    await setStepUp(who.id, null);
    expect((await who.agent.post('/api/impersonations').send(startBody(customer)).expect(401)).body.code).toBe('step_up_required');
    expect(await db.prisma.impersonation.count({ where: { operatorId: who.id } })).toBe(0);
  });

  it('refuses more than four hours (422) and a reason outside the list (422)', async () => {
    const who = await login(['support_admin']);
    await stepUp(who);
    const long = await who.agent.post('/api/impersonations').send(startBody(customer, { minutes: 241 })).expect(422);
    expect(long.body).toMatchObject({ code: 'validation_failed', detail: expect.stringContaining('240') });
    await who.agent.post('/api/impersonations').send(startBody(customer, { reason: 'curiosity' })).expect(422);
    await who.agent.post('/api/impersonations').send(startBody(customer, { note: '' })).expect(422);
    expect(await db.prisma.impersonation.count({ where: { operatorId: who.id } })).toBe(0);
    const max = await who.agent.post('/api/impersonations').send(startBody(customer, { minutes: 240 })).expect(201);
    expect(Date.parse(max.body.expiresAt) - Date.now()).toBeGreaterThan(239 * 60_000);
  });

  it('never impersonates an operator: a customer account sharing an operator\'s email is refused (403)', async () => {
    const staff = await createOperator(db, { roles: ['support_agent'], email: `staff-${randomBytes(3).toString('hex')}@opsdeck.example` });
    const twin = await db.prisma.customerUser.create({ data: { email: staff.email.toUpperCase(), name: 'Staff twin', organizationId: orgA } });
    const who = await login(['support_admin']);
    await stepUp(who);
    const res = await who.agent.post('/api/impersonations').send(startBody(twin.id)).expect(403);
    expect(res.body).toMatchObject({ code: 'impersonation_target_forbidden' });
    await who.agent.post('/api/impersonations').send(startBody(99_999_999)).expect(404);
    expect(await db.prisma.impersonation.count({ where: { operatorId: who.id } })).toBe(0);
  });

  it('does not nest: a second start while one runs is 409', async () => {
    const first = await startAs();
    const again = await first.agent.post('/api/impersonations').send(startBody(otherCustomer)).expect(409);
    expect(again.body).toMatchObject({ code: 'impersonation_active' });
    expect(await db.prisma.impersonation.count({ where: { operatorId: first.id, endedAt: null } })).toBe(1);
  });
});

describe('while it runs', () => {
  it('shows in GET /api/session and /current, and leaves one audit row per request with both identities', async () => {
    const { agent, id, impersonationId } = await startAs();
    const session = await agent.get('/api/session').expect(200);
    expect(session.body.impersonation).toMatchObject({ id: impersonationId, operatorId: id, targetUserId: customer, targetOrgId: orgA });
    const current = await agent.get('/api/impersonations/current').expect(200);
    expect(current.body.impersonation).toMatchObject({ id: impersonationId, target: { email: 'alice@acme.example' }, remainingSeconds: expect.any(Number) });
    await agent.get('/admin/api/resources/Order/actions/list').expect(200);
    const rows = await auditRows(`action = 'impersonation.request' AND entity_id = $1`, [impersonationId]);
    expect(rows.map((r) => (r.after as { url: string }).url)).toEqual(['/api/session', '/api/impersonations/current', '/admin/api/resources/Order/actions/list']);
    for (const row of rows) expect(row).toMatchObject({ operatorId: id, impersonatedUserId: String(customer), entityType: 'impersonation', outcome: 'attempted' });
  });

  it('is read-only: writes on both faces are refused (403 impersonation_read_only, audited), nothing changes', async () => {
    const { agent, impersonationId } = await startAs();
    const suspend = await action(agent, 'customer_user.suspend', { target: { type: 'customer_user', id: String(customer) }, reasonCode: 'suspected_fraud' }).expect(403);
    expect(suspend.body).toMatchObject({ code: 'impersonation_read_only', status: 403 });
    expect((await db.prisma.customerUser.findUniqueOrThrow({ where: { id: customer } })).status).toBe('active');
    expect(await db.prisma.actionRun.count({ where: { actionId: 'customer_user.suspend' } })).toBe(0);

    const cases = await db.prisma.supportCase.count();
    const newCase = await agent.post('/admin/api/resources/SupportCase/actions/new').type('form').send({ subject: 'as the customer', slaFirstResponseDueAt: new Date().toISOString() }).expect(403);
    expect(newCase.body).toMatchObject({ code: 'impersonation_read_only', notice: { type: 'error' } });
    expect(await db.prisma.supportCase.count()).toBe(cases);

    // Credentials, MFA and roles: never, whatever the route.
    const role = await db.prisma.role.findUniqueOrThrow({ where: { key: 'support_admin' } });
    await agent.post(`/admin/api/resources/Role/records/${role.id}/edit`).type('form').send({ name: 'pwned' }).expect(403);
    await agent.post('/api/session/mfa/enrol').send({}).expect(403);
    await agent.post('/api/actions/customer_user.suspend/bulk').set('Idempotency-Key', 'imp-bulk').send({ targets: [{ type: 'customer_user', id: String(customer) }], reasonCode: 'suspected_fraud' }).expect(403);
    expect((await db.prisma.role.findUniqueOrThrow({ where: { id: role.id } })).name).toBe(role.name);
    const refused = await auditRows(`action = 'impersonation.request' AND entity_id = $1 AND outcome = 'denied'`, [impersonationId]);
    expect(refused).toHaveLength(5);
  });

  it('runs an action whose policy allows it, with both identities on the run and its audit rows', async () => {
    const { agent, id } = await startAs();
    const res = await action(agent, 'imptest.note', { target: { type: 'customer_user', id: String(customer) }, input: { text: 'hello' }, reasonCode: 'support' }).expect(200);
    expect(res.body.run).toMatchObject({ status: 'succeeded', impersonatedUserId: customer });
    const rows = await auditRows(`action = 'imptest.note' AND operator_id = $1`, [id]);
    expect(rows.map((r) => r.outcome)).toEqual(['attempted', 'succeeded']);
    for (const row of rows) expect(row).toMatchObject({ operatorId: id, impersonatedUserId: String(customer) });
    expect((await db.prisma.actionRun.findUniqueOrThrow({ where: { id: res.body.run.id } })).impersonatedUserId).toBe(customer);

    // The same action from the backoffice's record form: the same two identities.
    const form = await agent.post(`/admin/api/resources/CustomerUser/records/${customer}/imptest-note`).type('form')
      .send({ actionRequest: JSON.stringify({ input: { text: 'from the form' }, reasonCode: 'support' }), idempotencyKey: `imp-form-${(keys += 1)}` }).expect(200);
    expect(form.body.notice).toMatchObject({ type: 'success' });
    const run = await db.prisma.actionRun.findFirstOrThrow({ where: { actionId: 'imptest.note', input: { equals: { text: 'from the form' } } } });
    expect(run).toMatchObject({ operatorId: id, impersonatedUserId: customer });
  });

  it('never lets anyone acting as the requester approve: 403 self_approval_forbidden', async () => {
    const requester = await startAs();
    const asked = await action(requester.agent, 'imptest.approve_me', { target: { type: 'customer_user', id: String(customer) }, reasonCode: 'support' }).expect(202);
    const approvalId = asked.body.approval.id as string;
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).impersonatedUserId).toBe(customer);

    // The requester, still impersonating.
    expect((await requester.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(403)).body.code).toBe('self_approval_forbidden');
    // Another operator, impersonating the same customer: acting as the requester too.
    const colleague = await startAs();
    expect((await colleague.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(403)).body.code).toBe('self_approval_forbidden');
    expect((await db.prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe('pending');
    // The same colleague as themselves may.
    await colleague.agent.delete(`/api/impersonations/${colleague.impersonationId}`).expect(200);
    const approved = await colleague.agent.post(`/api/approvals/${approvalId}/approve`).send({}).expect(200);
    expect(approved.body.approval.status).toBe('approved');
  });

  it('scopes the backoffice\'s lists and show pages to the customer\'s organization', async () => {
    const { agent } = await startAs();
    const users = await agent.get('/admin/api/resources/CustomerUser/actions/list').query({ perPage: 50 }).expect(200);
    const ids = users.body.records.map((r: { id: string }) => Number(r.id));
    expect(ids).toContain(customer);
    expect(ids).not.toContain(otherCustomer);
    const orgs = await agent.get('/admin/api/resources/Organization/actions/list').expect(200);
    expect(orgs.body.records.map((r: { id: string }) => Number(r.id))).toEqual([orgA]);
    // Another tenant's user does not exist while impersonating.
    const other = await agent.get(`/admin/api/resources/CustomerUser/records/${otherCustomer}/show`);
    expect(other.body.record).toMatchObject({ params: {}, baseError: { type: 'NotFoundError' } });
    expect(JSON.stringify(other.body)).not.toContain('bob@globex.example');
  });
});

describe('ending', () => {
  it('changes the session id at start and at end; the old ids are worthless', async () => {
    const who = await login(['support_admin']);
    await stepUp(who);
    const atLogin = sessionCookie(who.agent).header;
    const [loginSid] = await sessionIdsOf(who.id);
    const started = await who.agent.post('/api/impersonations').send(startBody(customer)).expect(201);
    const impersonating = sessionCookie(who.agent).header;
    expect(impersonating).not.toBe(atLogin);
    expect(await sessionIdsOf(who.id)).not.toContain(loginSid);
    await request(app).get('/api/session').set('Cookie', atLogin).expect(401);

    const ended = await who.agent.delete(`/api/impersonations/${started.body.id}`).expect(200);
    expect(ended.body).toMatchObject({ id: started.body.id, endReason: 'ended', endedAt: expect.any(String) });
    expect(sessionCookie(who.agent).header).not.toBe(impersonating);
    await request(app).get('/api/session').set('Cookie', impersonating).expect(401);
    // Back to the operator's own identity, still logged in.
    const own = await who.agent.get('/api/session').expect(200);
    expect(own.body).toMatchObject({ operator: { id: who.id }, impersonation: null });
    expect(await auditRows(`action = 'impersonation.end' AND entity_id = $1`, [started.body.id])).toEqual([
      expect.objectContaining({ operatorId: who.id, impersonatedUserId: String(customer), outcome: 'succeeded' }),
    ]);
    // Someone else's impersonation does not exist for them.
    const stranger = await startAs();
    await who.agent.delete(`/api/impersonations/${stranger.impersonationId}`).expect(404);
    expect((await impersonationRow(stranger.impersonationId)).endedAt).toBeNull();
  });

  it('expires on the server: the sweep ends it, and the next request is the operator\'s own', async () => {
    const { agent, impersonationId } = await startAs();
    await db.pool.query(`UPDATE impersonations SET expires_at = now() - interval '1 second' WHERE id = $1`, [impersonationId]);
    expect(await impersonations.sweep()).toMatchObject({ expired: 1 });
    expect(await impersonationRow(impersonationId)).toMatchObject({ endReason: 'expired', endedAt: expect.any(Date) });
    expect(await auditRows(`action = 'impersonation.expired' AND entity_id = $1`, [impersonationId])).toHaveLength(1);
    const next = await agent.get('/api/session').expect(200);
    expect(next.headers['impersonation-ended']).toBe('expired');
    expect(next.body.impersonation).toBeNull();
    expect((await agent.get('/api/impersonations/current').expect(200)).body.impersonation).toBeNull();
  });

  it('expires on the next request even before the sweep, and a write then does nothing (409)', async () => {
    const { agent, impersonationId } = await startAs();
    await db.pool.query(`UPDATE impersonations SET expires_at = now() - interval '1 second' WHERE id = $1`, [impersonationId]);
    const write = await action(agent, 'imptest.note', { target: { type: 'customer_user', id: String(customer) }, input: { text: 'late' }, reasonCode: 'support' }).expect(409);
    expect(write.body.code).toBe('impersonation_ended');
    expect(await db.prisma.actionRun.count({ where: { actionId: 'imptest.note', input: { equals: { text: 'late' } } } })).toBe(0);
    expect(await impersonationRow(impersonationId)).toMatchObject({ endReason: 'expired' });
    expect((await agent.get('/api/session').expect(200)).body.impersonation).toBeNull();
  });

  it('is ended by logging out, and revoked by the sweep once its session is gone', async () => {
    const out = await startAs();
    await out.agent.delete('/api/session').expect(204);
    expect(await impersonationRow(out.impersonationId)).toMatchObject({ endReason: 'ended' });

    const orphan = await startAs();
    await db.pool.query(`DELETE FROM operator_sessions WHERE (sess -> 'adminUser' ->> 'id')::int = $1`, [orphan.id]);
    await db.pool.query(`UPDATE impersonations SET started_at = now() - interval '2 minutes' WHERE id = $1`, [orphan.impersonationId]);
    expect((await impersonations.sweep()).revoked).toBeGreaterThanOrEqual(1);
    expect(await impersonationRow(orphan.impersonationId)).toMatchObject({ endReason: 'revoked' });
  });

  it('is revoked as soon as the operator loses user.impersonate', async () => {
    const who = await startAs(['support_admin']);
    await db.prisma.operatorRole.deleteMany({ where: { operatorId: who.id } });
    await db.prisma.operatorRole.create({ data: { operatorId: who.id, roleId: (await db.prisma.role.findUniqueOrThrow({ where: { key: 'support_agent' } })).id } });
    const next = await who.agent.get('/api/session').expect(200);
    expect(next.headers['impersonation-ended']).toBe('revoked');
    expect(await impersonationRow(who.impersonationId)).toMatchObject({ endReason: 'revoked' });
  });
});

describe('tokens for the customer-facing app', () => {
  it('are ES256 JWTs for the customer, acting operator in `act`, verified by the JWKS, at most 5 minutes', async () => {
    const { agent, id, impersonationId } = await startAs();
    const issued = await agent.post(`/api/impersonations/${impersonationId}/token`).expect(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    const jwks = await request(app).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) })]);
    expect(JSON.stringify(jwks.body)).not.toContain('"d"');
    const { payload, protectedHeader } = await jwtVerify(issued.body.token, createLocalJWKSet(jwks.body), {
      issuer: 'http://localhost:3000', audience: 'opsdeck-customer-app', algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: jwks.body.keys[0].kid });
    expect(payload).toMatchObject({ sub: String(customer), act: { sub: `operator:${id}` }, imp: impersonationId });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    // ... and are refused once expired.
    await expect(jwtVerify(issued.body.token, createLocalJWKSet(jwks.body), { currentDate: new Date((payload.exp! + 1) * 1000) })).rejects.toThrow(/exp/);
    expect(await auditRows(`action = 'impersonation.token_issued' AND entity_id = $1`, [impersonationId])).toEqual([
      expect.objectContaining({ operatorId: id, impersonatedUserId: String(customer), after: expect.objectContaining({ jti: payload.jti }) }),
    ]);
  });

  it('never outlive the impersonation, and are only handed out in the session that runs it', async () => {
    const { agent, impersonationId } = await startAs();
    await db.pool.query(`UPDATE impersonations SET expires_at = now() + interval '20 seconds' WHERE id = $1`, [impersonationId]);
    const issued = await agent.post(`/api/impersonations/${impersonationId}/token`).expect(200);
    const { exp } = decodeJwt(issued.body.token);
    expect(exp! * 1000).toBeLessThanOrEqual(Date.now() + 21_000);
    const colleague = await login(['support_admin']);
    await colleague.agent.post(`/api/impersonations/${impersonationId}/token`).expect(404);
    await agent.delete(`/api/impersonations/${impersonationId}`).expect(200);
    await agent.post(`/api/impersonations/${impersonationId}/token`).expect(404);
  });
});

describe('the tenant switcher', () => {
  it('finds organizations by name, domain or id with their users, and lists the last ones used', async () => {
    const who = await login(['support_admin']);
    const recentBefore = await who.agent.get('/api/impersonations/tenants').expect(200);
    expect(recentBefore.body).toEqual({ items: [], isRecent: true });
    for (const q of ['acme', 'ACME.EXAMPLE', String(orgA)]) {
      const found = await who.agent.get('/api/impersonations/tenants').query({ q }).expect(200);
      expect(found.body.items[0]).toMatchObject({ id: orgA, name: 'Acme Corp', users: expect.arrayContaining([{ id: customer, email: 'alice@acme.example', name: 'Alice Buyer' }]) });
    }
    await stepUp(who);
    const started = await who.agent.post('/api/impersonations').send(startBody(otherCustomer)).expect(201);
    await who.agent.delete(`/api/impersonations/${started.body.id}`).expect(200);
    const recent = await who.agent.get('/api/impersonations/tenants').expect(200);
    expect(recent.body.items.map((t: { id: number }) => t.id)).toEqual([orgB]);
    await (await login(['support_agent'])).agent.get('/api/impersonations/tenants').expect(403);
  });
});
