// The experiments API over HTTP, with the app running as the restricted role opsdeck_app (so the
// migration's grants are what ingestion and the results read need): defining and the lifecycle
// (audited), permissions, ingestion (idempotent per event id, exposures deduplicated per user,
// conflicts, conversions per user, all-or-nothing 422, concurrent batches), results on seeded data
// with known statistics, the winner rule end to end, Unleash weights, and the backoffice screen.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { loadConfig } from '../src/config/config.js';
import type { Database } from '../src/db/database.js';
import { createLogger } from '../src/platform/logger.js';
import type { FlagDefinition } from '../src/flags/unleash-client.js';
import { foldTallies, readTallies } from '../src/experiments/experiment-tallies.js';
import { plugins } from '../plugins/index.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';
import { loginAs, TEST_AUDIT_KEY, TEST_MFA_KEY } from './support/app.js';

// The same local-only password tests/app-role.test.ts sets: concurrent test files agree on it.

type Agent = request.Agent;
type Event = { id: string; type: 'exposure' | 'conversion'; userId: string; variant?: string; value?: number; at?: string; metric?: string };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let appDb: Database;
let app: ReturnType<typeof createApp>['app'];
let admin: Agent;
let reader: Agent;
let adminId: number;
const flags = new Map<string, FlagDefinition>();

beforeAll(async () => {
  db = await createTestDatabase();
  appDb = await appRoleDatabase(db, { max: 8 });
  ({ app } = createApp({
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }),
    logger: createLogger({ level: 'silent' }),
    db: appDb,
    plugins,
    sessionSecret: randomBytes(32).toString('hex'),
    unleashState: () => 'ok',
    audit: createAuditService({ pool: appDb.pool, signingKey: TEST_AUDIT_KEY }),
    auditSigningKey: TEST_AUDIT_KEY,
    mfaEncryptionKey: TEST_MFA_KEY,
    flagDefinitions: { definition: (name) => flags.get(name) },
  }));
  const platformAdmin = await loginAs(app, db, ['platform_admin']);
  admin = platformAdmin.agent;
  adminId = platformAdmin.id;
  reader = (await loginAs(app, db, ['client_success'])).agent;
}, 60_000);

afterAll(async () => {
  await appDb.close();
  await db.drop();
});

const variants5050 = [{ name: 'control', weight: 50, isControl: true }, { name: 'treatment', weight: 50 }];
let keys = 0;
const newKey = () => `exp-${++keys}-${randomBytes(3).toString('hex')}`;

async function running(body: object = {}): Promise<string> {
  const key = newKey();
  await admin.put(`/api/experiments/${key}`).send({ variants: variants5050, status: 'running', minSamplePerVariant: 100, ...body }).expect(201);
  return key;
}

const post = (key: string, events: Event[], agent: Agent = admin) => agent.post(`/api/experiments/${key}/events`).send({ events });
const results = async (key: string) => (await admin.get(`/api/experiments/${key}/results`).expect(200)).body;
type VariantRow = Record<string, unknown> & { name: string; exposed: number; converted: number };
const variantOf = (body: { variants: VariantRow[] }, name: string) => body.variants.find((v) => v.name === name)!;
const exposure = (id: string, userId: string, variant: string, extra: Partial<Event> = {}): Event => ({ id, type: 'exposure', userId, variant, ...extra });
const conversion = (id: string, userId: string, extra: Partial<Event> = {}): Event => ({ id, type: 'conversion', userId, ...extra });
const stored = async (key: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM experiment_events e JOIN experiments x ON x.id = e.experiment_id WHERE x.key = $1`, [key])).rows[0].n);

/** `exposed` users per arm, the first `converted` of them converting: the seeded dataset. */
function dataset(prefix: string, arms: { variant: string; exposed: number; converted: number }[]): Event[] {
  return arms.flatMap(({ variant, exposed, converted }) => Array.from({ length: exposed }, (_, i) => {
    const userId = `${prefix}-${variant}-${i}`;
    return [exposure(`${userId}-x`, userId, variant), ...(i < converted ? [conversion(`${userId}-c`, userId)] : [])];
  }).flat());
}

describe('defining an experiment', () => {
  it('creates it (201), audited, and shows it', async () => {
    const key = newKey();
    const res = await admin.put(`/api/experiments/${key}`).send({ name: 'Checkout button', variants: variants5050 }).expect(201);
    expect(res.body.experiment).toMatchObject({
      key, name: 'Checkout button', status: 'draft', alpha: 0.05, minSamplePerVariant: 1000, srmAlpha: 0.001, startedAt: null, weightsSource: 'experiment',
      variants: [{ name: 'control', weight: 50, isControl: true, effectiveWeight: 50 }, { name: 'treatment', weight: 50, isControl: false, effectiveWeight: 50 }],
      unleash: { isKnown: false }, warnings: ['flag_unknown'],
    });
    expect((await reader.get(`/api/experiments/${key}`).expect(200)).body.experiment.key).toBe(key);
    const { rows } = await db.pool.query(`SELECT operator_id, action, entity_type, entity_id, before, after FROM audit.inbox WHERE entity_type = 'experiment' AND entity_id = $1`, [key]);
    expect(rows).toEqual([expect.objectContaining({ operator_id: adminId, action: 'experiment.create', entity_type: 'experiment', entity_id: key, before: null })]);
    expect(rows[0].after).toMatchObject({ key, status: 'draft', variants: variants5050.map((v) => ({ isControl: false, ...v })) });
  });

  it('moves through its lifecycle: started once, concluded for good; variants fixed once started', async () => {
    const key = newKey();
    await admin.put(`/api/experiments/${key}`).send({ variants: variants5050 }).expect(201);
    const started = (await admin.put(`/api/experiments/${key}`).send({ status: 'running' }).expect(200)).body.experiment;
    expect(started.startedAt).not.toBeNull();
    expect((await admin.put(`/api/experiments/${key}`).send({ variants: [...variants5050, { name: 'c', weight: 50 }] }).expect(409)).body.code).toBe('experiment_started');
    expect((await admin.put(`/api/experiments/${key}`).send({ status: 'draft' }).expect(409)).body.code).toBe('invalid_transition');
    const paused = (await admin.put(`/api/experiments/${key}`).send({ status: 'paused' }).expect(200)).body.experiment;
    const resumed = (await admin.put(`/api/experiments/${key}`).send({ status: 'running' }).expect(200)).body.experiment;
    expect([paused.startedAt, resumed.startedAt]).toEqual([started.startedAt, started.startedAt]);
    const concluded = (await admin.put(`/api/experiments/${key}`).send({ status: 'concluded' }).expect(200)).body.experiment;
    expect(concluded.concludedAt).not.toBeNull();
    expect((await admin.put(`/api/experiments/${key}`).send({ alpha: 0.01 }).expect(409)).body.code).toBe('experiment_concluded');
    expect((await admin.put(`/api/experiments/${key}`).send({ description: 'shipped' }).expect(200)).body.experiment.description).toBe('shipped');
    const actions = (await db.pool.query(`SELECT action, after->>'status' AS status FROM audit.inbox WHERE entity_id = $1 ORDER BY seq`, [key])).rows;
    // An update's row keeps what changed (the audit service diffs the snapshots): the last one, the description alone.
    expect(actions.map((r) => `${r.action}:${r.status}`)).toEqual(['experiment.create:draft', 'experiment.update:running', 'experiment.update:paused', 'experiment.update:running', 'experiment.update:concluded', 'experiment.update:null']);
  });

  it.each([
    ['no control', { variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }] }, /variants: exactly one variant is the control/],
    ['two controls', { variants: [{ name: 'a', isControl: true }, { name: 'b', isControl: true }] }, /exactly one/],
    ['weights on some variants only', { variants: [{ name: 'a', weight: 1, isControl: true }, { name: 'b' }] }, /every variant a weight, or none/],
    ['duplicate names', { variants: [{ name: 'a', isControl: true }, { name: 'a' }] }, /unique/],
    ['no variants at all', { name: 'x' }, /needs its variants/],
    ['an unknown field', { variants: variants5050, colour: 'red' }, /colour|unrecognized/i],
    ['alpha out of range', { variants: variants5050, alpha: 0.5 }, /^alpha/],
  ])('refuses %s with 422', async (_name, body, detail) => {
    const res = await admin.put(`/api/experiments/${newKey()}`).send(body).expect(422);
    expect(res.body).toMatchObject({ code: 'validation_failed' });
    expect(res.body.detail).toMatch(detail);
  });

  it('lists newest first with keyset pages', async () => {
    const made = [await running(), await running(), await running()];
    const first = await admin.get('/api/experiments').query({ limit: 2 }).expect(200);
    expect(first.body.items.map((e: { key: string }) => e.key)).toEqual([made[2], made[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.get('/api/experiments').query({ limit: 2, cursor: first.body.nextCursor }).expect(200);
    const keysOf = (body: { items: { key: string }[] }) => body.items.map((e) => e.key);
    expect(keysOf(second.body)[0]).toBe(made[0]);
    expect(keysOf(second.body).some((k) => keysOf(first.body).includes(k))).toBe(false);
    const drafts = await admin.get('/api/experiments').query({ status: 'draft' }).expect(200);
    expect(drafts.body.items.every((e: { status: string }) => e.status === 'draft')).toBe(true);
    expect((await admin.get('/api/experiments').query({ cursor: 'nope' }).expect(422)).body.code).toBe('validation_failed');
  });
});

describe('permissions', () => {
  it('lets readers read, and nobody without the key define, ingest or read', async () => {
    const key = await running();
    await reader.get('/api/experiments').expect(200);
    await reader.get(`/api/experiments/${key}/results`).expect(200);
    expect((await reader.put(`/api/experiments/${key}`).send({ status: 'paused' }).expect(403)).body.code).toBe('forbidden');
    expect((await post(key, [exposure('p1', 'u1', 'control')], reader).expect(403)).body.detail).toMatch(/experiment\.ingest/);
    const outsider = (await loginAs(app, db, ['support_tier_1'])).agent;
    await outsider.get('/api/experiments').expect(403);
    await outsider.get(`/api/experiments/${key}/results`).expect(403);
    await request(app).get(`/api/experiments/${key}`).expect(401);
    expect(await stored(key)).toBe(0);
  });
});

describe('ingestion', () => {
  it('refuses events for a draft or a concluded experiment, and for no experiment', async () => {
    const key = newKey();
    await admin.put(`/api/experiments/${key}`).send({ variants: variants5050 }).expect(201);
    expect((await post(key, [exposure('d1', 'u1', 'control')]).expect(409)).body.code).toBe('experiment_not_running');
    await admin.put(`/api/experiments/${key}`).send({ status: 'concluded' }).expect(200);
    expect((await post(key, [exposure('d1', 'u1', 'control')]).expect(409)).body.code).toBe('experiment_concluded');
    await post('no-such-experiment', [exposure('d1', 'u1', 'control')]).expect(404);
  });

  it('is idempotent per event id: a replayed batch adds nothing', async () => {
    const key = await running();
    const batch = [exposure('e1', 'u1', 'control'), exposure('e2', 'u2', 'treatment'), conversion('e3', 'u2', { value: 1250, metric: 'purchase' })];
    expect((await post(key, batch).expect(200)).body).toEqual({ received: 3, accepted: 3, duplicates: 0 });
    const before = await results(key);
    expect((await post(key, batch).expect(200)).body).toEqual({ received: 3, accepted: 0, duplicates: 3 });
    // A batch mixing replays and new events stores only the new ones; an id twice in one batch counts once.
    expect((await post(key, [batch[0]!, exposure('e4', 'u3', 'control'), exposure('e4', 'u3', 'control')]).expect(200)).body).toEqual({ received: 3, accepted: 1, duplicates: 2 });
    const after = await results(key);
    expect(variantOf(after, 'treatment')).toMatchObject({ exposed: 1, converted: 1, conversions: 1, valueSum: 1250 });
    expect(variantOf(before, 'treatment')).toMatchObject({ exposed: 1, converted: 1, conversions: 1, valueSum: 1250 });
    expect(variantOf(after, 'control')).toMatchObject({ exposed: 2, converted: 0 });
    expect(await stored(key)).toBe(4);
  });

  it('counts a user once: the first exposure decides the variant, a later other variant is a conflict', async () => {
    const key = await running();
    // In one batch the earliest `at` decides: u1 saw treatment first.
    await post(key, [
      exposure('a1', 'u1', 'control', { at: '2026-11-20T10:00:05Z' }),
      exposure('a2', 'u1', 'treatment', { at: '2026-11-20T10:00:01Z' }),
      exposure('a3', 'u2', 'control'), exposure('a4', 'u2', 'control'),
    ]).expect(200);
    // Later batches: u2 again in control (no conflict), then in treatment (a conflict, once).
    await post(key, [exposure('b1', 'u2', 'control')]).expect(200);
    await post(key, [exposure('c1', 'u2', 'treatment'), exposure('c2', 'u2', 'treatment')]).expect(200);
    await post(key, [exposure('d1', 'u2', 'treatment')]).expect(200);
    const body = await results(key);
    expect(variantOf(body, 'treatment')).toMatchObject({ exposed: 1, conflicts: 1 });
    expect(variantOf(body, 'control')).toMatchObject({ exposed: 1, conflicts: 1 });
    const users = (await db.pool.query(`SELECT user_id, variant, has_conflict FROM experiment_users u JOIN experiments x ON x.id = u.experiment_id WHERE x.key = $1 ORDER BY user_id`, [key])).rows;
    expect(users).toEqual([{ user_id: 'u1', variant: 'treatment', has_conflict: true }, { user_id: 'u2', variant: 'control', has_conflict: true }]);
  });

  it('counts converted users once, in their exposure\'s variant, whichever arrives first', async () => {
    const key = await running();
    await post(key, [conversion('k1', 'early', { value: 10 }), conversion('k2', 'never-exposed', { value: 99 })]).expect(200);
    let body = await results(key);
    expect(variantOf(body, 'control')).toMatchObject({ exposed: 0, converted: 0, conversions: 0 });
    await post(key, [exposure('k3', 'early', 'control'), exposure('k4', 'late', 'treatment')]).expect(200);
    await post(key, [conversion('k5', 'late', { value: 5 }), conversion('k6', 'late', { value: 7 }), conversion('k7', 'early', { value: 1 })]).expect(200);
    body = await results(key);
    expect(variantOf(body, 'control')).toMatchObject({ exposed: 1, converted: 1, conversions: 2, valueSum: 11 });
    expect(variantOf(body, 'treatment')).toMatchObject({ exposed: 1, converted: 1, conversions: 2, valueSum: 12, rate: 1 });
  });

  it('takes a whole batch or nothing: one bad event is a 422 naming it, and nothing is stored', async () => {
    const key = await running();
    const good = Array.from({ length: 20 }, (_, i) => exposure(`g${i}`, `u${i}`, 'control'));
    const cases: [Event[] | unknown, RegExp][] = [
      [[...good.slice(0, 5), exposure('bad', 'ux', 'contrl'), ...good.slice(5)], /^events\.5\.variant: contrl is not a variant/],
      [[...good, { ...exposure('bad', 'ux', 'control'), variant: undefined }], /^events\.20\.variant: an exposure names its variant/],
      [[...good, exposure('bad', 'ux', 'control', { value: 3 })], /^events\.20\.value: only conversions/],
      [[...good, exposure('bad', 'ux', 'control', { at: 'yesterday' })], /^events\.20\.at/],
      [[...good, exposure('bad', 'ux', 'control', { at: '2026-02-31T10:00:00Z' })], /^events\.20\.at: Invalid ISO datetime/],
      [[...good, { ...exposure('bad', 'ux', 'control'), type: 'click' }], /^events\.20\.type/],
      [[...good, { ...exposure('bad', '', 'control') }], /^events\.20\.userId/],
      [[...good, { ...exposure('bad', 'ux', 'control'), extra: 1 }], /^events\.20/],
      [[], /^events/],
    ];
    for (const [events, detail] of cases) {
      const res = await admin.post(`/api/experiments/${key}/events`).send({ events }).expect(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect({ code: res.body.code, detail: res.body.detail }).toEqual({ code: 'validation_failed', detail: expect.stringMatching(detail) });
    }
    expect((await admin.post(`/api/experiments/${key}/events`).send({ events: 'no' }).expect(422)).body.detail).toMatch(/^events/);
    expect(await stored(key)).toBe(0);
    expect(variantOf(await results(key), 'control').exposed).toBe(0);
  });

  it('takes 10,000 events in one batch (about 1.5 MB), and refuses 10,001', async () => {
    const key = await running();
    const events = Array.from({ length: 10_000 }, (_, i) => exposure(`big-${i}-${'x'.repeat(20)}`, `user-${i % 4000}`, i % 2 ? 'treatment' : 'control', { at: '2026-11-21T12:00:00.000Z' }));
    expect(JSON.stringify({ events }).length).toBeGreaterThan(1_000_000);
    expect((await post(key, events).expect(200)).body).toEqual({ received: 10_000, accepted: 10_000, duplicates: 0 });
    const body = await results(key);
    // 4,000 users, each first seen in the variant of their lowest index: even -> control.
    expect(variantOf(body, 'control').exposed + variantOf(body, 'treatment').exposed).toBe(4000);
    expect((await post(key, [...events, exposure('one-more', 'u', 'control')]).expect(422)).body.detail).toMatch(/^events: /);
  });

  it('keeps the counts exact under concurrent batches that share users', async () => {
    const key = await running();
    // Each user's exposure and conversions are spread over different batches sent at once.
    const users = Array.from({ length: 300 }, (_, i) => `c${i}`);
    const batches = Array.from({ length: 12 }, (_, b) => users.flatMap((u, i) => {
      if (i % 12 === b) return [exposure(`${u}-x`, u, i % 3 ? 'control' : 'treatment')];
      if ((i + b) % 5 === 0) return [conversion(`${u}-c${b}`, u, { value: 1 })];
      return [];
    }));
    await Promise.all(batches.map((events) => post(key, events).expect(200)));
    const body = await results(key);
    const truth = (await db.pool.query(
      `SELECT variant, count(*)::int AS exposed, count(*) FILTER (WHERE conversions > 0)::int AS converted, sum(conversions)::int AS conversions
         FROM experiment_users u JOIN experiments x ON x.id = u.experiment_id WHERE x.key = $1 AND variant IS NOT NULL GROUP BY variant ORDER BY variant`, [key])).rows;
    const fromEvents = (await db.pool.query(
      `SELECT count(*)::int AS n FROM experiment_events e JOIN experiments x ON x.id = e.experiment_id WHERE x.key = $1 AND type = 'conversion'`, [key])).rows[0].n;
    expect(truth.map((t) => t.variant)).toEqual(['control', 'treatment']);
    for (const t of truth) expect(variantOf(body, t.variant)).toMatchObject({ exposed: t.exposed, converted: t.converted, conversions: t.conversions });
    expect(truth.reduce((n, t) => n + t.exposed, 0)).toBe(300);
    expect(truth.reduce((n, t) => n + t.conversions, 0)).toBe(fromEvents);
  });
});

describe('results', () => {
  it('reports the known statistics of a seeded dataset and declares the significant winner', async () => {
    const key = await running({ minSamplePerVariant: 1000 });
    await post(key, dataset(key, [{ variant: 'control', exposed: 1000, converted: 100 }, { variant: 'treatment', exposed: 1000, converted: 150 }])).expect(200);
    const body = await results(key);
    // Computed independently (Python's math.erfc; formulas as in tests/experiment-statistics.test.ts):
    // Wilson 100/1000: 0.082909-0.120152; 150/1000: 0.129210-0.173469. Pooled z = 0.05 /
    // sqrt(0.125 * 0.875 * 0.002) = 3.380617, p = 0.000723. Katz lift 1.5: +18.31% to +90.19%.
    expect(variantOf(body, 'control')).toMatchObject({ exposed: 1000, converted: 100, rate: 0.1, rateInterval: { low: expect.closeTo(0.082909, 6), high: expect.closeTo(0.120152, 6) }, hasMinimumSample: true });
    const treatment = variantOf(body, 'treatment') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(treatment).toMatchObject({ exposed: 1000, converted: 150, rate: 0.15, isSignificant: true, hasMinimumSample: true });
    expect(treatment.rateInterval.low).toBeCloseTo(0.129210, 6);
    expect(treatment.rateInterval.high).toBeCloseTo(0.173469, 6);
    expect(treatment.zScore).toBeCloseTo(3.380617, 6);
    expect(treatment.pValue).toBeCloseTo(0.000723, 6);
    expect(treatment.lift.estimate).toBeCloseTo(0.5, 10);
    expect(treatment.lift.interval.low).toBeCloseTo(0.183057, 6);
    expect(treatment.lift.interval.high).toBeCloseTo(0.901853, 6);
    expect(body.srm).toMatchObject({ statistic: 0, pValue: 1, isMismatch: false, threshold: 0.001 });
    expect(body).toMatchObject({ winner: 'treatment', reasons: [], alpha: 0.05, confidence: 0.95, correction: { method: 'bonferroni', comparisons: 1 } });
  });

  it('declares no winner under a sample-ratio mismatch', async () => {
    const key = await running();
    // 1,000 against 1,200 on 50/50: x = 2 * 100^2 / 1,100 = 18.18, p = 2.0e-5.
    await post(key, dataset(key, [{ variant: 'control', exposed: 1000, converted: 100 }, { variant: 'treatment', exposed: 1200, converted: 300 }])).expect(200);
    const body = await results(key);
    expect(body.srm.statistic).toBeCloseTo(18.181818, 5);
    expect(body.srm.pValue).toBeCloseTo(2.0079e-5, 8);
    expect(variantOf(body, 'treatment').isSignificant).toBe(true);
    expect(body).toMatchObject({ winner: null, reasons: ['sample_ratio_mismatch'], srm: { isMismatch: true } });
  });

  it('declares no winner below the minimum sample', async () => {
    const key = await running({ minSamplePerVariant: 5000 });
    await post(key, dataset(key, [{ variant: 'control', exposed: 1000, converted: 100 }, { variant: 'treatment', exposed: 1000, converted: 150 }])).expect(200);
    const body = await results(key);
    expect(variantOf(body, 'treatment').isSignificant).toBe(true);
    expect(body).toMatchObject({ winner: null, reasons: ['below_minimum_sample'] });
  });

  it('takes the weights from the Unleash flag when the experiment has none', async () => {
    const key = newKey();
    await admin.put(`/api/experiments/${key}`).send({ variants: [{ name: 'control', isControl: true }, { name: 'treatment' }], status: 'running', minSamplePerVariant: 100 }).expect(201);
    await post(key, dataset(key, [{ variant: 'control', exposed: 300, converted: 30 }, { variant: 'treatment', exposed: 700, converted: 70 }])).expect(200);
    expect(await results(key)).toMatchObject({ winner: null, reasons: ['weights_unknown', 'not_significant'], experiment: { weightsSource: null, warnings: ['flag_unknown'] } });
    // A 30/70 flexible rollout as Unleash serves it to clients.
    flags.set(key, {
      name: key, type: 'experiment', enabled: true,
      strategies: [{ name: 'flexibleRollout', parameters: { rollout: '100' }, constraints: [], variants: [{ name: 'control', weight: 300 }, { name: 'treatment', weight: 700 }] }],
    });
    const body = await results(key);
    expect(body.experiment).toMatchObject({ weightsSource: 'unleash', warnings: [], unleash: { isKnown: true, enabled: true, type: 'experiment' } });
    expect(body.experiment.variants.map((v: { effectiveWeight: number }) => v.effectiveWeight)).toEqual([300, 700]);
    expect(body.srm).toMatchObject({ statistic: 0, isMismatch: false, expectedShares: [{ name: 'control', share: 0.3 }, { name: 'treatment', share: 0.7 }] });
    expect(body.reasons).toEqual(['not_significant']);
    // The flag turned off while the experiment runs is pointed out.
    flags.set(key, { ...flags.get(key)!, enabled: false, type: 'release' });
    expect((await admin.get(`/api/experiments/${key}`).expect(200)).body.experiment.warnings).toEqual(['flag_not_experiment_type', 'flag_disabled_while_running']);
  });

  it('reads the same counts after the tallies are folded', async () => {
    const key = await running();
    for (let b = 0; b < 5; b++) await post(key, dataset(`${key}-${b}`, [{ variant: 'control', exposed: 10, converted: b }, { variant: 'treatment', exposed: 12, converted: 3 }])).expect(200);
    const id = (await db.pool.query('SELECT id FROM experiments WHERE key = $1', [key])).rows[0].id;
    const rowsOf = async () => Number((await db.pool.query('SELECT count(*) AS n FROM experiment_tallies WHERE experiment_id = $1', [id])).rows[0].n);
    const sort = <T extends { variant: string }>(t: T[]) => [...t].sort((a, b) => a.variant.localeCompare(b.variant));
    const before = sort(await readTallies(appDb.pool, id));
    expect(await rowsOf()).toBe(10);
    await foldTallies(appDb.pool, id);
    expect(await rowsOf()).toBe(2);
    expect(sort(await readTallies(appDb.pool, id))).toEqual(before);
    expect(before).toEqual([
      { variant: 'control', exposed: 50, converted: 10, conversions: 10, valueSum: 0, conflicts: 0 },
      { variant: 'treatment', exposed: 60, converted: 15, conversions: 15, valueSum: 0, conflicts: 0 },
    ]);
  });

  it('is a 404 for an experiment that does not exist', async () => {
    expect((await admin.get('/api/experiments/nope/results').expect(404)).body.code).toBe('not_found');
    await admin.get('/api/experiments/..%2Fetc/results').expect(404);
  });
});

describe('the backoffice screen', () => {
  it('lists experiments and shows one to readers, and is forbidden to others', async () => {
    const key = await running();
    const list = await admin.get('/admin/api/resources/Experiments/actions/list').query({ 'filters.key': key }).expect(200);
    expect(list.body.records.map((r: { params: { key: string } }) => r.params.key)).toEqual([key]);
    expect(list.body.records[0].params).toMatchObject({ status: 'running', variants: 'control (control) 50, treatment 50' });
    const show = await reader.get(`/admin/api/resources/Experiments/records/${key}/show`).expect(200);
    expect(show.body.record.params.key).toBe(key);
    const outsider = (await loginAs(app, db, ['support_tier_1'])).agent;
    expect((await outsider.get('/admin/api/resources/Experiments/actions/list').expect(403)).body.code).toBe('forbidden');
  });

  it('bundles the results page with recharts', async () => {
    const bundle = await admin.get('/admin/frontend/assets/components.bundle.js').expect(200);
    expect(bundle.text).toContain('OpsdeckExperimentResults');
    expect(bundle.text).toMatch(/recharts-bar|ErrorBar/);
  }, 240_000);
});
