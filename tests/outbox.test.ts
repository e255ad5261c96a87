// The outbox: messages queued in an action's transaction exist only if it commits, are delivered
// after commit by the pg-boss workers, retried after a handler fails, and take effect once per key
// even when delivered twice.
import type PgBoss from 'pg-boss';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { pgExecutor } from '../src/audit/sql-executor.js';
import { createJobQueue, createOutbox, type OutboxJob } from '../src/actions/outbox.js';
import { createLogger } from '../src/platform/logger.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const bosses: PgBoss[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const boss of bosses) await boss.stop({ graceful: false, wait: true });
  await db.drop();
});

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const jobs = await db.pool.query(`SELECT name, state, retry_count, output, data FROM pgboss.job`);
      throw new Error(`timed out waiting; jobs: ${JSON.stringify(jobs.rows)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('delivers a refund\'s notifications to buyer and seller after commit, once each', async () => {
  const { app, actions } = createTestPlatformApp(db);
  bosses.push(actions.boss);
  const { agent } = await loginAs(app, db, ['finance_admin']);
  const order = await createPaidOrder(db);
  const res = await agent.post('/api/actions/order.refund').set('Idempotency-Key', 'notify-1')
    .send({ target: { type: 'order', id: String(order.orderId) }, input: { amount: { amount: 500, currency: 'USD' } }, reasonCode: 'item_damaged' }).expect(200);
  const runId = res.body.run.id as string;

  await actions.boss.start();
  await actions.outbox.work();
  const delivered = await until(async () => {
    const { rows } = await db.pool.query(`SELECT message_key, recipient, template FROM notifications WHERE message_key LIKE $1 ORDER BY message_key`, [`${runId}:%`]);
    return rows.length >= 2 && rows;
  });
  expect(delivered).toHaveLength(2);
  const buyer = await db.prisma.customerUser.findUniqueOrThrow({ where: { id: order.buyerUserId } });
  const seller = await db.prisma.customerUser.findFirstOrThrow({ where: { organizationId: order.sellerOrgId } });
  expect(delivered.map((r) => r.recipient).sort()).toEqual([buyer.email, seller.email].sort());
  await actions.boss.stop({ graceful: true, wait: true });
});

it('queues nothing when the transaction rolls back, retries a failing handler, and applies a key once', async () => {
  const boss = createJobQueue({ pool: db.pool });
  bosses.push(boss);
  const attempts = new Map<string, number>();
  const outbox = createOutbox({
    boss, pool: db.pool, logger: createLogger({ level: 'silent' }),
    handlers: {
      flaky: async (message: OutboxJob, { pool }) => {
        const n = (attempts.get(message.key) ?? 0) + 1;
        attempts.set(message.key, n);
        if (n === 1) throw new Error('provider timeout');
        await pool.query(`INSERT INTO notifications (message_key, channel, recipient, template, payload) VALUES ($1, 'test', 'x@example.test', 'flaky', '{}') ON CONFLICT DO NOTHING`, [message.key]);
      },
    },
  });
  const inTransaction = async (commit: boolean, keyPrefix: string) => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await outbox.enqueue(pgExecutor(client), keyPrefix, [{ kind: 'flaky', payload: {} }]);
      await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    } finally {
      client.release();
    }
  };
  await inTransaction(false, 'rolled-back');
  await inTransaction(true, 'committed');
  const queued = await db.pool.query(`SELECT data->>'key' AS key FROM pgboss.job WHERE name = 'outbox' AND data->>'kind' = 'flaky'`);
  expect(queued.rows.map((r) => r.key)).toEqual(['committed:0']);
  await expect(outbox.enqueue(pgExecutor(db.pool as never), 'x', [{ kind: 'no_such_kind', payload: {} }])).rejects.toThrow(/no outbox handler/);

  await boss.start();
  await outbox.work({ workers: 1 });
  await until(async () => (await db.pool.query(`SELECT 1 FROM notifications WHERE message_key = 'committed:0'`)).rowCount === 1, 20_000);
  expect(attempts.get('committed:0')).toBe(2);
  expect(attempts.has('rolled-back:0')).toBe(false);
}, 30_000);
