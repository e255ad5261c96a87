// CSRF from the attacker's side: a hostile page makes the operator's browser send a state-changing
// request with the operator's cookie. The Origin check (src/http/security/origin-check.ts) refuses it
// on both faces with 403 problem+json `csrf_failed`, before anything runs, and audits it under the
// operator whose session it rode. Requests from our own origin, and from non-browser clients that
// send no Origin at all (curl, scripts, supertest), pass.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createTestApp, loginAs } from './support/app.js';
import { securityDenials } from './support/security-app.js';
import { originProblem } from '../src/http/security/origin-check.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;

// The test config's PUBLIC_URL (unset: http://localhost:$PORT).
const OURS = 'http://localhost:3000';
const EVIL = 'https://evil.example';

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
});
afterAll(async () => {
  await db.drop();
});

let n = 0;
const newOrg = () => db.prisma.organization.create({ data: { kind: 'seller', name: `CSRF target ${(n += 1)}` } });
const statusOf = async (orgId: number) => (await db.prisma.organization.findUniqueOrThrow({ where: { id: orgId } })).status;
const runsOf = (orgId: number) => db.prisma.actionRun.count({ where: { actionId: 'org.freeze', targetId: String(orgId) } });
const freezeBody = (orgId: number) => ({ target: { type: 'organization', id: String(orgId) }, input: {}, reasonCode: 'suspected_fraud' });
/** What the backoffice's action form posts for org.freeze on a record. */
const adminFreeze = (agent: request.Agent, orgId: number) =>
  agent.post(`/admin/api/resources/Organization/records/${orgId}/org-freeze`).send({ actionRequest: JSON.stringify({ reasonCode: 'suspected_fraud' }), idempotencyKey: `admin-${(n += 1)}` });

function expectCsrfProblem(res: request.Response) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'csrf_failed', status: 403, type: 'https://opsdeck.dev/problems/csrf_failed', correlationId: res.headers['x-correlation-id'] });
}

describe('the API', () => {
  it('refuses a state change from a foreign Origin: 403 csrf_failed, nothing runs, audited under the victim', async () => {
    const { agent, id } = await loginAs(app, db, ['risk_agent']);
    const org = await newOrg();
    const forged = await agent.post('/api/actions/org.freeze').set('Origin', EVIL).set('Idempotency-Key', `csrf-${org.id}`).send(freezeBody(org.id));
    expectCsrfProblem(forged);
    expect(await statusOf(org.id)).toBe('active');
    expect(await runsOf(org.id)).toBe(0);
    // Not even the idempotency key was claimed: the same key runs normally from our own page.
    expect(await db.prisma.idempotencyKey.count({ where: { key: `csrf-${org.id}` } })).toBe(0);
    const [row] = await securityDenials(db, { operatorId: id, reasonCode: 'csrf_failed' });
    expect(row).toMatchObject({ outcome: 'denied', entity_type: 'route', entity_id: 'POST /api/actions/org.freeze', note: expect.stringContaining(`Origin ${EVIL}`) });

    const genuine = await agent.post('/api/actions/org.freeze').set('Origin', OURS).set('Idempotency-Key', `csrf-${org.id}`).send(freezeBody(org.id));
    expect(genuine.status).toBe(200);
    expect(await statusOf(org.id)).toBe('frozen');
  });

  it('refuses Origin: null, a foreign Referer without Origin, and Sec-Fetch-Site cross-site without either', async () => {
    const { agent } = await loginAs(app, db, ['risk_agent']);
    const org = await newOrg();
    const attempts = [
      agent.post('/api/actions/org.freeze').set('Origin', 'null'),
      agent.post('/api/actions/org.freeze').set('Origin', 'null').set('Sec-Fetch-Site', 'cross-site'),
      agent.post('/api/actions/org.freeze').set('Referer', `${EVIL}/cat-pictures.html`),
      agent.post('/api/actions/org.freeze').set('Sec-Fetch-Site', 'cross-site'),
      agent.post('/api/actions/org.freeze').set('Sec-Fetch-Site', 'same-site'),
      // A sibling port is the same site (SameSite cookies are sent) but another origin.
      agent.post('/api/actions/org.freeze').set('Origin', 'http://localhost:3001'),
      agent.post('/api/actions/org.freeze').set('Origin', 'http://localhost:3000.evil.example'),
    ];
    for (const [i, attempt] of attempts.entries()) expectCsrfProblem(await attempt.set('Idempotency-Key', `forged-${org.id}-${i}`).send(freezeBody(org.id)));
    expect(await statusOf(org.id)).toBe('active');
  });

  it('refuses every state-changing method, not only POST, and lets reads through', async () => {
    const { agent } = await loginAs(app, db, ['support_agent']);
    expectCsrfProblem(await agent.delete('/api/session').set('Origin', EVIL));
    expectCsrfProblem(await agent.put('/api/anything').set('Origin', EVIL));
    expectCsrfProblem(await agent.patch('/api/anything').set('Origin', EVIL));
    // Still logged in: the forged logout did not run.
    expect((await agent.get('/api/session').set('Origin', EVIL)).status).toBe(200);
  });

  it('refuses a forged login (login CSRF): no session is set', async () => {
    const res = await request(app).post('/api/session').set('Origin', EVIL).send({ email: 'attacker@test.local', password: 'the-attackers-own' });
    expectCsrfProblem(res);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('lets through our own origin, a same-origin Referer, and clients that send no Origin at all', async () => {
    const { agent } = await loginAs(app, db, ['risk_agent']);
    const orgs = await Promise.all([newOrg(), newOrg(), newOrg(), newOrg()]);
    const sends = [
      (r: request.Test) => r.set('Origin', OURS),
      (r: request.Test) => r.set('Referer', `${OURS}/admin/resources/Organization`),
      (r: request.Test) => r.set('Sec-Fetch-Site', 'same-origin').set('Origin', OURS),
      // supertest, curl, scripts: no browser, so no page could have forged it.
      (r: request.Test) => r,
    ];
    for (const [i, send] of sends.entries()) {
      const res = await send(agent.post('/api/actions/org.freeze').set('Idempotency-Key', `ok-${orgs[i].id}`)).send(freezeBody(orgs[i].id));
      expect({ i, status: res.status }).toEqual({ i, status: 200 });
    }
  });

  it('records a flood of forged requests once a minute per victim, refusing every one', async () => {
    const { agent, id } = await loginAs(app, db, ['support_agent']);
    for (let i = 0; i < 5; i++) expectCsrfProblem(await agent.post('/api/actions/org.freeze').set('Origin', EVIL).send({}));
    expect(await securityDenials(db, { operatorId: id, reasonCode: 'csrf_failed' })).toHaveLength(1);
  });
});

describe('the backoffice (AdminJS)', () => {
  it('refuses an action POST from a foreign Origin: 403 problem+json, nothing runs, audited', async () => {
    const { agent, id } = await loginAs(app, db, ['risk_agent']);
    const org = await newOrg();
    expectCsrfProblem(await adminFreeze(agent, org.id).set('Origin', EVIL));
    expect(await statusOf(org.id)).toBe('active');
    expect(await runsOf(org.id)).toBe(0);
    const [row] = await securityDenials(db, { operatorId: id, reasonCode: 'csrf_failed' });
    expect(row).toMatchObject({ entity_id: `POST /admin/api/resources/Organization/records/${org.id}/org-freeze` });

    const genuine = await adminFreeze(agent, org.id).set('Origin', OURS);
    expect(genuine.status).toBe(200);
    expect(await statusOf(org.id)).toBe('frozen');
  });

  it('refuses a forged login form POST, and lets our own login page\'s POST reach the login', async () => {
    const forged = await request(app).post('/admin/login').type('form').set('Origin', EVIL).send({ email: 'attacker@test.local', password: 'x' });
    expectCsrfProblem(forged);
    expect(forged.headers['set-cookie']).toBeUndefined();
    // Wrong credentials from our own page: AdminJS answers with its login page, not the Origin check.
    const ours = await request(app).post('/admin/login').type('form').set('Origin', OURS).send({ email: 'nobody@test.local', password: 'wrong-password' });
    expect(ours.status).toBe(200);
    expect(ours.text).toMatch(/<html/i);
  });

  it('lets reads through whatever their Origin (a GET changes nothing)', async () => {
    const { agent } = await loginAs(app, db, ['risk_agent']);
    const org = await newOrg();
    expect((await agent.get(`/admin/api/resources/Organization/records/${org.id}/show`).set('Origin', EVIL)).status).toBe(200);
  });
});

describe('which origin is ours', () => {
  const req = (headers: Record<string, string>, protocol = 'http') => ({ protocol, get: (name: string) => headers[name.toLowerCase()] }) as never;
  const publicOrigin = 'https://ops.example.com';

  it('is PUBLIC_URL\'s origin in production, whatever Host the request names', () => {
    const production = { publicOrigin, trustRequestHost: false };
    expect(originProblem(req({ origin: 'https://ops.example.com', host: 'ops.example.com' }, 'https'), production)).toBeNull();
    expect(originProblem(req({ origin: 'https://ops.example.com:443', host: 'x' }, 'https'), production)).toBeNull();
    expect(originProblem(req({ origin: 'http://internal:3000', host: 'internal:3000' }), production)).toMatch(/not this application's origin/);
    expect(originProblem(req({ origin: 'http://ops.example.com', host: 'ops.example.com' }), production)).toMatch(/not this application's origin/);
  });

  it('is also the origin the request was addressed to outside production (127.0.0.1 beside localhost)', () => {
    const development = { publicOrigin: 'http://localhost:3000', trustRequestHost: true };
    expect(originProblem(req({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }), development)).toBeNull();
    expect(originProblem(req({ referer: 'http://127.0.0.1:3000/admin', host: '127.0.0.1:3000' }), development)).toBeNull();
    expect(originProblem(req({ origin: 'http://127.0.0.1:3001', host: '127.0.0.1:3000' }), development)).not.toBeNull();
    expect(originProblem(req({ origin: 'https://127.0.0.1:3000', host: '127.0.0.1:3000' }), development)).not.toBeNull();
    expect(originProblem(req({ origin: 'not a url', host: '127.0.0.1:3000' }), development)).not.toBeNull();
    expect(originProblem(req({ referer: 'data:text/html,hi', host: '127.0.0.1:3000' }), development)).not.toBeNull();
    expect(originProblem(req({ 'sec-fetch-site': 'none', host: '127.0.0.1:3000' }), development)).toBeNull();
    // A form POST from our own page under a no-referrer policy: Origin null, but the browser says same-origin.
    expect(originProblem(req({ origin: 'null', 'sec-fetch-site': 'same-origin', host: 'x' }), development)).toBeNull();
    expect(originProblem(req({ origin: 'null', 'sec-fetch-site': 'same-site', host: 'x' }), development)).not.toBeNull();
  });
});
