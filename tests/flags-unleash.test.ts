// Flags as code against a real Unleash (one supervised child for the file) and the real
// unleash-client: the declared flags are created at start and never overwritten after; a kill
// switch turned off in Unleash refuses its feature (403 feature_disabled, audited) within seconds,
// on the action endpoint and in bulk, and on again restores it; GET /api/flags follows; with
// Unleash unreachable the declared defaults are served; Unleash stopping mid-run leaves the
// last-known values in place, and a restart while it is down serves them from the backup file.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { buildFlagCatalog } from '../src/flags/flag-catalog.js';
import { syncFlags } from '../src/flags/flag-sync.js';
import { freePort } from '../src/platform/free-port.js';
import { plugins } from '../plugins/index.js';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { silent, startTestUnleash, type TestUnleash } from './support/unleash.js';
import { within } from './support/within.js';

const catalog = buildFlagCatalog(plugins);

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

const feature = (key: string) => unleash.admin('GET', `/projects/default/features/${key}`);
const development = (f: any) => f.environments.find((e: any) => e.name === 'development');

const appWith = (client: FlagClient) => createTestPlatformApp(db, { unleash: client.state, flagDefinitions: client, flagClient: client }).app;
const clientFor = (url: string) => unleash.flagClient({ appName: 'opsdeck-flags-test', url, refreshIntervalMs: 1_000 });

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
}, 120_000);

// Unleash is down by then: the flag clients' destroy() waits for their polls in flight.
afterAll(async () => {
  await unleash?.close();
  await db?.drop();
}, 30_000);

it('creates every declared flag in Unleash, and a second sync leaves what a product manager changed', async () => {
  const first = await unleash.sync(catalog);
  expect(first.created.sort()).toEqual([...catalog.keys()].sort());
  expect(first.existing).toEqual([]);
  const refunds = (await feature('marketplace.refunds')).body;
  expect(refunds).toMatchObject({ name: 'marketplace.refunds', type: 'kill-switch', description: catalog.get('marketplace.refunds')!.description });
  expect(development(refunds)).toMatchObject({ enabled: true });
  expect(development(refunds).strategies).toHaveLength(1);
  // The context fields opsdeck sends are registered, so strategy constraints in the dashboard can use them.
  for (const name of ['roles', 'orgId']) expect((await unleash.admin('GET', `/context/${name}`)).body).toMatchObject({ name });

  // The product manager owns it now: off, another description.
  expect(await unleash.toggle('marketplace.refunds', false)).toBe(200);
  expect((await unleash.admin('PATCH', '/projects/default/features/marketplace.refunds', [{ op: 'replace', path: '/description', value: 'Owned by payments' }])).status).toBe(200);

  const second = await unleash.sync(catalog);
  expect(second).toEqual({ created: [], existing: [...catalog.keys()] });
  const after = (await feature('marketplace.refunds')).body;
  expect(after.description).toBe('Owned by payments');
  expect(development(after)).toMatchObject({ enabled: false });
  expect(development(after).strategies).toHaveLength(1);
  expect(await unleash.toggle('marketplace.refunds', true)).toBe(200);
}, 30_000);

it('a kill switch turned off refuses its action and bulk jobs within seconds, audited, and on again restores them', async () => {
  const client = clientFor(unleash.url);
  expect(await client.ready(10_000)).toBe(true);
  const app = appWith(client);
  const { agent, id } = await loginAs(app, db, ['platform_admin']);
  const refund = () => agent.post('/api/actions/order.refund').set('Idempotency-Key', randomUUID())
    .send({ target: { type: 'order', id: '999999999' }, input: { amount: 100, currency: 'USD' }, reasonCode: 'goodwill' });
  const flagOf = async (key: string) => (await agent.get('/api/flags').expect(200)).body.items.find((f: { key: string }) => f.key === key);

  await within(5_000, refund, (res) => res.status !== 403);
  expect(await flagOf('marketplace.refunds')).toEqual({
    key: 'marketplace.refunds', type: 'kill-switch', description: catalog.get('marketplace.refunds')!.description, enabled: true, default: true, source: 'unleash',
  });

  expect(await unleash.toggle('marketplace.refunds', false)).toBe(200);
  const off = await within(5_000, refund, (res) => res.status === 403);
  expect(off.value.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(off.value.body).toMatchObject({ code: 'feature_disabled', flag: 'marketplace.refunds' });
  console.log(`marketplace.refunds off: refused after ${off.ms} ms`);
  const denied = (await db.pool.query(`SELECT * FROM audit.inbox WHERE action = 'access.denied' AND operator_id = $1`, [id])).rows;
  expect(denied[0]).toMatchObject({ entity_type: 'action', entity_id: 'order.refund', reason_code: 'feature_disabled', outcome: 'denied' });
  expect(await flagOf('marketplace.refunds')).toMatchObject({ enabled: false, default: true, source: 'unleash' });
  const listed = (await agent.get('/api/actions').expect(200)).body.items.map((a: { id: string }) => a.id);
  expect(listed).not.toContain('order.refund');
  expect(listed).toContain('listing.takedown');
  // In bulk too, for an action behind the same switch; no job is stored.
  const bulk = await agent.post('/api/actions/order.cancel/bulk').set('Idempotency-Key', randomUUID())
    .send({ targets: [{ type: 'order', id: '1' }], input: {}, reasonCode: 'buyer_request' }).expect(403);
  expect(bulk.body.code).toBe('feature_disabled');

  expect(await unleash.toggle('marketplace.refunds', true)).toBe(200);
  const on = await within(5_000, refund, (res) => res.status !== 403);
  expect(on.value.body.code).not.toBe('feature_disabled');
  console.log(`marketplace.refunds on: restored after ${on.ms} ms`);
  expect(await flagOf('marketplace.refunds')).toMatchObject({ enabled: true });

  // The bulk kill switch refuses every bulk job, whatever the action.
  expect(await unleash.toggle('opsdeck.bulk-actions', false)).toBe(200);
  // Waits on GET /api/flags, so no bulk job is accepted while the switch propagates.
  await within(5_000, () => flagOf('opsdeck.bulk-actions'), (flag) => flag.enabled === false);
  const bulkOff = await agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', randomUUID())
    .send({ targets: [{ type: 'listing', id: '1' }], input: {}, reasonCode: 'policy_violation' }).expect(403);
  expect(bulkOff.body).toMatchObject({ code: 'feature_disabled', flag: 'opsdeck.bulk-actions' });
  expect(await unleash.toggle('opsdeck.bulk-actions', true)).toBe(200);
}, 60_000);

it('serves the declared defaults when Unleash is unreachable and nothing was ever fetched', async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  await expect(syncFlags({ url: nowhere, adminToken: unleash.adminToken, catalog, logger: silent })).rejects.toThrow();
  const client = clientFor(nowhere);
  expect(await client.ready(1_000)).toBe(false);
  const { agent } = await loginAs(appWith(client), db, ['support_agent']);
  const items = (await agent.get('/api/flags').expect(200)).body.items;
  expect(items).toHaveLength(catalog.size);
  for (const item of items) expect(item).toMatchObject({ enabled: catalog.get(item.key)!.default, default: catalog.get(item.key)!.default, source: 'default' });
  expect((await agent.get('/readyz').expect(200)).body).toEqual({ database: 'ok', unleash: 'degraded' });
}, 30_000);

// Last in the file: it stops Unleash. A flag whose Unleash value differs from its declared default
// (opsdeck.impersonation: declared on, switched off in Unleash) tells last-known values apart from
// defaults.
it('keeps serving last-known values when Unleash stops mid-run, and a restart with Unleash down serves the backup file', async () => {
  const backupPath = unleash.backupPath();
  const backupFile = path.join(backupPath, 'unleash-backup-opsdeck-flags-test.json');
  const newClient = (url: string) => unleash.flagClient({ appName: 'opsdeck-flags-test', url, backupPath, refreshIntervalMs: 1_000 });
  expect(catalog.get('opsdeck.impersonation')!.default).toBe(true);
  await unleash.sync(catalog);
  expect(await unleash.toggle('opsdeck.impersonation', false)).toBe(200);

  // ---- running: the client fetches the switch and writes its backup
  const running = newClient(unleash.url);
  expect(await running.ready(10_000)).toBe(true);
  await within(5_000, async () => running.isEnabled('opsdeck.impersonation', undefined, true), (on) => on === false);
  await within(5_000, async () => JSON.parse(await fs.readFile(backupFile, 'utf8').catch(() => '{}')).features ?? [], (features: { name: string; enabled: boolean }[]) =>
    features.some((f) => f.name === 'opsdeck.impersonation'));
  const unleashUrl = unleash.url;

  // ---- Unleash stops mid-run: the running client reports it and keeps the values it had
  await unleash.supervisor.stop();
  await within(15_000, async () => running.state(), (state) => state === 'degraded');
  expect(running.isEnabled('opsdeck.impersonation', undefined, true)).toBe(false);
  const { agent: runningAgent } = await loginAs(appWith(running), db, ['support_admin']);
  expect((await runningAgent.get('/api/flags').expect(200)).body.items.find((f: { key: string }) => f.key === 'opsdeck.impersonation'))
    .toMatchObject({ enabled: false, default: true, source: 'unleash' });
  await running.destroy();

  // ---- a restart while Unleash is still down: the new client loads the backup file
  const restarted = newClient(unleashUrl);
  expect(await restarted.ready(5_000)).toBe(true);
  expect(restarted.state()).toBe('degraded');
  const app = appWith(restarted);
  const { agent } = await loginAs(app, db, ['support_admin']);
  const flags = (await agent.get('/api/flags').expect(200)).body.items;
  expect(flags.find((f: { key: string }) => f.key === 'opsdeck.impersonation')).toMatchObject({ enabled: false, default: true, source: 'unleash' });
  expect(flags.find((f: { key: string }) => f.key === 'marketplace.refunds')).toMatchObject({ enabled: true, source: 'unleash' });
  // The gate follows the backup, not the default: impersonation stays switched off.
  const refused = await agent.post('/api/impersonations').send({ targetUserId: 1, reason: 'customer_reported_issue', note: 'restart test', ticketId: 'SUP-9' });
  expect(refused.body).toMatchObject({ code: 'feature_disabled', flag: 'opsdeck.impersonation' });
  // Degraded, not unready.
  expect((await agent.get('/readyz').expect(200)).body).toEqual({ database: 'ok', unleash: 'degraded' });
}, 90_000);
