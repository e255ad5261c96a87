// Every model is a generated AdminJS resource that a logged-in operator can list and open, and
// nothing of it answers an anonymous caller.
import fs from 'node:fs';
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials } from './support/app.js';
import { coreResources } from '../src/resources/core-resources.js';
import { plugins } from '../plugins/index.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { seedDemo as seedActionCenterDemo } from '../plugins/action-center/seed/demo.js';
import { createLogger } from '../src/platform/logger.js';

const resources = [...coreResources, ...plugins.flatMap((p) => p.resources)].map((r) => r.model);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: ReturnType<typeof createTestApp>;
let agent: ReturnType<typeof request.agent>;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 7 });
  // The Action Center's demo orders and tickets (plugins/action-center/seed/demo.ts).
  await seedActionCenterDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 7 });
  app = createTestApp(db);
  // Support agent, plus the sessions and API tokens screens (administrators' screens) and the audit
  // log's readers' Impersonations screen, so that every resource lists.
  const op = await createOperator(db, { roles: ['support_agent', 'session_viewer'] });
  await db.prisma.role.update({ where: { key: 'session_viewer' }, data: { permissions: ['session.read', 'audit.read', 'api_token.read'] } });
  agent = request.agent(app);
  const login = await agent.post('/admin/login').type('form').send(await credentials(op));
  expect(login.status).toBe(302);
  expect(login.headers.location).toBe('/admin');
});
afterAll(async () => {
  await db.drop();
});

describe('AdminJS backoffice', () => {
  // The action runner's bookkeeping is shown where it belongs, not as tables of its own: an approval's
  // decisions on its show page, a bulk job's progress in the bulk form (GET /api/jobs/{id}); keys,
  // domain events and delivered notifications are internals, and so are the write rate limiter's counters,
  // the login throttle's and the operators' authenticators and recovery codes (src/auth/).
  // Sessions are a screen: who is logged in, with a Revoke.
  // Experiments have a screen of their own over the service (src/experiments/experiment-admin-resource.ts,
  // tested in tests/experiments-api.test.ts); their variants, event ledger, users and tallies are internals.
  const NOT_RESOURCES = [
    'OperatorRole', 'ApprovalDecision', 'BulkJob', 'BulkJobTarget', 'IdempotencyKey', 'DomainEvent', 'Notification', 'RateLimit', 'OperatorMfa', 'OperatorRecoveryCode', 'LoginThrottle',
    'Experiment', 'ExperimentVariant', 'ExperimentEvent', 'ExperimentUser', 'ExperimentTally',
    // The timeline's read model: shown through the Timeline panel of each entity (src/timeline/).
    'TimelineEntry', 'TimelineCheckpoint',
    // The Unleash event import's bookkeeping.
    'FlagEventCursor',
    // The Action Center's snapshots and order timeline are shown on its ticket page; webhook deliveries are ingestion's bookkeeping.
    'ShopifyOrderSnapshot', 'ShopifyOrderEvent', 'ShopifyWebhookDelivery',
  ];

  it('covers every Prisma model but the operator-role join table, the runner\'s bookkeeping and login security\'s internals', () => {
    const dmmf = JSON.parse(fs.readFileSync('prisma/generated/dmmf.json', 'utf8')) as { datamodel: { models: { name: string }[] } };
    const models = dmmf.datamodel.models.map((m) => m.name).filter((m) => !NOT_RESOURCES.includes(m));
    expect([...resources].sort()).toEqual(models.sort());
  });

  it.each(resources)('lists and shows %s for a logged-in operator', async (resource) => {
    const list = await agent.get(`/admin/api/resources/${resource}/actions/list`).query({ page: 1, perPage: 5 });
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body.records)).toBe(true);
    expect(list.body.meta.total).toBeGreaterThanOrEqual(list.body.records.length);
    const first = list.body.records[0];
    if (first) {
      const show = await agent.get(`/admin/api/resources/${resource}/records/${encodeURIComponent(first.id)}/show`);
      expect(show.status).toBe(200);
      expect(show.body.record.id).toBe(first.id);
    }
  });

  it('never exposes operator password hashes', async () => {
    const list = await agent.get('/admin/api/resources/Operator/actions/list');
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);
  });

  it('shows relations as references to the related resource', async () => {
    const list = await agent.get('/admin/api/resources/Order/actions/list').query({ perPage: 1 });
    const order = list.body.records[0];
    expect(order.populated.checkout.id).toBe(order.params.checkout);
    expect(order.populated.checkout.recordActions[0].resourceId).toBe('Checkout');
    expect(order.populated.sellerOrg.recordActions[0].resourceId).toBe('Organization');
  });

  it('is read-only until actions go through the audited runner', async () => {
    const res = await agent.post('/admin/api/resources/Organization/actions/new').type('form').send({ name: 'x' });
    expect(res.body.notice).toEqual({ message: 'forbiddenError', type: 'error' });
    const count = await db.prisma.organization.count({ where: { name: 'x' } });
    expect(count).toBe(0);
  });

  it('sends anonymous callers to the login page and reveals no data', async () => {
    for (const path of ['/admin', '/admin/api/resources/Order/actions/list', '/admin/resources/Order']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/\/admin\/login$/);
    }
    const page = await request(app).get('/admin/login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('"action":"/admin/login"');
  });

  it('refuses a wrong password on the login form', async () => {
    const op = await createOperator(db);
    const res = await request(app).post('/admin/login').type('form').send({ email: op.email, password: `${op.password}!` });
    expect(res.status).not.toBe(302);
    expect(res.headers['set-cookie'] ?? []).toHaveLength(0);
  });

  it('gives a new session id at backoffice login, so a planted session id is worthless', async () => {
    const attacker = await createOperator(db);
    const victim = await createOperator(db);
    // The attacker's own session id, planted in the victim's browser before the victim logs in.
    const own = await request(app).post('/admin/login').type('form').send(await credentials(attacker));
    const planted = String(own.headers['set-cookie'][0]).split(';')[0];
    const login = await request(app).post('/admin/login').set('Cookie', planted).type('form').send(await credentials(victim));
    expect(login.status).toBe(302);
    const issued = String(login.headers['set-cookie'][0]).split(';')[0];
    expect(issued).not.toBe(planted);
    // The planted id is not the victim's session: the attacker cannot ride it.
    const hijack = await request(app).get('/api/session').set('Cookie', planted);
    expect(hijack.body.operator?.id).not.toBe(victim.id);
    expect((await request(app).get('/api/session').set('Cookie', issued)).body.operator.id).toBe(victim.id);
  });
});
