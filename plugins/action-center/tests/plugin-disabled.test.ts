// "Added by configuration alone": OPSDECK_PLUGINS picks the enabled packs, and an app built without
// the Action Center has none of it: no webhook, console or API routes (404), no backoffice
// resources or console page, no action in GET /api/actions, no omnibox identifiers. Its tables
// stay (disabling removes no data).
import request from 'supertest';
import { createTestDatabase } from '../../../tests/support/database.js';
import { createOperator, createTestPlatformApp, credentials, loginAs } from '../../../tests/support/app.js';
import { selectPlugins } from '../../../src/platform/select-plugins.js';
import { buildRbacModel } from '../../../src/rbac/rbac-model.js';
import { installedPlugins } from '../../index.js';
import { createOrderIngestion } from '../orders/order-ingestion.js';
import { recordedWebhooks } from '../fixtures/recorded.js';

describe('selectPlugins (OPSDECK_PLUGINS)', () => {
  it('enables the packs named, in installation order, and refuses an unknown id', () => {
    expect(selectPlugins({ installed: installedPlugins, enabled: 'action-center,marketplace' }).map((p) => p.id)).toEqual(['marketplace', 'action-center']);
    expect(selectPlugins({ installed: installedPlugins, enabled: 'marketplace' }).map((p) => p.id)).toEqual(['marketplace']);
    expect(() => selectPlugins({ installed: installedPlugins, enabled: 'marketplace,action-centre' })).toThrow(/unknown plugin\(s\): action-centre/);
  });
});

describe('an app without the Action Center', () => {
  const marketplaceOnly = selectPlugins({ installed: installedPlugins, enabled: 'marketplace' });
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let platform: ReturnType<typeof createTestPlatformApp>;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Data ingested while it was enabled stays in its tables.
    for (const d of recordedWebhooks('order-1001')) await createOrderIngestion({ pool: db.pool }).ingestWebhook(d);
    platform = createTestPlatformApp(db, { plugins: marketplaceOnly, env: { SHOPIFY_WEBHOOK_SECRET: 'shpss_test_webhook_secret_0123456789' } });
  });
  afterAll(async () => {
    await platform?.actions.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await db?.drop();
  });

  it('has no Action Center routes, resources, console, actions or search identifiers', async () => {
    const model = buildRbacModel({ plugins: marketplaceOnly });
    expect(model.resources.map((r) => r.model)).not.toEqual(expect.arrayContaining(['ShopifyOrder']));
    expect(model.resources.some((r) => ['ShopifyOrder', 'ActionCenterTicket', 'ActionCenterTask'].includes(r.model))).toBe(false);
    expect(model.consoles.some(({ console: c }) => c.id === 'action-center')).toBe(false);
    expect(model.apiRoutes.some((r) => r.path.includes('action-center'))).toBe(false);
    expect(Object.keys(model.catalog)).not.toContain('ac_ticket.task');

    await request(platform.app).post('/api/webhooks/shopify').set('Content-Type', 'application/json').send('{}').expect(404);
    const { agent } = await loginAs(platform.app, db, ['super_admin']);
    await agent.get('/api/consoles/action-center/tickets').expect(404);
    await agent.post('/api/action-center/orders/5500000001001/refresh').expect(404);
    const consoles = await agent.get('/api/consoles').expect(200);
    expect(JSON.stringify(consoles.body)).not.toContain('action-center');
    const actions = await agent.get('/api/actions').expect(200);
    expect(JSON.stringify(actions.body)).not.toContain('ticket.create_task');
    await agent.post('/api/actions/ticket.create_task').set('Idempotency-Key', 'k1').send({ target: { type: 'ac_ticket', id: '1' }, input: { title: 'x' }, reasonCode: 'follow_up' }).expect(404);
    for (const q of ['#1001', '5500000001001', 'gid://shopify/Order/5500000001001']) {
      const found = await agent.get('/api/search').query({ q }).expect(200);
      expect(found.body.items.some((i: { type: string }) => i.type === 'shopify_order')).toBe(false);
    }
    const openapi = await agent.get('/api/openapi.json').expect(200);
    expect(JSON.stringify(openapi.body)).not.toContain('action-center');
    // The backoffice has no such resource (the admin API answers as for any unknown one).
    const admin = request.agent(platform.app);
    await admin.post('/admin/login').type('form').send(await credentials(await createOperator(db, { roles: ['super_admin'] }))).expect(302);
    await admin.get('/admin/api/resources/Order/actions/list').expect(200);
    const gone = await admin.get('/admin/api/resources/ShopifyOrder/actions/list');
    expect(gone.status).toBeGreaterThanOrEqual(400);
    // The tables and their rows stay.
    expect(Number((await db.pool.query('SELECT count(*) FROM ac_orders')).rows[0].count)).toBe(1);
  });
});
