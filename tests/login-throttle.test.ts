// Guessing passwords: at most 100 failed logins an hour per account and per address, then 429
// `rate_limited` with Retry-After (even for the right password), audited once as
// `session.locked_out`; and nothing tells an unknown email from a wrong password, not the answer,
// not the lockout, not (roughly) the time it takes.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { auditRows } from './support/session-fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
// Every test starts with clean counters (all requests here come from one address).
beforeEach(async () => {
  await db.pool.query('DELETE FROM login_throttles');
});

const LIMIT = 100;

/** `count` failed logins, a few at a time (each is an argon2 verification). */
async function fail(app: ReturnType<typeof createTestApp>, count: number, body: (i: number) => object): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => request(app).post('/api/session').send(body(i + j))));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

const expectLockedOut = (res: request.Response) => {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body).toMatchObject({ code: 'rate_limited', status: 429 });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(3_000);
  expect(retryAfter).toBeLessThanOrEqual(3_600);
  expect(res.headers['set-cookie']).toBeUndefined();
};

it('locks an account at its 101st failure in an hour, even with the right password, and audits it once', async () => {
  // The address limit is out of the way: this is the account's.
  const app = createTestApp(db, { env: { LOGIN_MAX_FAILURES_PER_IP: '100000' } });
  const op = await createOperator(db, { roles: ['support_agent'] });
  expect(await fail(app, LIMIT, () => ({ email: op.email, password: 'wrong-password' }))).toEqual(Array(LIMIT).fill(401));
  expectLockedOut(await request(app).post('/api/session').send(await credentials(op)));
  expectLockedOut(await request(app).post('/api/session').send({ email: op.email, password: 'wrong-password' }));
  // The backoffice form is the same login: refused too, with the wait on the page.
  const form = await request(app).post('/admin/login').type('form').send({ email: op.email, password: op.password, totp: await op.totp() });
  expect(form.status).toBe(400);
  expect(form.text).toMatch(/Too many failed attempts\. Try again in \d+ minutes\./);
  expect(form.headers['set-cookie']).toBeUndefined();

  const rows = (await auditRows(db, ['session.locked_out'])).filter((r) => r.entity_id === op.email);
  expect(rows).toEqual([{ action: 'session.locked_out', operator_id: null, entity_type: 'operator', entity_id: op.email, note: expect.stringMatching(/^100 failed attempts within an hour on this account; refused for \d+ s$/), outcome: 'denied' }]);
  // Another account is not affected.
  const other = await createOperator(db, { roles: ['support_agent'] });
  await request(app).post('/api/session').send(await credentials(other)).expect(200);
});

it('locks an address at its 101st failure in an hour, across accounts, and audits it once', async () => {
  const app = createTestApp(db, { env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000', LOGIN_MAX_FAILURES_PER_IP: String(LIMIT) } });
  // Spraying: one guess for each of many addresses, from one place.
  expect(await fail(app, LIMIT, (i) => ({ email: `sprayed-${i}@test.local`, password: 'Winter2026!' }))).toEqual(Array(LIMIT).fill(401));
  const op = await createOperator(db, { roles: ['support_agent'] });
  expectLockedOut(await request(app).post('/api/session').send(await credentials(op)));
  const rows = (await auditRows(db, ['session.locked_out'])).filter((r) => r.entity_type === 'ip');
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ operator_id: null, entity_id: expect.stringMatching(/127\.0\.0\.1|::1/), outcome: 'denied' });
  expect(rows[0].note).toMatch(/^100 failed attempts within an hour from this address/);
});

it('does not count successful logins, and counts wrong codes like wrong passwords', async () => {
  const app = createTestApp(db, { env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '100000' } });
  const op = await createOperator(db, { roles: ['support_agent'] });
  // A success first: if it counted, the third wrong code below would already be refused.
  await request(app).post('/api/session').send(await credentials(op)).expect(200);
  for (let i = 0; i < 3; i++) expect((await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: '000000' })).status).toBe(401);
  expectLockedOut(await request(app).post('/api/session').send(await credentials(op)));
});

describe('no user enumeration', () => {
  it('answers an unknown email exactly like a wrong password, also in its lockout', async () => {
    const app = createTestApp(db, { env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '5', LOGIN_MAX_FAILURES_PER_IP: '100000' } });
    const op = await createOperator(db, { roles: ['support_agent'] });
    const known = await fail(app, 5, () => ({ email: op.email, password: 'wrong-password', totp: '000000' }));
    const unknown = await fail(app, 5, () => ({ email: 'nobody-here@test.local', password: 'wrong-password', totp: '000000' }));
    expect(known).toEqual(unknown);
    const [a, b] = await Promise.all([
      request(app).post('/api/session').send({ email: op.email, password: 'wrong-password' }),
      request(app).post('/api/session').send({ email: 'nobody-here@test.local', password: 'wrong-password' }),
    ]);
    expect([a.status, b.status]).toEqual([429, 429]);
    const strip = ({ correlationId: _c, detail, ...rest }: Record<string, unknown>) => ({ ...rest, detail: String(detail).replace(/\d+/g, 'N') });
    expect(strip(a.body)).toEqual(strip(b.body));
  });

  it('takes about as long for an unknown email as for a wrong password (both verify an argon2 hash)', async () => {
    const app = createTestApp(db);
    const op = await createOperator(db, { roles: ['support_agent'] });
    const time = async (body: object) => {
      const started = process.hrtime.bigint();
      const res = await request(app).post('/api/session').send(body);
      expect(res.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so that a busy machine slows both alike.
    for (let i = 0; i < 7; i++) {
      known.push(await time({ email: op.email, password: `wrong-${i}` }));
      unknown.push(await time({ email: `nobody-${i}@test.local`, password: `wrong-${i}` }));
    }
    const ratio = median(known) / median(unknown);
    // Loose on purpose: a skipped hash would be ten times faster, not a few per cent.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });
});
