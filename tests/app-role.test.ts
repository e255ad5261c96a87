// The application's database role (prisma/migrations/*_app_role): the platform runs as opsdeck_app,
// which may read the audit log and append to its inbox but not change it: the grants refuse before
// the triggers would. The app itself (logins, actions, approvals, the outbox, bulk jobs) works as
// that role, and the owner seals what it appended.
import type { Database } from '../src/db/database.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { sealNow, createTestAudit } from './support/audit-fixtures.js';

// A local test server only; every run sets the same one, so concurrent runs agree.

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let appDb: Database;

beforeAll(async () => {
  db = await createTestDatabase();
  appDb = await appRoleDatabase(db);
});
afterAll(async () => {
  await appDb.close();
  await db.drop();
});

const refused = async (sql: string) => {
  const err = await appDb.pool.query(sql).then(() => null, (e: { code?: string; message: string }) => e);
  return err && { code: err.code, isGrant: /permission denied/.test(err.message) };
};

it('may not change the audit log or domain events: refused by the grants, before any trigger', async () => {
  const order = await createPaidOrder(db);
  await db.pool.query(`INSERT INTO domain_events (name, entity_type, entity_id, payload) VALUES ('Probe', 'order', $1, '{}')`, [String(order.orderId)]);
  await createTestAudit(db).appendStandalone({ actor: { operatorId: null, roles: [] }, action: 'probe', outcome: 'succeeded' });
  await sealNow(db);
  for (const sql of [
    `UPDATE audit.events SET note = 'x'`, `DELETE FROM audit.events`, `TRUNCATE audit.events`,
    `INSERT INTO audit.events (seq, occurred_at, action, outcome, hash) VALUES (999999, now(), 'forged', 'succeeded', '\\x00')`,
    `UPDATE audit.inbox SET note = 'x'`, `DELETE FROM audit.inbox`, `TRUNCATE audit.inbox`,
    `UPDATE audit.chain_head SET last_seq = 0`, `INSERT INTO audit.checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature) VALUES (0, '\\x00', now(), 'k', 'hmac', '\\x00')`,
    `UPDATE domain_events SET name = 'Edited'`, `DELETE FROM domain_events`, `TRUNCATE domain_events`,
    `DELETE FROM _prisma_migrations`,
  ]) {
    expect({ sql, refused: await refused(sql) }).toEqual({ sql, refused: { code: '42501', isGrant: true } });
  }
  // Reading and appending are allowed.
  await appDb.pool.query('SELECT count(*) FROM audit.events');
  await appDb.pool.query(`INSERT INTO audit.inbox (operator_roles, action, outcome) VALUES ('{}', 'appended by the app', 'succeeded')`);
});

it('runs the platform\'s work as that role: login, a refund, an approval request, a bulk job, the outbox', async () => {
  const { app, actions } = createTestPlatformApp(appDb);
  const { agent } = await loginAs(app, db, ['support_agent', 'risk_agent']);
  const order = await createPaidOrder(db);
  const body = (amount: number) => ({ target: { type: 'order', id: String(order.orderId) }, input: { amount: { amount, currency: 'USD' } }, reasonCode: 'item_damaged' });
  await agent.post('/api/actions/order.refund').set('Idempotency-Key', 'app-role-1').send(body(1_000)).expect(200);
  await agent.post('/api/actions/order.refund').set('Idempotency-Key', 'app-role-2').send(body(15_000)).expect(202);
  const listing = await db.prisma.listing.create({ data: { sellerOrgId: order.sellerOrgId, title: 'Probe', priceAmount: 100, currency: 'USD', status: 'active' } });
  const job = await agent.post('/api/actions/listing.takedown/bulk').set('Idempotency-Key', 'app-role-3')
    .send({ targets: [{ type: 'listing', id: String(listing.id) }], reasonCode: 'counterfeit' }).expect(202);
  await actions.bulk.process(job.body.job.id);
  expect((await agent.get(`/api/jobs/${job.body.job.id}`).expect(200)).body.job).toMatchObject({ status: 'completed', succeeded: 1 });
  await actions.idempotency.purge();
  await actions.approvals.sweep();
  // The owner's sealer chains what the app appended.
  await sealNow(db);
  expect(await createTestAudit(db).verify()).toMatchObject({ ok: true });
});
