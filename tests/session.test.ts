import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestApp(db);
});
afterAll(async () => {
  await db.drop();
});

const sessionRows = async () => Number((await db.pool.query('SELECT count(*) FROM operator_sessions')).rows[0].count);

describe('POST/GET/DELETE /api/session', () => {
  it('logs in with the right password, stores the session in PostgreSQL, and logs out', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const agent = request.agent(app);
    const before = await sessionRows();

    const login = await agent.post('/api/session').send({ ...(await credentials(op)), email: op.email.toUpperCase() });
    expect(login.status).toBe(200);
    expect(login.body.operator).toMatchObject({ id: op.id, email: op.email, roles: ['support_agent'] });
    expect(login.body.impersonation).toBeNull();
    const cookie = login.headers['set-cookie'][0];
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(await sessionRows()).toBe(before + 1);

    const me = await agent.get('/api/session');
    expect(me.status).toBe(200);
    expect(me.body.operator.email).toBe(op.email);

    expect((await agent.delete('/api/session')).status).toBe(204);
    expect(await sessionRows()).toBe(before);
    const after = await agent.get('/api/session');
    expect(after.status).toBe(401);
  });

  it('gives the same answer for an unknown email and a wrong password (no enumeration)', async () => {
    const op = await createOperator(db);
    const wrong = await request(app).post('/api/session').send({ email: op.email, password: `${op.password}x` });
    const unknown = await request(app).post('/api/session').send({ email: 'nobody@test.local', password: 'whatever-pass' });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('invalid_credentials');
  });

  it('refuses a disabled operator and ends their live session on the next request', async () => {
    const op = await createOperator(db);
    const agent = request.agent(app);
    expect((await agent.post('/api/session').send(await credentials(op))).status).toBe(200);
    await db.prisma.operator.update({ where: { id: op.id }, data: { status: 'disabled' } });
    expect((await agent.get('/api/session')).status).toBe(401);
    expect((await request(app).post('/api/session').send(await credentials(op))).status).toBe(401);
  });

  it('shares the session between the backoffice and the API, and the backoffice logout deletes its row', async () => {
    const op = await createOperator(db);
    const agent = request.agent(app);
    const before = await sessionRows();
    const login = await agent.post('/admin/login').type('form').send(await credentials(op));
    expect(login.status).toBe(302);
    expect(await sessionRows()).toBe(before + 1);
    expect((await agent.get('/api/session')).body.operator.id).toBe(op.id);
    const logout = await agent.get('/admin/logout');
    expect(logout.headers.location).toBe('/admin/login');
    expect(await sessionRows()).toBe(before);
    expect((await agent.get('/admin/api/resources/Order/actions/list')).status).toBe(302);
  });

  it('ends a disabled operator\'s backoffice session on their next request', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const agent = request.agent(app);
    await agent.post('/admin/login').type('form').send(await credentials(op)).expect(302);
    expect((await agent.get('/admin/api/resources/Order/actions/list')).status).toBe(200);
    await db.prisma.operator.update({ where: { id: op.id }, data: { status: 'disabled' } });
    const after = await agent.get('/admin/api/resources/Order/actions/list');
    expect(after.status).toBe(302);
    expect(after.headers.location).toMatch(/\/admin\/login$/);
  });

  it('issues a new session id at login (no fixation)', async () => {
    const op = await createOperator(db);
    const agent = request.agent(app);
    const first = await agent.post('/api/session').send(await credentials(op));
    const second = await agent.post('/api/session').send(await credentials(op));
    const sid = (res: request.Response) => String(res.headers['set-cookie'][0]).split(';')[0];
    expect(sid(first)).not.toBe(sid(second));
  });

  it('answers bad input with problem+json 422 and malformed JSON with 400, never HTML', async () => {
    const bad = await request(app).post('/api/session').send({ email: 'not-an-email', password: '' });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'validation_failed', status: 422 });
    expect(bad.body.correlationId).toBe(bad.headers['x-correlation-id']);
    const malformed = await request(app).post('/api/session').set('content-type', 'application/json').send('{"email":');
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/problem\+json/);
    expect(malformed.text).not.toMatch(/<html|at .*\.ts/i);
  });

  it('refuses anonymous access with 401 problem+json', async () => {
    const res = await request(app).get('/api/session');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'unauthenticated', status: 401 });
  });
});

describe('health and correlation', () => {
  it('reports liveness and readiness with database and Unleash state', async () => {
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ database: 'ok', unleash: 'ok' });
  });

  it('echoes a sane X-Correlation-Id and replaces a hostile one', async () => {
    const echoed = await request(app).get('/healthz').set('X-Correlation-Id', 'abc-123');
    expect(echoed.headers['x-correlation-id']).toBe('abc-123');
    const hostile = await request(app).get('/healthz').set('X-Correlation-Id', '<script>alert(1)</script>');
    expect(hostile.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown API routes with 404 problem+json', async () => {
    const res = await request(app).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
