// IP_ALLOWLIST from the attacker's side: a valid session cookie used from an address outside the
// list (a stolen cookie) is refused with 403 problem+json `ip_not_allowed` on both faces, nothing
// runs, and the refusal is audited under the cookie's operator. supertest always connects from
// loopback, so the addresses are moved instead: instances of the app over one session store, one
// whose list leaves loopback out and one whose list holds it; and, behind a trusted proxy
// (COOKIE_SECURE sets `trust proxy` for loopback), the proxy's X-Forwarded-For.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { loginAs } from './support/app.js';
import { cookieHeader, createConfiguredApp, securityDenials, sharedSessionSecret } from './support/security-app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const secret = sharedSessionSecret();
let open: ReturnType<typeof createConfiguredApp>;
let outside: ReturnType<typeof createConfiguredApp>;
let inside: ReturnType<typeof createConfiguredApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  open = createConfiguredApp(db, { sessionSecret: secret });
  outside = createConfiguredApp(db, { sessionSecret: secret, env: { IP_ALLOWLIST: '10.0.0.0/8, 2001:db8::/32' } });
  inside = createConfiguredApp(db, { sessionSecret: secret, env: { IP_ALLOWLIST: '10.0.0.0/8,127.0.0.0/8,::1' } });
});
afterAll(async () => {
  await db.drop();
});

function expectIpProblem(res: request.Response) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'ip_not_allowed', status: 403, correlationId: res.headers['x-correlation-id'] });
}

describe('an address outside the allowlist', () => {
  it('is refused with a valid session on the API and the backoffice, and audited under the session\'s operator', async () => {
    const { agent, id } = await loginAs(open, db, ['support_agent']);
    const cookie = cookieHeader(agent);
    expect((await request(open).get('/api/session').set('Cookie', cookie)).status).toBe(200);

    expectIpProblem(await request(outside).get('/api/session').set('Cookie', cookie));
    expectIpProblem(await request(outside).get('/admin/api/resources/Order/actions/list').set('Cookie', cookie));
    expectIpProblem(await request(outside).get('/admin/login'));
    const [row] = await securityDenials(db, { operatorId: id, reasonCode: 'ip_not_allowed' });
    expect(row).toMatchObject({ outcome: 'denied', entity_id: 'GET /api/session', ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/), note: expect.stringContaining('outside IP_ALLOWLIST') });
  });

  it('runs nothing: a logout from outside leaves the session alive', async () => {
    const { agent } = await loginAs(open, db, ['support_agent']);
    const cookie = cookieHeader(agent);
    expectIpProblem(await request(outside).delete('/api/session').set('Cookie', cookie));
    expect((await request(open).get('/api/session').set('Cookie', cookie)).status).toBe(200);
  });

  it('is refused before the login runs', async () => {
    const res = await request(outside).post('/api/session').send({ email: 'someone@test.local', password: 'a-password-here' });
    expectIpProblem(res);
    expect(res.headers['set-cookie']).toBeUndefined();
    expectIpProblem(await request(outside).post('/admin/login').type('form').send({ email: 'someone@test.local', password: 'x' }));
  });

  it('cannot talk its way in with its own X-Forwarded-For (no trusted proxy)', async () => {
    expectIpProblem(await request(outside).get('/api/session').set('X-Forwarded-For', '10.1.2.3'));
  });

  it('still gets the health probes', async () => {
    expect((await request(outside).get('/healthz')).status).toBe(200);
    expect((await request(outside).get('/readyz')).status).toBe(200);
  });
});

describe('an address inside the allowlist', () => {
  it('works as usual', async () => {
    const { agent } = await loginAs(open, db, ['support_agent']);
    const cookie = cookieHeader(agent);
    expect((await request(inside).get('/api/session').set('Cookie', cookie)).status).toBe(200);
    expect((await request(inside).get('/api/session')).status).toBe(401);
    expect((await request(inside).get('/admin/login')).status).toBe(200);
  });
});

describe('behind a TLS proxy on loopback (COOKIE_SECURE: trust proxy)', () => {
  let proxied: ReturnType<typeof createConfiguredApp>;
  beforeAll(() => {
    proxied = createConfiguredApp(db, { env: { COOKIE_SECURE: 'true', IP_ALLOWLIST: '10.0.0.0/8, 2001:db8::/32' } });
  });

  it('checks the client address the proxy reports, IPv4 and IPv6', async () => {
    // Through the allowlist: then the API's own answer (no session: 401).
    expect((await request(proxied).get('/api/session').set('X-Forwarded-For', '10.1.2.3')).status).toBe(401);
    expect((await request(proxied).get('/api/session').set('X-Forwarded-For', '2001:db8::5')).status).toBe(401);
    expectIpProblem(await request(proxied).get('/api/session').set('X-Forwarded-For', '192.0.2.1'));
    expectIpProblem(await request(proxied).get('/api/session').set('X-Forwarded-For', '2001:db9::5'));
    // Only the hop the proxy appended counts: a client cannot prepend an allowed address.
    expectIpProblem(await request(proxied).get('/api/session').set('X-Forwarded-For', '10.1.2.3, 192.0.2.1'));
    const recorded = (await securityDenials(db, { reasonCode: 'ip_not_allowed' })).map((row) => row.ip);
    expect(recorded).toEqual(expect.arrayContaining(['192.0.2.1', '2001:db9::5']));
  });
});

describe('TRUST_PROXY names the proxies whose X-Forwarded-For counts', () => {
  it('believes a listed proxy (here loopback, where supertest connects from) and ignores the header from anyone else', async () => {
    const listed = createConfiguredApp(db, { env: { TRUST_PROXY: '127.0.0.1, ::1', IP_ALLOWLIST: '10.0.0.0/8' } });
    expect((await request(listed).get('/api/session').set('X-Forwarded-For', '10.1.2.3')).status).toBe(401);
    expectIpProblem(await request(listed).get('/api/session').set('X-Forwarded-For', '192.0.2.1'));

    // A proxy elsewhere: the request from loopback is not from it, so its header counts for nothing.
    const elsewhere = createConfiguredApp(db, { env: { TRUST_PROXY: '10.9.9.9', IP_ALLOWLIST: '10.0.0.0/8' } });
    expectIpProblem(await request(elsewhere).get('/api/session').set('X-Forwarded-For', '10.1.2.3'));
  });

  it('trusts none with `none`, even with COOKIE_SECURE (which otherwise trusts a proxy on loopback)', async () => {
    const none = createConfiguredApp(db, { env: { TRUST_PROXY: 'none', COOKIE_SECURE: 'true', IP_ALLOWLIST: '10.0.0.0/8' } });
    expectIpProblem(await request(none).get('/api/session').set('X-Forwarded-For', '10.1.2.3'));
  });
});
