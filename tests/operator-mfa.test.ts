// Operator MFA from the attacker's side: an operator without an authenticator gets a session that
// can only enrol one; enrolment (QR, first code, recovery codes once) ends in a new session id; a
// login needs the code and says nothing more than "wrong" when it is missing, wrong or replayed; a
// replayed TOTP code and a reused recovery code are refused and audited.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { authenticator } from './support/totp.js';
import { auditRows, sessionCookie } from './support/session-fixtures.js';
import { timeStepOf, totpCode } from '../src/auth/totp.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
});
afterAll(async () => {
  await db.drop();
});

/** Enrols through the API as the operator would: returns the agent, the secret and the recovery codes. */
async function enrol(op: { email: string; password: string }) {
  const agent = request.agent(app);
  const login = await agent.post('/api/session').send({ email: op.email, password: op.password }).expect(200);
  const { body: enrolment } = await agent.post('/api/session/mfa/enrol').expect(200);
  const totp = authenticator(enrolment.secret);
  const confirmed = await agent.post('/api/session/mfa/confirm').send({ totp: await totp() }).expect(200);
  return { agent, login, confirmed, secret: enrolment.secret as string, totp, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

describe('an operator without an authenticator (MFA_REQUIRED)', () => {
  it('gets a session that can only enrol one: every other API answers 403 mfa_enrolment_required', async () => {
    const op = await createOperator(db, { roles: ['super_admin'], mfa: false });
    const agent = request.agent(app);
    const login = await agent.post('/api/session').send({ email: op.email, password: op.password }).expect(200);
    expect(login.body.mfa).toEqual({ isEnrolmentRequired: true });
    // Who they are, with no permission at all.
    expect(login.body.operator).toMatchObject({ id: op.id, roles: ['super_admin'], permissions: [] });
    for (const [method, path] of [['get', '/api/actions'], ['get', '/api/roles'], ['get', '/api/audit'], ['get', '/api/sessions'], ['post', '/api/actions/org.freeze'], ['post', '/api/session/step-up']] as const) {
      const res = await agent[method](path).send({});
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'mfa_enrolment_required' });
    }
    expect((await agent.get('/api/session').expect(200)).body.mfa).toEqual({ isEnrolmentRequired: true });
    expect((await agent.get('/api/session/mfa').expect(200)).body).toEqual({ isEnrolled: false, isRequired: true, isEnrolmentRequired: true, recoveryCodesLeft: 0 });
  });

  it('enrols with a QR code and a first code, gets ten recovery codes once, and continues under a new session id', async () => {
    const op = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const agent = request.agent(app);
    const login = await agent.post('/api/session').send({ email: op.email, password: op.password }).expect(200);
    const pendingCookie = sessionCookie(login)!;

    const { body: enrolment } = await agent.post('/api/session/mfa/enrol').expect(200);
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toBe(`otpauth://totp/opsdeck:${encodeURIComponent(op.email)}?secret=${enrolment.secret}&issuer=opsdeck`);
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]{200,}$/);
    // A wrong first code confirms nothing.
    const wrong = await agent.post('/api/session/mfa/confirm').send({ totp: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_code');

    const confirmed = await agent.post('/api/session/mfa/confirm').send({ totp: await totpCode(enrolment.secret) }).expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    for (const code of confirmed.body.recoveryCodes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    // Session fixation: the enrolment-only session id is not the one that carries the permissions.
    const fullCookie = sessionCookie(confirmed);
    expect(fullCookie).not.toBeNull();
    expect(fullCookie).not.toBe(pendingCookie);
    expect((await request(app).get('/api/session').set('Cookie', pendingCookie)).status).toBe(401);
    const me = await agent.get('/api/session').expect(200);
    expect(me.body.mfa).toEqual({ isEnrolmentRequired: false });
    expect(me.body.operator.permissions).toContain('order.read');
    expect((await agent.get('/api/actions')).status).toBe(200);

    // Stored: the secret confirmed, the recovery codes as salted hashes only.
    const { rows: codes } = await db.pool.query<{ code_hash: string }>('SELECT code_hash FROM operator_recovery_codes WHERE operator_id = $1', [op.id]);
    expect(codes).toHaveLength(10);
    const stored = JSON.stringify(codes);
    for (const code of confirmed.body.recoveryCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
    expect(codes[0].code_hash).toMatch(/^sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    // A second enrolment is refused; the audit has the first.
    expect((await agent.post('/api/session/mfa/enrol')).body.code).toBe('mfa_already_enrolled');
    expect(await auditRows(db, ['session.mfa_enrolled'])).toContainEqual(expect.objectContaining({ operator_id: op.id, outcome: 'succeeded' }));
    expect((await agent.get('/api/session/mfa').expect(200)).body).toMatchObject({ isEnrolled: true, recoveryCodesLeft: 10 });
  });

  it('is sent to the Security page in the backoffice, whose data calls are refused until then', async () => {
    const op = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const agent = request.agent(app);
    const login = await agent.post('/admin/login').type('form').send({ email: op.email, password: op.password });
    expect(login.status).toBe(302);
    const home = await agent.get('/admin');
    expect(home.status).toBe(302);
    expect(home.headers.location).toBe('/admin/pages/security');
    expect((await agent.get('/admin/resources/Order')).headers.location).toBe('/admin/pages/security');
    expect((await agent.get('/admin/pages/security')).status).toBe(200);
    const data = await agent.get('/admin/api/resources/Order/actions/list');
    expect(data.status).toBe(403);
    expect(data.body.code).toBe('mfa_enrolment_required');
  });

  it('logs in with a password only when MFA_REQUIRED=false', async () => {
    const lax = createTestApp(db, { env: { MFA_REQUIRED: 'false' } });
    const op = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const agent = request.agent(lax);
    const login = await agent.post('/api/session').send({ email: op.email, password: op.password }).expect(200);
    expect(login.body.mfa).toEqual({ isEnrolmentRequired: false });
    expect((await agent.get('/api/actions')).status).toBe(200);
  });
});

describe('a login with an authenticator', () => {
  it('needs the code: missing and wrong codes get the wrong password\'s answer', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const answers = await Promise.all([
      request(app).post('/api/session').send({ email: op.email, password: `${op.password}x`, totp: await op.totp() }),
      request(app).post('/api/session').send({ email: op.email, password: op.password }),
      request(app).post('/api/session').send({ email: op.email, password: op.password, totp: '123456' }),
      request(app).post('/api/session').send({ email: 'nobody@test.local', password: op.password, totp: '123456' }),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
      const { correlationId: _id, ...body } = res.body;
      expect(body).toEqual({ type: 'https://opsdeck.dev/problems/invalid_credentials', title: 'Login failed', status: 401, detail: 'Wrong email, password or authentication code.', code: 'invalid_credentials' });
    }
  });

  it('refuses a replayed TOTP code with the same answer, and audits the replay', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const code = await op.totp();
    await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: code }).expect(200);
    const replay = await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
    expect(await auditRows(db, ['session.totp_replayed'])).toContainEqual({ action: 'session.totp_replayed', operator_id: op.id, entity_type: 'operator', entity_id: String(op.id), note: 'during login', outcome: 'denied' });
    // An older code than the last one used is a replay too.
    const earlier = await totpCode(op.totpSecret!, timeStepOf(Date.now()) - 1);
    expect((await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: earlier })).status).toBe(401);
  });

  it('accepts two requests racing with one code once', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const code = await op.totp();
    const both = await Promise.all([1, 2].map(() => request(app).post('/api/session').send({ email: op.email, password: op.password, totp: code })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('takes a recovery code instead, each once, on both faces', async () => {
    const op = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const { recoveryCodes } = await enrol(op);
    // Lower case and without dashes is the same code.
    const typed = recoveryCodes[0].toLowerCase().replace(/-/g, '');
    const api = await request(app).post('/api/session').send({ email: op.email, password: op.password, recoveryCode: typed });
    expect(api.status).toBe(200);
    expect(api.body.mfa).toEqual({ isEnrolmentRequired: false });
    const again = await request(app).post('/api/session').send({ email: op.email, password: op.password, recoveryCode: recoveryCodes[0] });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('invalid_credentials');
    // The backoffice form takes one in its code field.
    const form = await request(app).post('/admin/login').type('form').send({ email: op.email, password: op.password, totp: recoveryCodes[1] });
    expect(form.status).toBe(302);
    expect(form.headers.location).toBe('/admin');
    expect((await request(app).post('/admin/login').type('form').send({ email: op.email, password: op.password, totp: recoveryCodes[1] })).status).not.toBe(302);

    const rows = await auditRows(db, ['session.recovery_code_used', 'session.recovery_code_replayed']);
    expect(rows.filter((r) => r.operator_id === op.id).map((r) => [r.action, r.note])).toEqual([
      ['session.recovery_code_used', '9 recovery codes left'],
      ['session.recovery_code_replayed', 'during login'],
      ['session.recovery_code_used', '8 recovery codes left'],
      ['session.recovery_code_replayed', 'during login'],
    ]);
  });

  it('marks the session stepped up when it came with a code, not when it came with a password only', async () => {
    const lax = createTestApp(db, { env: { MFA_REQUIRED: 'false' } });
    const withCode = await createOperator(db, { roles: ['support_agent'] });
    const withoutCode = await createOperator(db, { roles: ['support_agent'], mfa: false });
    await request(lax).post('/api/session').send(await credentials(withCode)).expect(200);
    await request(lax).post('/api/session').send(await credentials(withoutCode)).expect(200);
    const stepUpAt = async (id: number) => (await db.pool.query(`SELECT sess ->> 'stepUpAt' AS at FROM operator_sessions WHERE operator_id = $1`, [id])).rows[0]?.at;
    expect(Number(await stepUpAt(withCode.id))).toBeGreaterThan(Date.now() - 60_000);
    expect(await stepUpAt(withoutCode.id)).toBeNull();
  });

  it('logs in on the backoffice form with the code, and refuses it without', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const without = await request(app).post('/admin/login').type('form').send({ email: op.email, password: op.password });
    expect(without.status).toBe(200);
    expect(without.text).toContain('invalidCredentials');
    const login = await request(app).post('/admin/login').type('form').send(await credentials(op));
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/admin');
  });
});
