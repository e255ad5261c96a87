// Consoles and buttons behind flags, against a real Unleash and the real flag client: a resource
// with `flag` leaves the backoffice navigation and its data calls answer 403 feature_disabled
// (audited) within seconds of the switch going off in Unleash, and come back when it is on; a
// record's action buttons hide while their action's flag is off; gateByFlag does the same for any
// route (a plugin's HTTP route, a page's data route). The flagged console is set up here, on the
// marketplace's Dispute screen, so the shipped configuration stays as it is.
import { randomUUID } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import type { FlagClient } from '../src/flags/unleash-client.js';
import { buildFlagCatalog } from '../src/flags/flag-catalog.js';
import { createFlagService } from '../src/flags/flag-service.js';
import { createFeatureGate } from '../src/flags/feature-gate.js';
import { gateByFlag } from '../src/flags/flag-gating.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { createLogger } from '../src/platform/logger.js';
import { createErrorHandler } from '../src/http/errors.js';
import type { Plugin } from '../src/platform/plugin.js';
import { plugins } from '../plugins/index.js';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs, TEST_AUDIT_KEY } from './support/app.js';
import { startTestUnleash, type TestUnleash } from './support/unleash.js';
import { within } from './support/within.js';
import { createPaidOrder } from './support/commerce-fixtures.js';

const CONSOLE_FLAG = 'marketplace.disputes-console';

// The marketplace with its Disputes screen behind a kill switch.
const gatedPlugins: Plugin[] = plugins.map((p) => p.id !== 'marketplace' ? p : {
  ...p,
  flags: { ...p.flags, [CONSOLE_FLAG]: { type: 'kill-switch', default: true, description: 'The Disputes screen (test)' } },
  resources: p.resources.map((r) => (r.model === 'Dispute' ? { ...r, flag: CONSOLE_FLAG } : r)),
});
const catalog = buildFlagCatalog(gatedPlugins);

let unleash: TestUnleash;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let client: FlagClient;
let app: ReturnType<typeof createTestPlatformApp>['app'];

/** The sidebar as AdminJS renders it for the session: resource ids that have a link. */
async function navigation(agent: request.Agent): Promise<string[]> {
  const html = (await agent.get('/admin').expect(200)).text;
  const state = JSON.parse(/window\.REDUX_STATE = (.*);\n/.exec(html)![1]) as { resources: { id: string; href: string | null }[] };
  return state.resources.filter((r) => r.href).map((r) => r.id);
}

beforeAll(async () => {
  [unleash, db] = await Promise.all([startTestUnleash(), createTestDatabase()]);
  await unleash.sync(catalog);
  client = unleash.flagClient({ appName: 'opsdeck-gated-test', refreshIntervalMs: 1_000 });
  await client.ready(10_000);
  app = createTestPlatformApp(db, { plugins: gatedPlugins, unleash: client.state, flagDefinitions: client, flagClient: client }).app;
}, 120_000);

afterAll(async () => {
  await unleash?.close();
  await db?.drop();
});

it('a console behind a kill switch leaves the navigation and refuses its data (audited) while off, and comes back on', async () => {
  const { agent, id } = await loginAs(app, db, ['platform_admin']);
  const list = () => agent.get('/admin/api/resources/Dispute/actions/list');
  await within(5_000, list, (res) => res.status === 200);
  expect(await navigation(agent)).toEqual(expect.arrayContaining(['Dispute', 'DisputeEvidence', 'Order']));

  expect(await unleash.toggle(CONSOLE_FLAG, false)).toBe(200);
  const off = await within(5_000, list, (res) => res.status === 403);
  console.log(`${CONSOLE_FLAG} off: console refused after ${off.ms} ms`);
  expect(off.value.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(off.value.body).toMatchObject({ code: 'feature_disabled', flag: CONSOLE_FLAG, notice: { type: 'error' } });
  // Every data route of the resource, not only the list.
  expect((await agent.get('/admin/api/resources/Dispute/records/1/show')).body.code).toBe('feature_disabled');
  expect((await agent.get('/admin/api/resources/Dispute/search/x')).body.code).toBe('feature_disabled');
  const nav = await navigation(agent);
  expect(nav).not.toContain('Dispute');
  expect(nav).toEqual(expect.arrayContaining(['DisputeEvidence', 'Order']));
  const denied = (await db.pool.query(`SELECT entity_type, entity_id, reason_code, note, outcome FROM audit.inbox WHERE action = 'access.denied' AND operator_id = $1`, [id])).rows;
  expect(denied[0]).toEqual({ entity_type: 'resource', entity_id: 'Dispute', reason_code: 'feature_disabled', note: `flag ${CONSOLE_FLAG} is off`, outcome: 'denied' });
  expect(denied).toHaveLength(3);

  expect(await unleash.toggle(CONSOLE_FLAG, true)).toBe(200);
  const on = await within(5_000, list, (res) => res.status === 200);
  console.log(`${CONSOLE_FLAG} on: console back after ${on.ms} ms`);
  expect(await navigation(agent)).toContain('Dispute');
}, 60_000);

it('hides the backoffice button of an action whose flag is off, and shows it again when on', async () => {
  const { agent } = await loginAs(app, db, ['platform_admin']);
  const order = await createPaidOrder(db, { amount: 30_000 });
  const buttons = async () => ((await agent.get(`/admin/api/resources/Order/records/${order.orderId}/show`).expect(200)).body.record.recordActions as { name: string }[]).map((a) => a.name);
  await within(5_000, buttons, (names) => names.includes('order-refund'));

  expect(await unleash.toggle('marketplace.refunds', false)).toBe(200);
  const hidden = await within(5_000, buttons, (names) => !names.includes('order-refund'));
  expect(hidden.value).not.toContain('order-cancel');
  // Actions behind other flags keep their buttons.
  expect(hidden.value).toEqual(expect.arrayContaining(['show']));
  // Hidden is cosmetic: the runner still refuses a submit from a form opened before.
  const refused = await agent.post(`/admin/api/resources/Order/records/${order.orderId}/order-refund`)
    .send({ actionRequest: JSON.stringify({ input: { amount: { amount: 1_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' }), idempotencyKey: randomUUID() });
  expect(refused.body.outcome ?? refused.body).toMatchObject({ code: 'feature_disabled' });

  expect(await unleash.toggle('marketplace.refunds', true)).toBe(200);
  await within(5_000, buttons, (names) => names.includes('order-refund') && names.includes('order-cancel'));
}, 60_000);

it('gateByFlag refuses any route while its flag is off, audited, and lets it through when on', async () => {
  const flags = createFlagService({ catalog, client, environment: 'test' });
  const gate = createFeatureGate({ flags, audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }) });
  const routes = express();
  routes.get('/disputes/queue',
    (_req, res, next) => { res.locals.operator = { id: 4242, roles: ['support_agent'] }; next(); },
    gateByFlag({ gate, flag: CONSOLE_FLAG, what: 'The disputes queue' }),
    (_req, res) => { res.json({ ok: true }); });
  routes.use(createErrorHandler({ logger: createLogger({ level: 'silent' }) }));

  await within(5_000, () => request(routes).get('/disputes/queue'), (res) => res.status === 200);
  expect(await unleash.toggle(CONSOLE_FLAG, false)).toBe(200);
  const off = await within(5_000, () => request(routes).get('/disputes/queue'), (res) => res.status === 403);
  expect(off.value.body).toMatchObject({ code: 'feature_disabled', flag: CONSOLE_FLAG, detail: expect.stringContaining('The disputes queue') });
  const denied = (await db.pool.query(`SELECT entity_type, entity_id, reason_code FROM audit.inbox WHERE action = 'access.denied' AND operator_id = 4242`)).rows;
  expect(denied).toEqual([{ entity_type: 'route', entity_id: 'GET /disputes/queue', reason_code: 'feature_disabled' }]);
  expect(await unleash.toggle(CONSOLE_FLAG, true)).toBe(200);
  await within(5_000, () => request(routes).get('/disputes/queue'), (res) => res.status === 200);
}, 60_000);
