// Exposures from opsdeck's own getVariant calls (src/experiments/impression-exposures.ts) against a
// real Unleash (a supervised child over its own database) and the real unleash-client: impressions
// of an experiment flag with impression data on become exposures through the API's ingestion (one
// per user, on the variant the SDK gave, idempotent on re-flush), a flag without impression data
// records nothing, a flag that is no experiment is dropped, the kill switch stops it (one audited
// denial per off period), a paused experiment takes none, stop() flushes, the buffer is bounded.
import { randomBytes } from 'node:crypto';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { createApp } from '../src/app.js';
import { createImpressionExposures, IMPRESSIONS_ACTOR, type ImpressionExposures } from '../src/experiments/impression-exposures.js';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { silent, startTestUnleash, type TestUnleash } from './support/unleash.js';
import { waitFor } from './support/within.js';

const suffix = randomBytes(3).toString('hex');
const key = `checkout-impressions-${suffix}`; // impression data on, an opsdeck experiment
const plainKey = `checkout-plain-${suffix}`; // impression data off, an opsdeck experiment
const otherKey = `banner-${suffix}`; // impression data on, no opsdeck experiment
const KILL_SWITCH = 'opsdeck.experiments-ingest';

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let flags: FlagClient;
let recorder: ImpressionExposures;
let stopRecorder: () => Promise<void>;
let agent: Awaited<ReturnType<typeof loginAs>>['agent'];
let app: ReturnType<typeof createApp>;

/** A 50/50 experiment flag on for everyone in development. */
const experimentFlag = (name: string, impressionData: boolean) =>
  unleash.experimentFlag({ name, impressionData, variants: [{ name: 'control', weight: 500 }, { name: 'treatment' }] });

const exposedOf = async (experiment: string) =>
  Object.fromEntries(((await agent.get(`/api/experiments/${experiment}/results`).expect(200)).body.variants as { name: string; exposed: number }[]).map((v) => [v.name, v.exposed]));

const storedUsers = async (experiment: string) =>
  new Map((await db.pool.query<{ user_id: string; variant: string; has_conflict: boolean }>(
    `SELECT u.user_id, u.variant, u.has_conflict FROM experiment_users u JOIN experiments e ON e.id = u.experiment_id WHERE e.key = $1`, [experiment],
  )).rows.map((r) => [r.user_id, r]));

/** Evaluates the flag for each user the way opsdeck code would; answers the variant the SDK gave. */
function evaluate(flag: string, users: string[]): Map<string, string> {
  return new Map(users.map((u) => [u, flags.getVariant(flag, { userId: u, properties: { plan: 'pro' } }).name]));
}

const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
  // The declared flags (the kill switch among them), as boot creates them.
  await unleash.sync();
  await experimentFlag(key, true);
  await experimentFlag(plainKey, false);
  await experimentFlag(otherKey, true);
  flags = unleash.flagClient({ appName: 'opsdeck-impressions-test', refreshIntervalMs: 300 });
  expect(await flags.ready(10_000)).toBe(true);
  expect(await waitFor(() => [key, plainKey, otherKey].every((f) => flags.definition(f)?.enabled === true), 10_000)).toBe(true);

  const created = createTestPlatformApp(db, { unleash: flags.state, flagDefinitions: flags, flagClient: flags });
  app = created;
  ({ agent } = await loginAs(created.app, db, ['platform_admin']));
  for (const experiment of [key, plainKey]) {
    await agent.put(`/api/experiments/${experiment}`).send({ status: 'running', variants: [{ name: 'control', isControl: true }, { name: 'treatment' }] }).expect(201);
  }
  // Wired as boot wires it, with a short flush interval.
  recorder = createImpressionExposures({
    experiments: created.experiments, isIngestOn: (actor) => created.gate.isOn(KILL_SWITCH, actor), logger: silent, flushIntervalMs: 100,
  });
  const flushing = recorder.start();
  const unsubscribe = flags.onImpression(recorder.record);
  let stopped = false;
  stopRecorder = async () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    await flushing.stop();
  };
}, 120_000);

afterAll(async () => {
  await stopRecorder?.();
  await unleash?.close();
  await db?.drop();
});

it('records each user once, on the variant the SDK gave, from in-process getVariant calls', async () => {
  const first = users('u', 40);
  const given = evaluate(key, first);
  // Some users evaluated again (same variant: sticky), others without a userId, others through isEnabled: none adds an exposure.
  expect(evaluate(key, first.slice(0, 15))).toEqual(new Map([...given].slice(0, 15)));
  flags.getVariant(key, { properties: { plan: 'pro' } });
  flags.isEnabled(key, { userId: 'only-enabled' });
  evaluate(plainKey, first);
  evaluate(otherKey, first);
  expect(new Set(given.values())).toEqual(new Set(['control', 'treatment']));

  const expected = { control: [...given.values()].filter((v) => v === 'control').length, treatment: [...given.values()].filter((v) => v === 'treatment').length };
  // The timer flushes on its own.
  expect(await waitFor(async () => JSON.stringify(await exposedOf(key)) === JSON.stringify(expected), 10_000)).toBe(true);
  const stored = await storedUsers(key);
  expect(stored.size).toBe(40);
  for (const [user, variant] of given) expect(stored.get(user)).toMatchObject({ variant, has_conflict: false });

  // No impression data: nothing. No experiment: dropped, counted, no error.
  expect(await exposedOf(plainKey)).toEqual({ control: 0, treatment: 0 });
  expect(recorder.stats()).toMatchObject({ notExperiment: 40, ignored: 2, overflow: 0, failed: 0 });

  // Evaluated again later: the derived ids are the stored ones, the ledger keeps one row per user.
  evaluate(key, first);
  await recorder.flush();
  expect(await exposedOf(key)).toEqual(expected);
  const ledger = await db.pool.query(`SELECT count(*)::int AS n FROM experiment_events v JOIN experiments e ON e.id = v.experiment_id WHERE e.key = $1`, [key]);
  expect(ledger.rows[0].n).toBe(40);
}, 60_000);

it('stores nothing while the kill switch is off (one audited denial), and resumes when it is on', async () => {
  const before = await exposedOf(key);
  expect((await unleash.toggle(KILL_SWITCH, false))).toBe(200);
  expect(await waitFor(() => flags.isEnabled(KILL_SWITCH, {}, true) === false, 10_000)).toBe(true);
  evaluate(key, users('off-a', 10));
  await recorder.flush();
  evaluate(key, users('off-b', 10));
  await recorder.flush();
  expect(await exposedOf(key)).toEqual(before);
  expect(recorder.stats().switchedOff).toBe(20);
  const denied = (await db.pool.query(`SELECT operator_id, operator_roles, entity_id FROM audit.inbox WHERE action = 'access.denied' AND reason_code = 'feature_disabled' AND entity_type = 'experiment'`)).rows;
  expect(denied).toEqual([{ operator_id: null, operator_roles: IMPRESSIONS_ACTOR.roles, entity_id: key }]);

  expect((await unleash.toggle(KILL_SWITCH, true))).toBe(200);
  expect(await waitFor(() => flags.isEnabled(KILL_SWITCH, {}, false) === true, 10_000)).toBe(true);
  const given = evaluate(key, users('on', 10));
  await recorder.flush();
  const after = await exposedOf(key);
  expect(after.control + after.treatment).toBe(before.control + before.treatment + 10);
  const stored = await storedUsers(key);
  for (const [user, variant] of given) expect(stored.get(user)?.variant).toBe(variant);
}, 60_000);

it('drops impressions of a paused experiment, and flushes what is buffered on stop', async () => {
  const before = await exposedOf(key);
  await agent.put(`/api/experiments/${key}`).send({ status: 'paused' }).expect(200);
  evaluate(key, users('paused', 6));
  await recorder.flush();
  expect(await exposedOf(key)).toEqual(before);
  expect(recorder.stats().notRunning).toBe(6);
  await agent.put(`/api/experiments/${key}`).send({ status: 'running' }).expect(200);

  // The main recorder is stopped (boot's shutdown order: unsubscribe, then the last flush); a
  // recorder whose timer would not fire for a minute stores on stop what it buffered.
  await stopRecorder();
  const late = createImpressionExposures({ experiments: app.experiments, logger: silent, flushIntervalMs: 60_000 });
  const flushing = late.start();
  const unsubscribe = flags.onImpression(late.record);
  evaluate(key, users('late', 8));
  unsubscribe();
  expect(late.stats()).toMatchObject({ buffered: 8, stored: 0 });
  await flushing.stop();
  expect(late.stats()).toMatchObject({ buffered: 0, stored: 8 });
  const after = await exposedOf(key);
  expect(after.control + after.treatment).toBe(before.control + before.treatment + 8);
}, 60_000);

it('bounds its buffer (new impressions dropped and counted), and a throwing listener never breaks evaluation', async () => {
  const small = createImpressionExposures({ experiments: { get: async () => { throw new Error('unused'); }, ingest: async () => { throw new Error('unused'); } }, logger: silent, maxBuffered: 5, flushAt: 1_000 });
  const unsubscribe = flags.onImpression(small.record);
  const unsubscribeBad = flags.onImpression(() => { throw new Error('listener bug'); });
  try {
    const given = evaluate(key, users('bound', 12));
    expect(given.size).toBe(12);
    expect(small.stats()).toMatchObject({ recorded: 5, overflow: 7, buffered: 5 });
  } finally {
    unsubscribe();
    unsubscribeBad();
  }
});

it('declared flags of type experiment are created with impression data on, the others off', async () => {
  const catalog = new Map([
    [`marketplace.try-${suffix}`, { key: `marketplace.try-${suffix}`, type: 'experiment' as const, default: false, description: 'A declared experiment flag' }],
    [`marketplace.off-${suffix}`, { key: `marketplace.off-${suffix}`, type: 'kill-switch' as const, default: true, description: 'A declared kill switch' }],
  ]);
  await unleash.sync(catalog);
  expect((await unleash.admin('GET', `/projects/default/features/marketplace.try-${suffix}`)).body.impressionData).toBe(true);
  expect((await unleash.admin('GET', `/projects/default/features/marketplace.off-${suffix}`)).body.impressionData).toBe(false);
});
