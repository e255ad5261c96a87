// An experiment beside its flag in a real Unleash (a supervised child over its own database) read
// through the real unleash-client: the flag's type, state and strategy variant weights reach the
// experiment (weights it does not set itself come from there), and a flag turned off while the
// experiment runs is pointed out.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createUnleashSupervisor, type UnleashSupervisor } from '../src/flags/unleash-supervisor.js';
import { createFlagClient, type FlagClient } from '../src/flags/unleash-client.js';
import { freePort } from '../src/platform/free-port.js';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import { plugins } from '../plugins/index.js';
import { createEmptyDatabase, createTestDatabase } from './support/database.js';
import { loginAs, TEST_AUDIT_KEY, TEST_MFA_KEY } from './support/app.js';

const secret = () => randomBytes(24).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const adminToken = `*:*.${secret()}`;
const clientToken = `default:development.${secret()}`;
const backupPath = path.resolve(`.data/test-unleash-backup-${secret().slice(0, 8)}`);
const key = `checkout-experiment-${secret().slice(0, 6)}`;

let unleashDb: Awaited<ReturnType<typeof createEmptyDatabase>>;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let supervisor: UnleashSupervisor;
let flags: FlagClient;

async function admin(method: string, route: string, body?: unknown): Promise<number> {
  const res = await fetch(`${supervisor.url}/api/admin${route}`, {
    method, headers: { Authorization: adminToken, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !check()) await sleep(100);
  return check();
}

beforeAll(async () => {
  [unleashDb, db] = await Promise.all([createEmptyDatabase(), createTestDatabase()]);
  supervisor = createUnleashSupervisor({ databaseUrl: unleashDb.url, port: await freePort(), adminPassword: `${secret()}Aa1!`, adminToken, clientToken, logger: silent });
  await supervisor.start();
  // The experiment's flag as a product manager makes it: type experiment, a 100% rollout whose
  // strategy variants split 30/70 (control fixed at 300 of 1000, treatment taking the rest).
  expect(await admin('POST', '/projects/default/features', { name: key, type: 'experiment' })).toBe(201);
  expect(await admin('POST', `/projects/default/features/${key}/environments/development/strategies`, {
    name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: key },
    variants: [
      { name: 'control', weight: 300, weightType: 'fix', stickiness: 'default' },
      { name: 'treatment', weight: 0, weightType: 'variable', stickiness: 'default' },
    ],
  })).toBe(200);
  expect(await admin('POST', `/projects/default/features/${key}/environments/development/on`)).toBe(200);
  flags = createFlagClient({ url: supervisor.url, clientToken, appName: 'opsdeck-experiments-test', backupPath, logger: silent, refreshIntervalMs: 500 });
  expect(await flags.ready(10_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await flags?.destroy();
  await supervisor?.stop();
  await Promise.all([unleashDb?.drop(), db?.drop()]);
  await fs.rm(backupPath, { recursive: true, force: true });
});

it('reads the flag\'s type, state and variant weights through unleash-client', async () => {
  expect(await waitFor(() => flags.definition(key)?.enabled === true, 10_000)).toBe(true);
  const { app } = createApp({
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }), logger: createLogger({ level: 'silent' }), db, plugins,
    sessionSecret: secret(), unleashState: flags.state, audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }), auditSigningKey: TEST_AUDIT_KEY,
    mfaEncryptionKey: TEST_MFA_KEY, flagDefinitions: flags,
  });
  const { agent } = await loginAs(app, db, ['platform_admin']);
  const created = await agent.put(`/api/experiments/${key}`).send({ status: 'running', variants: [{ name: 'control', isControl: true }, { name: 'treatment' }] }).expect(201);
  expect(created.body.experiment).toMatchObject({
    weightsSource: 'unleash',
    variants: [{ name: 'control', weight: null, effectiveWeight: 300 }, { name: 'treatment', weight: null, effectiveWeight: 700 }],
    unleash: { isKnown: true, enabled: true, type: 'experiment', hasMixedWeights: false, variants: [{ name: 'control', weight: 300 }, { name: 'treatment', weight: 700 }] },
    warnings: [],
  });

  // Turned off in Unleash while the experiment runs: shown within the client's refresh.
  expect(await admin('POST', `/projects/default/features/${key}/environments/development/off`)).toBe(200);
  expect(await waitFor(() => flags.definition(key)?.enabled === false, 10_000)).toBe(true);
  expect((await agent.get(`/api/experiments/${key}`).expect(200)).body.experiment.warnings).toEqual(['flag_disabled_while_running']);
}, 60_000);
