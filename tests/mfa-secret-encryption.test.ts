// TOTP secrets at rest (docs/adr/0008-operator-mfa-and-sessions.md): the column holds an AES-256-GCM
// value under a key outside the database, never the secret; a value that does not open (tampered,
// another key, left in clear) refuses the login with the answer a wrong code gets, and is logged
// with the operator id only; boot seals rows an older version stored in clear.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, loginAs, TEST_MFA_KEY } from './support/app.js';
import { authenticator } from './support/totp.js';
import { createSecretBox, parseEncryptionKey, SecretBoxError } from '../src/auth/secret-box.js';
import { sealPlaintextTotpSecrets } from '../src/auth/mfa-service.js';
import { newTotpSecret } from '../src/auth/totp.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;
let logged: Record<string, unknown>[];
const box = createSecretBox(TEST_MFA_KEY);
const SEALED = /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/;

beforeAll(async () => {
  db = await createTestDatabase();
  logged = [];
  const sink = new Writable({ write(chunk, _enc, done) { logged.push(JSON.parse(String(chunk))); done(); } });
  app = createTestApp(db, { logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await db.drop();
});

const storedSecret = async (operatorId: number): Promise<string> =>
  (await db.pool.query<{ totp_secret: string }>('SELECT totp_secret FROM operator_mfa WHERE operator_id = $1', [operatorId])).rows[0].totp_secret;
const storeSecret = (operatorId: number, value: string) => db.pool.query('UPDATE operator_mfa SET totp_secret = $2 WHERE operator_id = $1', [operatorId, value]);
const undecryptable = (operatorId: number) => logged.filter((l) => l.level === 50 && l.operatorId === operatorId);
/** The answer to a failed login, without what differs per request. */
const answer = (res: request.Response) => {
  const { correlationId: _c, instance: _i, ...body } = res.body as Record<string, unknown>;
  return { status: res.status, body };
};

describe('the secret box', () => {
  it('seals each value with its own IV, opens it, and refuses a tampered value or another key', () => {
    const secret = newTotpSecret();
    const [a, b] = [box.seal(secret), box.seal(secret)];
    expect(a).toMatch(SEALED);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(box.open(a)).toBe(secret);
    expect(box.open(b)).toBe(secret);

    const [iv, tag, ciphertext] = a.slice(3).split(':');
    const flip = (s: string) => `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    for (const tampered of [`v1:${iv}:${tag}:${flip(ciphertext)}`, `v1:${iv}:${flip(tag)}:${ciphertext}`, `v1:${flip(iv)}:${tag}:${ciphertext}`, `v1:${iv}:${tag}`, secret, '']) {
      expect(() => box.open(tampered)).toThrow(SecretBoxError);
    }
    expect(() => createSecretBox(randomBytes(32).toString('hex')).open(a)).toThrow(/wrong key, or tampered/);
  });

  it('takes a key as 64 hex characters or base64 (32 bytes), nothing else', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url'), key.toString('hex').toUpperCase()]) {
      expect(parseEncryptionKey(text).equals(key)).toBe(true);
    }
    for (const text of ['', 'secret', 'a'.repeat(63), 'g'.repeat(64), randomBytes(31).toString('base64'), randomBytes(33).toString('base64'), 'x'.repeat(44)]) {
      expect(() => parseEncryptionKey(text)).toThrow(/32 bytes written as 64 hex characters or as base64/);
    }
  });
});

describe('TOTP secrets in operator_mfa', () => {
  it('are stored sealed at enrolment, never as the secret, and the sealed secret confirms and logs in', async () => {
    const op = await createOperator(db, { roles: ['support_agent'], mfa: false });
    const agent = request.agent(app);
    await agent.post('/api/session').send({ email: op.email, password: op.password }).expect(200);
    const { body: enrolment } = await agent.post('/api/session/mfa/enrol').expect(200);
    const stored = await storedSecret(op.id);
    expect(stored).toMatch(SEALED);
    expect(stored).not.toContain(enrolment.secret);
    expect(box.open(stored)).toBe(enrolment.secret);

    const totp = authenticator(enrolment.secret);
    await agent.post('/api/session/mfa/confirm').send({ totp: await totp() }).expect(200);
    expect(await storedSecret(op.id)).toBe(stored);
    await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: await totp() }).expect(200);
  });

  it('are stored sealed by the test support too, and log in', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const stored = await storedSecret(op.id);
    expect(stored).toMatch(SEALED);
    expect(stored).not.toBe(op.totpSecret);
    await request(app).post('/api/session').send(await credentials(op)).expect(200);
  });
});

describe('a stored value that does not open', () => {
  it('refuses the login with the answer a wrong code gets, logs the operator id once and never the value', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const sealed = await storedSecret(op.id);
    const wrongCode = await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: '000000' });
    expect(wrongCode.status).toBe(401);

    const [iv, tag, ciphertext] = sealed.slice(3).split(':');
    await storeSecret(op.id, `v1:${iv}:${tag}:${ciphertext[0] === 'A' ? 'B' : 'A'}${ciphertext.slice(1)}`);
    const before = logged.length;
    const refused = await request(app).post('/api/session').send(await credentials(op));
    expect(answer(refused)).toEqual(answer(wrongCode));
    expect(undecryptable(op.id)).toHaveLength(1);
    const lines = JSON.stringify(logged.slice(before));
    expect(lines).not.toContain(op.totpSecret);
    expect(lines).not.toContain(ciphertext);
  });

  it('refuses the login under another key (401, no crash), and the right key still opens it', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const otherKey = createTestApp(db, { mfaEncryptionKey: randomBytes(32).toString('base64') });
    const refused = await request(otherKey).post('/api/session').send(await credentials(op));
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('invalid_credentials');
    await request(app).post('/api/session').send(await credentials(op)).expect(200);
  });

  it('refuses a step-up code (401 invalid_code)', async () => {
    const { agent, id, operator } = await loginAs(app, db, ['support_agent']);
    await storeSecret(id, box.seal(newTotpSecret()).replace(/^v1:(.)/, (_m, c: string) => `v1:${c === 'A' ? 'B' : 'A'}`));
    const res = await agent.post('/api/session/step-up').send({ totp: await operator.totp() });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'invalid_code' });
    expect(undecryptable(id)).toHaveLength(1);
  });
});

describe('a secret stored in clear by an older version', () => {
  it('is refused as it is, and sealed at start (once, idempotently), after which it logs in', async () => {
    const op = await createOperator(db, { roles: ['support_agent'] });
    const totpSecret = op.totpSecret!;
    await storeSecret(op.id, totpSecret);
    // Never accepted in clear: a value planted in the column is no way in.
    expect((await request(app).post('/api/session').send(await credentials(op))).status).toBe(401);

    expect(await sealPlaintextTotpSecrets({ pool: db.pool, secretBox: box })).toBe(1);
    const stored = await storedSecret(op.id);
    expect(stored).toMatch(SEALED);
    expect(box.open(stored)).toBe(totpSecret);
    expect(await sealPlaintextTotpSecrets({ pool: db.pool, secretBox: box })).toBe(0);
    expect(await storedSecret(op.id)).toBe(stored);
    await request(app).post('/api/session').send(await credentials(op)).expect(200);
  });
});
