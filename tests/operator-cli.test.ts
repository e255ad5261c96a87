// `npm run operator -- create` is the way in where no demo data is seeded: the printed password
// logs in, and bad input changes nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createTestApp } from './support/app.js';

const run = promisify(execFile);
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/operator.ts', ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
  }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

it('creates an operator whose printed password logs in', async () => {
  const out = await cli('create', '--email', 'Boss@Example.com', '--name', 'The Boss', '--role', 'super_admin');
  expect(out.code).toBe(0);
  const password = /shown once: (\S+)/.exec(out.stdout)![1];
  const login = await request(createTestApp(db)).post('/api/session').send({ email: 'boss@example.com', password });
  expect(login.status).toBe(200);
  expect(login.body.operator.roles).toEqual(['super_admin']);
});

it.each([
  [['create', '--email', 'not-an-email', '--name', 'x', '--role', 'super_admin'], /usage/],
  [['create', '--email', 'x@example.com', '--name', 'x', '--role', 'emperor'], /no role emperor; roles: .*super_admin/],
])('refuses %j and creates nothing', async (args, message) => {
  const before = await db.prisma.operator.count();
  const out = await cli(...args);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(message);
  expect(await db.prisma.operator.count()).toBe(before);
});
