// An experiment beside its flag in a real Unleash (a supervised child over its own database) read
// through the real unleash-client: the flag's type, state and strategy variant weights reach the
// experiment (weights it does not set itself come from there), and a flag turned off while the
// experiment runs is pointed out.
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { startTestUnleash, type TestUnleash } from './support/unleash.js';
import { waitFor } from './support/within.js';
import type { FlagClient } from '../src/flags/unleash-client.js';

const key = `checkout-experiment-${randomBytes(3).toString('hex')}`;

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let flags: FlagClient;

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
  // The experiment's flag as a product manager makes it: type experiment, a 100% rollout whose
  // strategy variants split 30/70 (control fixed at 300 of 1000, treatment taking the rest).
  await unleash.experimentFlag({ name: key, variants: [{ name: 'control', weight: 300 }, { name: 'treatment' }] });
  flags = unleash.flagClient({ appName: 'opsdeck-experiments-test', refreshIntervalMs: 500 });
  expect(await flags.ready(10_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  await unleash?.close();
  await db?.drop();
});

it('reads the flag\'s type, state and variant weights through unleash-client', async () => {
  expect(await waitFor(() => flags.definition(key)?.enabled === true, 10_000)).toBe(true);
  const { app } = createTestPlatformApp(db, { unleash: flags.state, flagDefinitions: flags });
  const { agent } = await loginAs(app, db, ['platform_admin']);
  const created = await agent.put(`/api/experiments/${key}`).send({ status: 'running', variants: [{ name: 'control', isControl: true }, { name: 'treatment' }] }).expect(201);
  expect(created.body.experiment).toMatchObject({
    weightsSource: 'unleash',
    variants: [{ name: 'control', weight: null, effectiveWeight: 300 }, { name: 'treatment', weight: null, effectiveWeight: 700 }],
    unleash: { isKnown: true, enabled: true, type: 'experiment', hasMixedWeights: false, variants: [{ name: 'control', weight: 300 }, { name: 'treatment', weight: 700 }] },
    warnings: [],
  });

  // Turned off in Unleash while the experiment runs: shown within the client's refresh.
  expect(await unleash.toggle(key, false)).toBe(200);
  expect(await waitFor(() => flags.definition(key)?.enabled === false, 10_000)).toBe(true);
  expect((await agent.get(`/api/experiments/${key}`).expect(200)).body.experiment.warnings).toEqual(['flag_disabled_while_running']);
}, 60_000);
