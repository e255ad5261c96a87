// The kill switches over HTTP, with a stand-in flag client (the real one is exercised in
// tests/flags-unleash.test.ts): impersonation start, experiment ingestion and a flagged action in
// the backoffice are refused with feature_disabled and an audit row while their switch is off, and
// work again once it is on.
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/platform/logger.js';
import type { FlagEvaluator } from '../src/flags/flag-service.js';
import { plugins } from '../plugins/index.js';
import { createTestDatabase } from './support/database.js';
import { loginAs, TEST_AUDIT_KEY, TEST_MFA_KEY } from './support/app.js';
import { setStepUp } from './support/impersonation-app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const off = new Set<string>();
// Known to "Unleash" and on, unless switched off here.
const client: FlagEvaluator = { isEnabled: (name) => !off.has(name), definition: (name) => ({ name }) as never };
let app: ReturnType<typeof createApp>['app'];

beforeAll(async () => {
  db = await createTestDatabase();
  app = createApp({
    config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }), logger: createLogger({ level: 'silent' }), db, plugins,
    sessionSecret: randomBytes(32).toString('hex'), unleashState: () => 'ok', audit: createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY }),
    auditSigningKey: TEST_AUDIT_KEY, mfaEncryptionKey: TEST_MFA_KEY, flagClient: client,
  }).app;
});
afterAll(async () => {
  await db?.drop();
});
afterEach(() => off.clear());

const denials = async (operatorId: number) =>
  (await db.pool.query(`SELECT entity_type, entity_id, reason_code, note, outcome FROM audit.inbox WHERE action = 'access.denied' AND operator_id = $1`, [operatorId])).rows;

it('refuses starting an impersonation while opsdeck.impersonation is off, before the target is read', async () => {
  const org = await db.prisma.organization.create({ data: { kind: 'buyer', name: 'Flag Corp', domain: 'flag.example' } });
  const customer = await db.prisma.customerUser.create({ data: { email: 'carol@flag.example', name: 'Carol', organizationId: org.id } });
  const { agent, id } = await loginAs(app, db, ['support_admin']);
  await setStepUp(db, id, Date.now());
  const body = { targetUserId: customer.id, reason: 'customer_reported_issue', note: 'flag test', ticketId: 'SUP-1' };

  off.add('opsdeck.impersonation');
  const refused = await agent.post('/api/impersonations').send(body).expect(403);
  expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(refused.body).toMatchObject({ code: 'feature_disabled', flag: 'opsdeck.impersonation' });
  expect(await denials(id)).toEqual([{ entity_type: 'impersonation', entity_id: null, reason_code: 'feature_disabled', note: 'flag opsdeck.impersonation is off', outcome: 'denied' }]);
  expect(await db.prisma.impersonation.count({ where: { operatorId: id } })).toBe(0);

  off.clear();
  await agent.post('/api/impersonations').send(body).expect(201);
});

it('refuses experiment event batches while opsdeck.experiments-ingest is off', async () => {
  const { agent, id } = await loginAs(app, db, ['platform_admin']);
  const key = 'flag-gate-checkout';
  await agent.put(`/api/experiments/${key}`).send({ status: 'running', variants: [{ name: 'control', isControl: true, weight: 50 }, { name: 'treatment', weight: 50 }] }).expect(201);
  const batch = { events: [{ id: 'e-1', userId: 'u-1', variant: 'control', type: 'exposure', at: new Date().toISOString() }] };

  off.add('opsdeck.experiments-ingest');
  const refused = await agent.post(`/api/experiments/${key}/events`).send(batch).expect(403);
  expect(refused.body).toMatchObject({ code: 'feature_disabled', flag: 'opsdeck.experiments-ingest' });
  expect(await denials(id)).toEqual([expect.objectContaining({ entity_type: 'experiment', entity_id: key, reason_code: 'feature_disabled' })]);

  off.clear();
  expect((await agent.post(`/api/experiments/${key}/events`).send(batch).expect(200)).body).toMatchObject({ received: 1 });
});

it('refuses a flagged action from its backoffice button while its switch is off, nothing run or claimed', async () => {
  const { agent, id } = await loginAs(app, db, ['platform_admin']);
  const order = await createPaidOrder(db, { amount: 30_000 });
  const submit = () => agent.post(`/admin/api/resources/Order/records/${order.orderId}/order-refund`)
    .send({ actionRequest: JSON.stringify({ input: { amount: { amount: 1_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' }), idempotencyKey: randomBytes(8).toString('hex') });

  off.add('marketplace.refunds');
  const refused = await submit().expect(200);
  expect(refused.body.notice).toMatchObject({ type: 'error' });
  expect(refused.body.outcome).toMatchObject({ status: 403, code: 'feature_disabled' });
  expect(await denials(id)).toEqual([expect.objectContaining({ entity_type: 'action', entity_id: 'order.refund', reason_code: 'feature_disabled' })]);
  expect(Number((await db.pool.query('SELECT count(*) AS n FROM action_runs WHERE operator_id = $1', [id])).rows[0].n)).toBe(0);

  off.clear();
  expect((await submit().expect(200)).body.outcome).toMatchObject({ isDone: true });
});
