// `npm run operator -- create` is the way in where no demo data is seeded: the printed password
// logs in (to an enrolment-only session: MFA is required) and bad input changes nothing. `disable`
// ends every session of the operator at once, `reset-mfa` sends them back to enrolment, and `totp`
// prints a current code of a demo operator from the credentials file.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { auditRows, sessionCount } from './support/session-fixtures.js';
import { hashRecoveryCode, newRecoveryCodes } from '../src/auth/recovery-codes.js';

const run = promisify(execFile);
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-cli-'));
});
afterAll(async () => {
  await db.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/operator.ts', ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

it('creates an operator whose printed password logs in, to set up an authenticator first', async () => {
  const out = await cli('create', '--email', 'Boss@Example.com', '--name', 'The Boss', '--role', 'super_admin');
  expect(out.code).toBe(0);
  const password = /shown once: (\S+)/.exec(out.stdout)![1];
  const login = await request(createTestApp(db)).post('/api/session').send({ email: 'boss@example.com', password });
  expect(login.status).toBe(200);
  expect(login.body.operator.roles).toEqual(['super_admin']);
  expect(login.body.mfa).toEqual({ isEnrolmentRequired: true });
});

it.each([
  [['create', '--email', 'not-an-email', '--name', 'x', '--role', 'super_admin'], /usage/],
  [['create', '--email', 'x@example.com', '--name', 'x', '--role', 'emperor'], /no role emperor; roles: .*super_admin/],
  [['disable', 'not-an-email'], /usage/],
  [['disable', 'nobody@example.com'], /no operator nobody@example.com/],
])('refuses %j and creates nothing', async (args, message) => {
  const before = await db.prisma.operator.count();
  const out = await cli(...args);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(message);
  expect(await db.prisma.operator.count()).toBe(before);
});

it('disables an operator and ends all of their sessions at once (audited); enable lets them in again', async () => {
  const app = createTestApp(db);
  const op = await createOperator(db, { roles: ['support_agent'] });
  const agents = [request.agent(app), request.agent(app)];
  for (const agent of agents) await agent.post('/api/session').send(await credentials(op)).expect(200);
  expect(await sessionCount(db, op.id)).toBe(2);

  const out = await cli('disable', op.email);
  expect(out.stdout).toBe(`disabled ${op.email}; 2 sessions ended\n`);
  expect(await sessionCount(db, op.id)).toBe(0);
  for (const agent of agents) expect((await agent.get('/api/session')).status).toBe(401);
  expect(await auditRows(db, ['operator.disabled'])).toEqual([
    { action: 'operator.disabled', operator_id: null, entity_type: 'operator', entity_id: String(op.id), note: 'npm run operator; 2 sessions ended', outcome: 'succeeded' },
  ]);

  expect((await cli('enable', op.email)).stdout).toBe(`enabled ${op.email}\n`);
  // Two TOTP codes were spent within this half-minute: a recovery code logs in for the third time.
  const [recoveryCode] = newRecoveryCodes(1);
  await db.pool.query('INSERT INTO operator_recovery_codes (operator_id, code_hash) VALUES ($1, $2)', [op.id, hashRecoveryCode(recoveryCode)]);
  await request(app).post('/api/session').send({ email: op.email, password: op.password, recoveryCode }).expect(200);
});

it('resets an authenticator: its sessions end and the next login enrols again', async () => {
  const app = createTestApp(db);
  const op = await createOperator(db, { roles: ['support_agent'] });
  const agent = request.agent(app);
  await agent.post('/api/session').send(await credentials(op)).expect(200);
  const out = await cli('reset-mfa', op.email);
  expect(out.stdout).toMatch(/^reset the authenticator of .*; 1 sessions ended/);
  expect((await agent.get('/api/session')).status).toBe(401);
  expect(await db.prisma.operatorMfa.count({ where: { operatorId: op.id } })).toBe(0);
  const login = await request(app).post('/api/session').send({ email: op.email, password: op.password }).expect(200);
  expect(login.body.mfa).toEqual({ isEnrolmentRequired: true });
  expect(await auditRows(db, ['operator.mfa_reset'])).toContainEqual(expect.objectContaining({ entity_id: String(op.id), outcome: 'succeeded' }));
});

it('prints a current code of a demo operator from the credentials file, which logs in once', async () => {
  const op = await createOperator(db, { roles: ['support_agent'] });
  await fs.writeFile(path.join(dataDir, 'credentials.json'), JSON.stringify({ operators: [{ email: op.email, password: op.password, role: 'support_agent', totpSecret: op.totpSecret }] }));
  const out = await cli('totp', op.email);
  expect(out.code).toBe(0);
  const code = /^(\d{6}) {2}\(valid for \d+ more seconds/.exec(out.stdout)![1];
  const app = createTestApp(db);
  await request(app).post('/api/session').send({ email: op.email, password: op.password, totp: code }).expect(200);
  const other = await cli('totp', 'someone-else@example.com');
  expect(other.code).toBe(1);
  expect(other.stderr).toMatch(/no demo operator someone-else@example.com/);
});
