// The per-operator write limit from the attacker's side (a runaway script, a stolen session): the
// request past OPERATOR_WRITE_LIMIT_PER_HOUR (default 1000) in an hour is refused with 429
// problem+json `rate_limited` and a Retry-After in seconds, before anything runs. The count is per
// operator and lives in PostgreSQL, so it holds across app instances.
import request from 'supertest';
import { appRoleDatabase, createTestDatabase } from './support/database.js';
import { loginAs } from './support/app.js';
import { cookieHeader, createConfiguredApp, securityDenials, sharedSessionSecret } from './support/security-app.js';
import { createDatabase } from '../src/db/database.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

let n = 0;
const newOrg = () => db.prisma.organization.create({ data: { kind: 'seller', name: `Limit target ${(n += 1)}` } });
const freeze = (agent: request.Agent | request.SuperTest<request.Test>, orgId: number, key: string) =>
  agent.post('/api/actions/org.freeze').set('Idempotency-Key', key).send({ target: { type: 'organization', id: String(orgId) }, input: {}, reasonCode: 'suspected_fraud' });
const countOf = async (operatorId: number) =>
  (await db.pool.query<{ points: number }>(`SELECT points FROM rate_limits WHERE key = $1`, [`operator-writes:${operatorId}`])).rows[0]?.points ?? 0;

function expectRateLimited(res: request.Response, limit: number) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'rate_limited', status: 429, detail: expect.stringContaining(`At most ${limit} state-changing requests`) });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(3600);
}

describe('the default limit', () => {
  it('lets 1000 state-changing requests through in an hour and refuses the 1001st with 429 and Retry-After; it runs nothing', async () => {
    const app = createConfiguredApp(db);
    const { agent, id } = await loginAs(app, db, ['risk_agent']);
    const [first, last] = [await newOrg(), await newOrg()];
    // Requests 1 to 999: the cheapest write there is, a POST to no route (counted, then a 404).
    for (let i = 1; i <= 999; i++) {
      const res = await agent.post('/api/nothing-here');
      if (res.status !== 404) throw new Error(`request ${i} answered ${res.status}`);
    }
    // The 1000th is still let through, and runs.
    expect((await freeze(agent, first.id, 'limit-1000')).status).toBe(200);
    expect(await countOf(id)).toBe(1000);

    const refused = await freeze(agent, last.id, 'limit-1001');
    expectRateLimited(refused, 1000);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: last.id } })).status).toBe('active');
    expect(await db.prisma.actionRun.count({ where: { targetId: String(last.id) } })).toBe(0);
    expect(await db.prisma.idempotencyKey.count({ where: { key: 'limit-1001' } })).toBe(0);
    const [row] = await securityDenials(db, { operatorId: id, reasonCode: 'rate_limited' });
    expect(row).toMatchObject({ outcome: 'denied', entity_id: 'POST /api/actions/org.freeze', note: expect.stringContaining('more than 1000') });
    // Reads are not writes, and logging out is never refused.
    expect((await agent.get('/api/session')).status).toBe(200);
    expect((await agent.delete('/api/session')).status).toBe(204);
  });
});

describe('a lower limit (OPERATOR_WRITE_LIMIT_PER_HOUR=5)', () => {
  const env = { OPERATOR_WRITE_LIMIT_PER_HOUR: '5' };

  it('counts per operator: another operator is unaffected', async () => {
    const app = createConfiguredApp(db, { env });
    const busy = await loginAs(app, db, ['support_agent']);
    const other = await loginAs(app, db, ['support_agent']);
    for (let i = 0; i < 5; i++) expect((await busy.agent.post('/api/nothing-here')).status).toBe(404);
    expectRateLimited(await busy.agent.post('/api/nothing-here'), 5);
    expect((await other.agent.post('/api/nothing-here')).status).toBe(404);
    expect(await countOf(other.id)).toBe(1);
  });

  it('holds across two app instances over the same database', async () => {
    const secret = sharedSessionSecret();
    // A second instance with a pool of its own, as another process would have.
    const secondDb = createDatabase({ url: db.url, max: 2 });
    try {
      const a = createConfiguredApp(db, { env, sessionSecret: secret });
      const b = createConfiguredApp(secondDb, { env, sessionSecret: secret });
      const { agent, id } = await loginAs(a, db, ['support_agent']);
      const cookie = cookieHeader(agent);
      for (let i = 0; i < 3; i++) expect((await request(a).delete('/api/nothing-here').set('Cookie', cookie)).status).toBe(404);
      for (let i = 0; i < 2; i++) expect((await request(b).patch('/api/nothing-here').set('Cookie', cookie)).status).toBe(404);
      expectRateLimited(await request(a).put('/api/nothing-here').set('Cookie', cookie), 5);
      expectRateLimited(await request(b).post('/api/nothing-here').set('Cookie', cookie), 5);
      // One audit row for the operator's hour, whichever instance refused first.
      expect(await securityDenials(db, { operatorId: id, reasonCode: 'rate_limited' })).toHaveLength(1);
      expect(await countOf(id)).toBe(7);
    } finally {
      await secondDb.close();
    }
  });

  it('answers further refusals from memory: a runaway client costs no more queries', async () => {
    const app = createConfiguredApp(db, { env });
    const { agent, id } = await loginAs(app, db, ['support_agent']);
    for (let i = 0; i < 6; i++) await agent.post('/api/nothing-here');
    expect(await countOf(id)).toBe(6);
    for (let i = 0; i < 20; i++) expectRateLimited(await agent.post('/api/nothing-here'), 5);
    expect(await countOf(id)).toBe(6);
  });

  it('does not count reads, logins, requests without a session, or the backoffice login', async () => {
    const app = createConfiguredApp(db, { env });
    const { agent, id } = await loginAs(app, db, ['support_agent']);
    for (let i = 0; i < 10; i++) await agent.get('/api/session');
    await request(app).post('/api/nothing-here');
    await agent.post('/admin/login').type('form').send({ email: 'nobody@test.local', password: 'wrong-password' });
    expect(await countOf(id)).toBe(0);
  });

  it('counts the backoffice\'s action POSTs with the API\'s, and refuses them past the limit', async () => {
    const app = createConfiguredApp(db, { env });
    const { agent, id } = await loginAs(app, db, ['risk_agent']);
    const org = await newOrg();
    for (let i = 0; i < 4; i++) await agent.post('/api/nothing-here');
    const adminPost = () => agent.post(`/admin/api/resources/Organization/records/${org.id}/org-freeze`).send({ actionRequest: JSON.stringify({ reasonCode: 'suspected_fraud' }), idempotencyKey: `admin-${(n += 1)}` });
    expect((await adminPost()).status).not.toBe(429);
    expect(await countOf(id)).toBe(5);
    expectRateLimited(await adminPost(), 5);
  });

  it('works as the app\'s database role (the migration grants it the table)', async () => {
    const appDb = await appRoleDatabase(db, { max: 2 });
    try {
      const app = createConfiguredApp(appDb, { env });
      const { agent, id } = await loginAs(app, db, ['support_agent']);
      for (let i = 0; i < 5; i++) expect((await agent.post('/api/nothing-here')).status).toBe(404);
      expectRateLimited(await agent.post('/api/nothing-here'), 5);
      expect(await countOf(id)).toBe(6);
    } finally {
      await appDb.close();
    }
  });
});
