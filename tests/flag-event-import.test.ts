// Unleash's event log imported into the audit log, against a real Unleash (a supervised child) and
// the app's restricted database role: a toggle and a strategy change made through Unleash's Admin
// API become audit rows (actor unleash:<who>, flag.<event type>, entity flag/<name>, before/after),
// visible in GET /api/audit?entityType=flag and on the backoffice's audit screen; a second run adds
// nothing; later changes import alone; two importers at once import each event once; a failed
// append leaves neither rows nor cursor.
import { createFlagEventImport, UNLEASH_EVENT_SOURCE } from '../src/flags/flag-event-import.js';
import { createAuditService } from '../src/audit/audit-service.js';
import type { Database } from '../src/db/database.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';
import { createTestApp, loginAs, TEST_AUDIT_KEY } from './support/app.js';
import { silent, startTestUnleash, type TestUnleash } from './support/unleash.js';

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let appDb: Database;

const feature = (key: string) => `/projects/default/features/${key}`;

function importer(audit = createAuditService({ pool: appDb.pool, signingKey: TEST_AUDIT_KEY })) {
  // settleMs 0: the test waits on nothing; the settle rule is about writes still in flight in Unleash.
  return createFlagEventImport({ url: unleash.url, adminToken: unleash.adminToken, pool: appDb.pool, audit, logger: silent, settleMs: 0 });
}

const flagRows = async () =>
  (await db.pool.query(`SELECT seq, operator_id, operator_roles, action, entity_type, entity_id, note, before, after, outcome FROM audit.inbox WHERE entity_type = 'flag' ORDER BY seq`)).rows;
const cursor = async () => Number((await db.pool.query(`SELECT last_event_id FROM flag_event_cursors WHERE source = $1`, [UNLEASH_EVENT_SOURCE])).rows[0]?.last_event_id ?? 0);
const eventIdOf = (note: string) => Number(/^Unleash event #(\d+)/.exec(note)![1]);

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
  appDb = await appRoleDatabase(db);
  await unleash.sync();
}, 120_000);

afterAll(async () => {
  await unleash?.close();
  await appDb?.close();
  await db?.drop();
});

it('imports the flags created at start, then a toggle and a strategy change, each once', async () => {
  const first = await importer().runOnce();
  const created = await flagRows();
  expect(first.imported).toBe(created.length);
  expect(created.map((r) => r.entity_id)).toEqual(expect.arrayContaining(['marketplace.refunds', 'opsdeck.bulk-actions']));
  expect(created.find((r) => r.action === 'flag.feature-created' && r.entity_id === 'marketplace.refunds')).toMatchObject({
    operator_id: null, operator_roles: [expect.stringMatching(/^unleash:.+/)], outcome: 'succeeded',
  });
  expect(await cursor()).toBe(first.cursor);

  // A product manager switches refunds off and halves a rollout in Unleash.
  expect(await unleash.toggle('marketplace.refunds', false)).toBe(200);
  const strategy = (await unleash.admin('GET', feature('opsdeck.bulk-actions'))).body.environments.find((e: any) => e.name === 'development').strategies[0];
  expect((await unleash.admin('PUT', `${feature('opsdeck.bulk-actions')}/environments/development/strategies/${strategy.id}`, {
    name: 'flexibleRollout', parameters: { ...strategy.parameters, rollout: '50' }, constraints: [],
  })).status).toBe(200);

  const second = await importer().runOnce();
  expect(second.imported).toBe(2);
  const [off, rollout] = (await flagRows()).slice(created.length);
  expect(off).toMatchObject({ action: 'flag.feature-environment-disabled', entity_type: 'flag', entity_id: 'marketplace.refunds', operator_id: null });
  expect(off.note).toMatch(/environment development/);
  expect(rollout).toMatchObject({ action: 'flag.feature-strategy-update', entity_id: 'opsdeck.bulk-actions' });
  // Only what changed, on both sides (the audit service's diff of preData and data).
  expect(rollout.before).toMatchObject({ parameters: { rollout: '100' } });
  expect(rollout.after).toMatchObject({ parameters: { rollout: '50' } });
  expect(eventIdOf(rollout.note)).toBeGreaterThan(eventIdOf(off.note));

  // Nothing new: nothing imported, whatever the number of runs.
  expect(await importer().runOnce()).toEqual({ imported: 0, cursor: second.cursor });
  expect(await flagRows()).toHaveLength(created.length + 2);
  expect(await unleash.toggle('marketplace.refunds', true)).toBe(200);
  expect((await importer().runOnce()).imported).toBe(1);
}, 60_000);

it('two importers at once import every event exactly once', async () => {
  const before = (await flagRows()).length;
  for (const on of [false, true, false, true]) expect(await unleash.toggle('opsdeck.impersonation', on)).toBe(200);
  const results = await Promise.all([importer().runOnce(), importer().runOnce(), importer().runOnce()]);
  expect(results.reduce((sum, r) => sum + r.imported, 0)).toBe(4);
  const rows = (await flagRows()).slice(before);
  expect(rows.map((r) => r.action)).toEqual(['flag.feature-environment-disabled', 'flag.feature-environment-enabled', 'flag.feature-environment-disabled', 'flag.feature-environment-enabled']);
  const ids = (await flagRows()).map((r) => eventIdOf(r.note));
  expect(new Set(ids).size).toBe(ids.length);
}, 60_000);

it('a failed append imports nothing and keeps the cursor; the next run imports the event', async () => {
  const before = { rows: (await flagRows()).length, cursor: await cursor() };
  expect(await unleash.toggle('opsdeck.impersonation', false)).toBe(200);
  const failing = { appendMany: async () => { throw new Error('disk full'); } };
  await expect(importer(failing as never).runOnce()).rejects.toThrow('disk full');
  expect(await cursor()).toBe(before.cursor);
  expect(await flagRows()).toHaveLength(before.rows);
  expect((await importer().runOnce()).imported).toBe(1);
  expect(await unleash.toggle('opsdeck.impersonation', true)).toBe(200);
  expect((await importer().runOnce()).imported).toBe(1);
}, 30_000);

it('shows the imported rows in GET /api/audit?entityType=flag', async () => {
  await createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }).seal();
  const { agent } = await loginAs(createTestApp(db), db, ['support_admin']);
  const res = await agent.get('/api/audit').query({ entityType: 'flag', entityId: 'marketplace.refunds' }).expect(200);
  const actions = res.body.items.map((i: { action: string }) => i.action);
  expect(actions).toEqual(expect.arrayContaining(['flag.feature-created', 'flag.feature-environment-disabled', 'flag.feature-environment-enabled']));
  expect(res.body.items[0]).toMatchObject({ operatorId: null, operatorRoles: [expect.stringMatching(/^unleash:/)], entityType: 'flag', entityId: 'marketplace.refunds' });
  // ...and on the backoffice's audit screen.
  const screen = await agent.get('/admin/api/resources/AuditLog/actions/list').query({ 'filters.entityType': 'flag', 'filters.entityId': 'marketplace.refunds' }).expect(200);
  const records = screen.body.records.map((r: { params: Record<string, unknown> }) => r.params);
  expect(records.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['flag.feature-created', 'flag.feature-environment-disabled']));
  expect(records.every((r: { operatorRoles: string; entityId: string }) => /^unleash:/.test(r.operatorRoles) && r.entityId === 'marketplace.refunds')).toBe(true);
}, 30_000);
