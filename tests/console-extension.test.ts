// The console extension point (src/consoles/, src/platform/plugin-routes.ts) with a pack made for
// the test: its page and its read-model routes are refused without the console's permission (403
// problem+json, audited), with its flag off (403 feature_disabled, audited), validate their query
// (422), page by keyset cursors, and appear in the route table and the OpenAPI document. A pack's
// plain route (not a console's) is guarded the same way.
import path from 'node:path';
import { z } from 'zod/v4';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import type { FlagEvaluator } from '../src/flags/flag-service.js';
import type { Plugin } from '../src/platform/plugin.js';
import { defineConsole } from '../src/consoles/console-types.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { keyPage } from '../src/http/keyset-cursor.js';
import { marketplacePlugin } from '../plugins/marketplace/index.js';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs, TEST_AUDIT_KEY, TEST_MFA_KEY } from './support/app.js';

const WIDGETS = Array.from({ length: 5 }, (_, i) => ({ id: `00000000-0000-4000-8000-00000000000${i + 1}`, at: new Date(Date.UTC(2026, 0, 1 + i)) }));

const widgets = defineConsole({
  id: 'widgets',
  title: 'Widgets',
  navigation: 'Payments',
  permission: 'ledger.read',
  flag: 'marketplace.widgets-console',
  component: path.resolve('tests/support/consoles/widget-console.jsx'),
  routes: [
    {
      method: 'GET', path: '/items', summary: 'Widgets, newest first, keyset-paginated',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(3).default(2), cursor: z.string().max(200).optional() }),
      handler: async ({ query }) => {
        const { limit, cursor } = query as { limit: number; cursor?: string };
        const after = cursor ? JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string] : null;
        const rows = [...WIDGETS].reverse().filter((w) => !after || w.at.toISOString() < after[0]);
        const page = keyPage(rows, limit, (w) => [w.at, w.id]);
        return { items: page.items.map((w) => w.id), nextCursor: page.nextCursor };
      },
    },
    // Open to any logged-in operator, written out.
    { method: 'GET', path: '/about', permission: null, summary: 'What this console shows', handler: async () => ({ about: 'widgets' }) },
  ],
});

const pack: Plugin = {
  ...marketplacePlugin,
  flags: { ...marketplacePlugin.flags, 'marketplace.widgets-console': { type: 'release', default: true, description: 'The widgets console (test).' } },
  consoles: [widgets],
  routes: [{ method: 'GET', path: '/marketplace-test/ping', permission: 'order.read', summary: 'A pack route', handler: async ({ operator }) => ({ pong: operator.id }) }],
};

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const off = new Set<string>();
const client: FlagEvaluator = { isEnabled: (name) => !off.has(name), definition: (name) => ({ name }) as never };
let app: ReturnType<typeof createTestPlatformApp>['app'];

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestPlatformApp(db, { plugins: [pack], flagClient: client }).app;
});
afterAll(async () => {
  await db?.drop();
});
afterEach(() => off.clear());

const denials = async (operatorId: number) =>
  (await db.pool.query(`SELECT entity_type, entity_id, reason_code, note FROM audit.inbox WHERE action = 'access.denied' AND operator_id = $1 ORDER BY seq`, [operatorId])).rows;

describe('a console route', () => {
  it('is refused without the console\'s permission: 403 problem+json, audited, nothing answered', async () => {
    const { agent, id } = await loginAs(app, db, ['support_tier_1']);
    const res = await agent.get('/api/consoles/widgets/items').expect(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'forbidden', status: 403, detail: 'Your roles do not grant ledger.read.' });
    expect(res.body.items).toBeUndefined();
    expect(await denials(id)).toEqual([{ entity_type: 'route', entity_id: 'GET /api/consoles/widgets/items', reason_code: null, note: 'missing permission ledger.read' }]);
    // `permission: null` is any logged-in operator; nobody logged in is a 401.
    await agent.get('/api/consoles/widgets/about').expect(200, { about: 'widgets' });
    await (await import('supertest')).default(app).get('/api/consoles/widgets/about').expect(401);
  });

  it('answers with the permission, keyset-paginated, and validates its query', async () => {
    const { agent } = await loginAs(app, db, ['finance_admin']);
    const first = await agent.get('/api/consoles/widgets/items').expect(200);
    expect(first.body.items).toEqual([WIDGETS[4].id, WIDGETS[3].id]);
    const second = await agent.get('/api/consoles/widgets/items').query({ cursor: first.body.nextCursor }).expect(200);
    expect(second.body.items).toEqual([WIDGETS[2].id, WIDGETS[1].id]);
    const last = await agent.get('/api/consoles/widgets/items').query({ cursor: second.body.nextCursor }).expect(200);
    expect(last.body).toEqual({ items: [WIDGETS[0].id], nextCursor: null });
    const bad = await agent.get('/api/consoles/widgets/items').query({ limit: 50 }).expect(422);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    expect(bad.body.detail).toMatch(/^limit: /);
    expect((await agent.get('/api/consoles/widgets/items').query({ colour: 'red' }).expect(422)).body.code).toBe('validation_failed');
  });

  it('is refused with feature_disabled while the console\'s flag is off, and audited', async () => {
    const { agent, id } = await loginAs(app, db, ['finance_admin']);
    off.add('marketplace.widgets-console');
    const res = await agent.get('/api/consoles/widgets/items').expect(403);
    expect(res.body).toMatchObject({ code: 'feature_disabled', flag: 'marketplace.widgets-console' });
    expect(await denials(id)).toEqual([{ entity_type: 'route', entity_id: 'GET /api/consoles/widgets/items', reason_code: 'feature_disabled', note: 'flag marketplace.widgets-console is off' }]);
  });
});

describe('GET /api/consoles', () => {
  it('lists the consoles the caller may open: permission held and flag on', async () => {
    const { agent: finance } = await loginAs(app, db, ['finance_admin']);
    const listed = async (agent: typeof finance) => (await agent.get('/api/consoles').expect(200)).body.items.map((c: { id: string }) => c.id);
    expect(await listed(finance)).toEqual(['widgets']);
    expect((await finance.get('/api/consoles')).body.items[0]).toEqual({
      id: 'widgets', title: 'Widgets', navigation: 'Payments', permission: 'ledger.read', page: '/admin/pages/widgets', api: '/api/consoles/widgets',
    });
    off.add('marketplace.widgets-console');
    expect(await listed(finance)).toEqual([]);
    off.clear();
    const { agent: tier1 } = await loginAs(app, db, ['support_tier_1']);
    expect(await listed(tier1)).toEqual([]);
  });
});

describe('a console page', () => {
  it('is refused without the permission (403 problem+json, audited) and served with it', async () => {
    const { agent, id } = await loginAs(app, db, ['support_tier_1']);
    for (const url of ['/admin/pages/widgets', '/admin/api/pages/widgets']) {
      const res = await agent.get(url).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'forbidden', detail: 'Your roles do not grant ledger.read (console Widgets).' });
    }
    expect((await denials(id)).map((d) => d.entity_id)).toEqual(['widgets', 'widgets']);
    // The Security page is the core's, not a console: untouched.
    await agent.get('/admin/pages/security').expect(200);

    const { agent: finance } = await loginAs(app, db, ['finance_admin']);
    const page = await finance.get('/admin/pages/widgets').expect(200);
    expect(page.text).toContain('<html');
  });

  it('is refused with feature_disabled while the flag is off', async () => {
    const { agent } = await loginAs(app, db, ['finance_admin']);
    off.add('marketplace.widgets-console');
    expect((await agent.get('/admin/pages/widgets').expect(403)).body).toMatchObject({ code: 'feature_disabled' });
  });
});

describe('a pack\'s own route', () => {
  it('is guarded by its declared permission', async () => {
    const { agent: tier1 } = await loginAs(app, db, ['client_success']);
    const { agent: none, id } = await loginAs(app, db, []);
    const ok = await tier1.get('/api/marketplace-test/ping').expect(200);
    expect(typeof ok.body.pong).toBe('number');
    expect((await none.get('/api/marketplace-test/ping').expect(403)).body.code).toBe('forbidden');
    expect(await denials(id)).toHaveLength(1);
  });
});

describe('the route table', () => {
  it('lists console and pack routes with their permissions, and the OpenAPI document documents them', async () => {
    const model = buildRbacModel({ plugins: [pack] });
    expect(model.apiRoutes).toEqual(expect.arrayContaining([
      expect.objectContaining({ method: 'GET', path: '/api/consoles/widgets/items', permission: 'ledger.read' }),
      expect.objectContaining({ method: 'GET', path: '/api/consoles/widgets/about', permission: null }),
      expect.objectContaining({ method: 'GET', path: '/api/marketplace-test/ping', permission: 'order.read' }),
    ]));
    const { agent } = await loginAs(app, db, ['client_success']);
    const doc = (await agent.get('/api/openapi.json').expect(200)).body;
    const items = doc.paths['/api/consoles/widgets/items'].get;
    expect(items['x-permission']).toBe('ledger.read');
    expect(items.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor']);
    expect(Object.keys(items.responses)).toEqual(expect.arrayContaining(['401', '403', '422']));
  });

  it('refuses a start with an unknown permission, a repeated console id or an undeclared flag', () => {
    const start = (plugin: Plugin) => createApp({
      config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }), logger: createLogger({ level: 'silent' }), db, plugins: [plugin],
      sessionSecret: 'x'.repeat(64), unleashState: () => 'ok', audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }),
      auditSigningKey: TEST_AUDIT_KEY, mfaEncryptionKey: TEST_MFA_KEY,
    });
    expect(() => start({ ...pack, consoles: [{ ...widgets, permission: 'ledger.raed' }] })).toThrow(/console widgets requires unknown permission ledger\.raed/);
    expect(() => start({ ...pack, consoles: [widgets, widgets] })).toThrow(/console widgets of plugin marketplace is declared twice/);
    expect(() => start({ ...pack, consoles: [{ ...widgets, id: 'security' }] })).toThrow(/is declared twice \(or is a core page\)/);
    expect(() => start({ ...pack, flags: marketplacePlugin.flags })).toThrow(/console widgets names flag marketplace\.widgets-console, which no one declares/);
  });
});
