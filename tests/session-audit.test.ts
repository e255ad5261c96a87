// Logins, failed logins and logouts on both faces are audited, with who, from where and the
// request's correlation id.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, TEST_AUDIT_KEY } from './support/app.js';
import { createAuditService } from '../src/audit/audit-service.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

it('records API and backoffice logins, failures and logouts', async () => {
  const audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  const app = createTestApp(db, { audit });
  const op = await createOperator(db, { roles: ['support_agent'] });

  const api = request.agent(app);
  await api.post('/api/session').set('User-Agent', 'audit-test/1').set('X-Correlation-Id', 'corr-login-1').send(await credentials(op)).expect(200);
  await api.delete('/api/session').expect(204);
  await request(app).post('/api/session').send({ email: 'Nobody@Example.com', password: 'guess-guess' }).expect(401);
  const admin = request.agent(app);
  await admin.post('/admin/login').type('form').send(await credentials(op)).expect(302);
  await admin.get('/admin/logout').expect(302);
  await request(app).post('/admin/login').type('form').send({ email: op.email, password: 'wrong-password' });

  await audit.seal();
  const { rows } = await db.pool.query(
    `SELECT action, outcome, operator_id, entity_id, user_agent, correlation_id, ip FROM audit.events WHERE action LIKE 'session.%' ORDER BY seq`,
  );
  expect(rows.map((r) => [r.action, r.outcome, r.operator_id])).toEqual([
    ['session.login', 'succeeded', op.id],
    ['session.logout', 'succeeded', op.id],
    ['session.login_failed', 'failed', null],
    ['session.login', 'succeeded', op.id],
    ['session.logout', 'succeeded', op.id],
    ['session.login_failed', 'failed', null],
  ]);
  expect(rows[0]).toMatchObject({ user_agent: 'audit-test/1', correlation_id: 'corr-login-1' });
  expect(rows[0].ip).toMatch(/127\.0\.0\.1|::1/);
  expect(rows[2].entity_id).toBe('nobody@example.com');
  expect(await audit.verify()).toMatchObject({ ok: true });
});
