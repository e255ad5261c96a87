// Packs' scheduled jobs on pg-boss (src/actions/scheduled-jobs.ts): the action background puts each
// on the cron and works its queue; a tick runs the real sweep (here the support SLA breach sweep).
import { startActionBackground } from '../src/actions/action-background.js';
import { createLogger } from '../src/platform/logger.js';
import { createTestPlatformApp } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
let owner: TestDatabase;
let db: Awaited<ReturnType<typeof appRoleDatabase>>;

beforeAll(async () => {
  owner = await createTestDatabase();
  db = await appRoleDatabase(owner);
});
afterAll(async () => {
  await db?.close();
  await owner?.drop();
});

it('schedules the marketplace sweeps every minute and a tick runs the sweep', async () => {
  const { actions } = createTestPlatformApp(db);
  const background = await startActionBackground({ actions, logger: createLogger({ level: 'silent' }) });
  try {
    const schedules = (await owner.pool.query('SELECT name, cron FROM pgboss.schedule ORDER BY name')).rows;
    expect(schedules).toEqual(expect.arrayContaining([
      { name: 'marketplace-nonfulfilment-sweep', cron: '* * * * *' },
      { name: 'marketplace-support-sla-sweep', cron: '* * * * *' },
    ]));
    // A case past its due time with no response; a tick (sent by hand rather than waiting for the minute).
    const order = await createPaidOrder(owner);
    const { rows: [supportCase] } = await owner.pool.query(
      `INSERT INTO support_cases (subject, order_id, sla_first_response_due_at, updated_at) VALUES ('late', $1, now() - interval '1 minute', now()) RETURNING id`, [order.orderId]);
    await actions.boss.send('marketplace-support-sla-sweep', {});
    const deadline = Date.now() + 20_000;
    let breachedAt: Date | null = null;
    while (breachedAt === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      breachedAt = (await owner.pool.query('SELECT sla_breached_at FROM support_cases WHERE id = $1', [supportCase.id])).rows[0].sla_breached_at;
    }
    expect(breachedAt).not.toBeNull();
  } finally {
    await background.stop();
  }
});
