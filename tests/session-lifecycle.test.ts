// Operator sessions from the attacker's side: a planted id is worthless after login, a logged-out
// id is dead, idle and absolute lifetimes end sessions (the stored session is aged, nobody sleeps)
// and their rows are deleted, the cookie cannot be read by scripts, sent cross-site or (behind TLS)
// sent in clear, and disabling an operator or revoking a session ends it at once.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, loginAs } from './support/app.js';
import { auditRows, patchSessions, sessionCookie, sessionCookieHeader, sessionCount } from './support/session-fixtures.js';
import { createSessionSettings } from '../src/auth/session.js';
import { loadConfig } from '../src/config/config.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
});
afterAll(async () => {
  await db.drop();
});

describe('session ids', () => {
  it('change at login: an id planted before it does not become the victim\'s session', async () => {
    const attacker = await createOperator(db);
    const victim = await createOperator(db, { roles: ['support_agent'] });
    const planted = sessionCookie(await request(app).post('/api/session').send(await credentials(attacker)))!;
    const login = await request(app).post('/api/session').set('Cookie', planted).send(await credentials(victim));
    expect(login.status).toBe(200);
    expect(sessionCookie(login)).not.toBe(planted);
    expect((await request(app).get('/api/session').set('Cookie', planted)).body.operator?.id).not.toBe(victim.id);
  });

  it('are dead after logout, on both faces, and their rows deleted', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const api = await request(app).post('/api/session').send(await credentials(op)).expect(200);
    const apiCookie = sessionCookie(api)!;
    const form = await request(app).post('/admin/login').type('form').send(await credentials(op)).expect(302);
    const adminCookie = sessionCookie(form)!;
    expect(await sessionCount(db, op.id)).toBe(2);
    await request(app).delete('/api/session').set('Cookie', apiCookie).expect(204);
    await request(app).get('/admin/logout').set('Cookie', adminCookie).expect(302);
    expect(await sessionCount(db, op.id)).toBe(0);
    // A copy of the cookie kept by an attacker opens nothing.
    expect((await request(app).get('/api/session').set('Cookie', apiCookie)).status).toBe(401);
    expect((await request(app).get('/admin/api/resources/Order/actions/list').set('Cookie', adminCookie)).status).toBe(302);
  });
});

describe('lifetimes', () => {
  it('ends an idle session (past its expiry), and the store\'s pruning deletes its row', async () => {
    const { agent, id } = await loginAs(app, db, ['support_agent']);
    await agent.get('/api/session').expect(200);
    // 31 minutes without a request: the row's rolling expiry has passed.
    await db.pool.query(`UPDATE operator_sessions SET expire = (now() - interval '1 minute')::timestamp WHERE operator_id = $1`, [id]);
    expect((await agent.get('/api/session')).status).toBe(401);
    expect(await sessionCount(db, id)).toBe(1);
    const { store } = createSessionSettings({ config: loadConfig({ NODE_ENV: 'test' }), pool: db.pool, secret: 'x'.repeat(32) });
    await new Promise<void>((resolve, reject) => (store as unknown as { pruneSessions: (cb: (err?: Error) => void) => void }).pruneSessions((err) => (err ? reject(err) : resolve())));
    await store.close?.();
    expect(await sessionCount(db, id)).toBe(0);
  });

  it('rolls the idle expiry with use (30 minutes by default)', async () => {
    const op = await createOperator(db);
    const agent = request.agent(app);
    const expiresIn = (res: request.Response) => new Date(/Expires=([^;]+)/.exec(sessionCookieHeader(res)!)![1]).getTime() - Date.now();
    const res = await agent.post('/api/session').send(await credentials(op)).expect(200);
    expect(expiresIn(res)).toBeGreaterThan(29 * 60_000);
    expect(expiresIn(res)).toBeLessThanOrEqual(30 * 60_000);
    // Every answer hands the cookie out again with a new expiry.
    expect(expiresIn(await agent.get('/api/session').expect(200))).toBeGreaterThan(29 * 60_000);
    const { rows } = await db.pool.query(`SELECT extract(epoch FROM expire - now()::timestamp) AS seconds FROM operator_sessions WHERE operator_id = $1`, [op.id]);
    expect(Number(rows[0].seconds)).toBeGreaterThan(1_700);
    expect(Number(rows[0].seconds)).toBeLessThanOrEqual(1_810);
  });

  it('ends a session 12 hours after its login however active it is, and deletes its row', async () => {
    const { agent, id } = await loginAs(app, db, ['support_agent']);
    await agent.get('/api/session').expect(200);
    await patchSessions(db, id, { loginAt: Date.now() - 12 * 3_600_000 - 1_000 });
    const res = await agent.get('/api/session');
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Your session has ended.');
    expect(await sessionCount(db, id)).toBe(0);
  });

  it('ends it on the backoffice face too, and sessions without a login time (older than this version) at once', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const agent = request.agent(app);
    await agent.post('/admin/login').type('form').send(await credentials(op)).expect(302);
    await agent.get('/admin/api/resources/Order/actions/list').expect(200);
    await patchSessions(db, op.id, {}, ['loginAt']);
    const res = await agent.get('/admin/api/resources/Order/actions/list');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/\/admin\/login$/);
    expect(await sessionCount(db, op.id)).toBe(0);
  });

  it('follows SESSION_ABSOLUTE_HOURS', async () => {
    const short = createTestApp(db, { env: { SESSION_ABSOLUTE_HOURS: '1' } });
    const { agent, id } = await loginAs(short, db, ['support_agent']);
    await patchSessions(db, id, { loginAt: Date.now() - 59 * 60_000 });
    await agent.get('/api/session').expect(200);
    await patchSessions(db, id, { loginAt: Date.now() - 61 * 60_000 });
    expect((await agent.get('/api/session')).status).toBe(401);
  });
});

describe('the cookie', () => {
  it('is HttpOnly, SameSite=Strict and for the whole site over plain http (development)', async () => {
    const op = await createOperator(db);
    const header = sessionCookieHeader(await request(app).post('/api/session').send(await credentials(op)).expect(200))!;
    expect(header).toMatch(/^opsdeck\.sid=/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Strict/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/; Domain=/i);
  });

  it('is Secure with the __Host- prefix when COOKIE_SECURE (behind TLS), and never sent over plain http', async () => {
    const secure = createTestApp(db, { env: { COOKIE_SECURE: 'true' } });
    const op = await createOperator(db);
    const tls = await request(secure).post('/api/session').set('X-Forwarded-Proto', 'https').send(await credentials(op)).expect(200);
    const header = sessionCookieHeader(tls)!;
    expect(header).toMatch(/^__Host-opsdeck\.sid=/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Strict/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/; Domain=/i);
    // Over plain http the server does not hand out the cookie at all.
    const plain = await request(secure).post('/api/session').send(await credentials(op));
    expect(sessionCookieHeader(plain)).toBeNull();
  });
});

describe('ending other operators\' sessions', () => {
  it('disabling an operator deletes all of their sessions at once, from the backoffice\'s Operator screen', async () => {
    const target = await createOperator(db, { roles: ['support_agent'] });
    const api = request.agent(app);
    await api.post('/api/session').send(await credentials(target)).expect(200);
    const backoffice = request.agent(app);
    await backoffice.post('/admin/login').type('form').send(await credentials(target)).expect(302);
    expect(await sessionCount(db, target.id)).toBe(2);

    const { agent: admin } = await loginAs(app, db, ['super_admin']);
    const adminForm = request.agent(app);
    const superAdmin = await createOperator(db, { roles: ['super_admin'] });
    await adminForm.post('/admin/login').type('form').send(await credentials(superAdmin)).expect(302);
    const edit = await adminForm.post(`/admin/api/resources/Operator/records/${target.id}/edit`).type('form').send({ status: 'disabled' });
    expect(edit.status).toBe(200);
    expect(edit.body.notice?.type).toBe('success');
    expect(await sessionCount(db, target.id)).toBe(0);
    expect((await api.get('/api/session')).status).toBe(401);
    expect((await backoffice.get('/admin/api/resources/Order/actions/list')).status).toBe(302);
    // The administrators' own sessions live on.
    await admin.get('/api/session').expect(200);
    expect(await auditRows(db, ['Operator.edit'])).toContainEqual(expect.objectContaining({ entity_id: String(target.id), operator_id: superAdmin.id, outcome: 'succeeded' }));
  });

  it('lists live sessions for session.read without their ids\' secrets, and revokes one for session.revoke, audited', async () => {
    const target = await createOperator(db, { roles: ['support_agent'] });
    const victimAgent = request.agent(app);
    const login = await victimAgent.post('/api/session').set('User-Agent', 'victim-browser/1.0').send(await credentials(target)).expect(200);
    const sid = decodeURIComponent(sessionCookie(login)!.split('=')[1]).replace(/^s:/, '').split('.')[0];

    const { agent: reader } = await loginAs(app, db, ['support_agent']);
    expect((await reader.get('/api/sessions')).status).toBe(403);
    expect((await reader.delete(`/api/sessions/00000000-0000-4000-8000-000000000000`)).status).toBe(403);

    const { agent: admin, id: adminId } = await loginAs(app, db, ['platform_admin']);
    const list = await admin.get('/api/sessions').query({ operatorId: target.id }).expect(200);
    expect(list.body.items).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/), operatorId: target.id, operatorEmail: target.email, createdAt: expect.any(String), lastSeenAt: expect.any(String),
        expiresAt: expect.any(String), ip: expect.stringMatching(/127\.0\.0\.1|::1/), userAgent: 'victim-browser/1.0', isEnrolmentOnly: false,
      },
    ]);
    expect(new Date(list.body.items[0].expiresAt).getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(JSON.stringify(list.body)).not.toContain(sid);
    // Keyset pages: newest first, one at a time.
    const page = await admin.get('/api/sessions').query({ limit: 1 }).expect(200);
    expect(page.body.items).toHaveLength(1);
    const next = await admin.get('/api/sessions').query({ limit: 1, cursor: page.body.nextCursor }).expect(200);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    expect(new Date(next.body.items[0].createdAt).getTime()).toBeLessThanOrEqual(new Date(page.body.items[0].createdAt).getTime());

    const sessionId = list.body.items[0].id;
    await admin.delete(`/api/sessions/${sessionId}`).expect(204);
    expect((await victimAgent.get('/api/session')).status).toBe(401);
    expect((await admin.delete(`/api/sessions/${sessionId}`)).status).toBe(404);
    expect(await auditRows(db, ['session.revoked'])).toContainEqual({
      action: 'session.revoked', operator_id: adminId, entity_type: 'operator_session', entity_id: sessionId, note: `a session of operator ${target.id}`, outcome: 'succeeded',
    });
  });

  it('revokes one from the backoffice\'s Sessions screen, which shows no sid or session data', async () => {
    const target = await createOperator(db, { roles: ['support_agent'] });
    const victimAgent = request.agent(app);
    await victimAgent.post('/api/session').send(await credentials(target)).expect(200);
    const superAdmin = await createOperator(db, { roles: ['super_admin'] });
    const admin = request.agent(app);
    await admin.post('/admin/login').type('form').send(await credentials(superAdmin)).expect(302);

    const list = await admin.get('/admin/api/resources/OperatorSession/actions/list').query({ 'filters.operator': target.id }).expect(200);
    expect(list.body.records).toHaveLength(1);
    const record = list.body.records[0];
    expect(Object.keys(record.params).sort()).toEqual(['createdAt', 'expire', 'id', 'ip', 'lastSeenAt', 'operator', 'userAgent']);
    expect(record.populated.operator.params.email).toBe(target.email);

    // Support agents have no Sessions screen.
    const support = await createOperator(db, { roles: ['support_agent'] });
    const supportAgent = request.agent(app);
    await supportAgent.post('/admin/login').type('form').send(await credentials(support)).expect(302);
    expect((await supportAgent.get('/admin/api/resources/OperatorSession/actions/list')).status).toBe(403);
    expect((await supportAgent.post(`/admin/api/resources/OperatorSession/records/${record.id}/revoke`)).status).toBe(403);

    const revoke = await admin.post(`/admin/api/resources/OperatorSession/records/${record.id}/revoke`).expect(200);
    expect(revoke.body.notice).toEqual({ type: 'success', message: 'The session is ended; its operator is logged out.' });
    expect((await victimAgent.get('/api/session')).status).toBe(401);
    expect(await auditRows(db, ['session.revoked'])).toContainEqual(expect.objectContaining({ operator_id: superAdmin.id, entity_id: record.id }));
  });
});
