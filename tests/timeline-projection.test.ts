// The timeline projector and `npm run projections:rebuild`: after a series of real actions (refunds,
// a freeze, a suspension, a refused refund, notes; some of them concurrent, with two projectors
// following at once) the live projection equals a replay of every source from the beginning;
// projecting again changes nothing; a deleted, altered or forged entry is found and repaired.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { createAuditService } from '../src/audit/audit-service.js';
import { startAuditSealer } from '../src/audit/sealer.js';
import { createLogger } from '../src/platform/logger.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { createTimelineProjector } from '../src/timeline/timeline-projector.js';
import { rebuildTimeline } from '../src/timeline/timeline-rebuild.js';
import { createOperator, createTestPlatformApp, credentials, TEST_AUDIT_KEY } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';

const run = promisify(execFile);
const silent = createLogger({ level: 'silent' });

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let audit: ReturnType<typeof createAuditService>;
let dataDir: string;
const agents: Record<string, request.Agent> = {};

const act = (role: string, actionId: string, target: { type: string; id: number }, body: { input?: object; reasonCode: string }) =>
  agents[role].post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID()).send({ target: { type: target.type, id: String(target.id) }, ...body });
const refund = (orderId: number, amount: number) =>
  act('support_agent', 'order.refund', { type: 'order', id: orderId }, { input: { amount: { amount, currency: 'USD' } }, reasonCode: 'goodwill_gesture' });

const rows = async (sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows;
const contents = () => rows(`SELECT entity_type, entity_id, occurred_at, source, source_id, subject_type, subject_id, kind, actor_operator_id, data
  FROM entity_timeline ORDER BY source, source_id, entity_type, entity_id`);

const rebuildCli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'bin/projections-rebuild.ts', ...args], {
    env: { PATH: process.env.PATH, DATABASE_URL: db.url, AUDIT_SIGNING_KEY: TEST_AUDIT_KEY, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  }).then(({ stdout }) => ({ code: 0, stdout }), (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }));

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdeck-timeline-'));
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  platform = createTestPlatformApp(db, { audit });
  for (const role of ['support_agent', 'risk_agent']) {
    const op = await createOperator(db, { roles: [role] });
    agents[role] = request.agent(platform.app);
    await agents[role].post('/api/session').send(await credentials(op)).expect(200);
  }
  // The demo data's notes were written without audit rows: the notes source reads them all the same.
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: silent, seed: 11 });

  const orders = await Promise.all([createPaidOrder(db, { amount: 9_000 }), createPaidOrder(db, { amount: 9_000 }), createPaidOrder(db, { amount: 9_000 })]);
  expect((await refund(orders[0].orderId, 1_000)).status).toBe(200);
  expect((await refund(orders[0].orderId, 50_000)).status).toBe(409); // more than is left: a refused run, no event
  expect((await act('risk_agent', 'org.freeze', { type: 'organization', id: orders[1].sellerOrgId }, { reasonCode: 'suspected_fraud' })).status).toBe(200);
  expect((await act('risk_agent', 'customer_user.suspend', { type: 'customer_user', id: orders[2].buyerUserId }, { reasonCode: 'suspected_fraud' })).status).toBe(200);
  const supportCase = await db.prisma.supportCase.findFirstOrThrow({ where: { orderId: { not: null } } });
  await db.prisma.supportCaseNote.create({ data: { caseId: supportCase.id, authorOperatorId: (await db.prisma.operator.findFirstOrThrow()).id, body: 'Asked the seller for tracking.' } });

  // Concurrent refunds (their ids and audit numbers commit out of order) while two projectors and
  // the sealer run in the background, as two instances would.
  const sealer = startAuditSealer({ pool: db.pool, logger: silent, intervalMs: 50 });
  const first = platform.timeline.projector.start({ intervalMs: 50 });
  const second = createTimelineProjector({ pool: db.pool, catalog: platform.timeline.catalog }).start({ intervalMs: 50 });
  const results = await Promise.all(orders.flatMap((o) => [refund(o.orderId, 700), refund(o.orderId, 800), refund(o.orderId, 900)]));
  expect(results.map((r) => r.status)).toEqual(Array(9).fill(200));
  await Promise.all([first.stop(), second.stop(), sealer.stop()]);
  await audit.seal();
  await platform.timeline.projector.catchUp();
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await db?.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

it('projects each source row once per entity, and projecting again changes nothing', async () => {
  const before = await contents();
  expect(before.filter((r) => r.kind === 'RefundIssued' && r.entity_type === 'order')).toHaveLength(10);
  expect(before.some((r) => r.source === 'marketplace.notes' && r.data.body === 'Asked the seller for tracking.')).toBe(true);
  // Every demo note whose case names an order is on that order.
  const { n } = (await rows(`SELECT count(*)::int AS n FROM support_case_notes n JOIN support_cases c ON c.id = n.case_id WHERE c.order_id IS NOT NULL`))[0];
  expect(before.filter((r) => r.source === 'marketplace.notes' && r.entity_type === 'order')).toHaveLength(n);

  expect(await platform.timeline.projector.catchUp()).toBe(0);
  await db.pool.query('UPDATE timeline_checkpoints SET position = 0');
  expect(await platform.timeline.projector.catchUp()).toBe(0);
  expect(await contents()).toEqual(before);
});

it('equals a replay of every source from the beginning', async () => {
  const report = await rebuildTimeline({ pool: db.pool, catalog: platform.timeline.catalog });
  expect(report).toMatchObject({ isEqual: true, missing: 0, unexpected: 0, isRepaired: false });
  expect(report.live).toBe(report.replayed);
  expect(report.live).toBeGreaterThan(50);
});

it('finds a deleted, altered or forged entry and repairs the live projection (npm run projections:rebuild)', async () => {
  const before = await contents();
  await db.pool.query(`DELETE FROM entity_timeline WHERE id = (SELECT min(id) FROM entity_timeline WHERE kind = 'RefundIssued')`);
  await db.pool.query(`UPDATE entity_timeline SET data = '{"payload": {"amount": 1}}' WHERE id = (SELECT max(id) FROM entity_timeline WHERE kind = 'RefundIssued')`);
  await db.pool.query(`INSERT INTO entity_timeline (entity_type, entity_id, occurred_at, source, source_id, subject_type, subject_id, kind, data)
    VALUES ('order', '1', now(), 'event', 999999, 'order', '1', 'RefundIssued', '{}')`);

  const checked = await rebuildCli('--check');
  expect(checked.code).toBe(1);
  expect(checked.stdout).toMatch(/DIFFERENT: 2 entries missing from the live projection \(or altered there\), 2 in it that the replay does not produce/);
  expect(checked.stdout).toMatch(/not repaired/);

  const repaired = await rebuildCli();
  expect(repaired.code).toBe(1);
  expect(repaired.stdout).toMatch(/repaired: the live projection now equals the replay/);
  expect(await contents()).toEqual(before);

  const again = await rebuildCli();
  expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/EQUAL/) });
});

it('follows the sources in the background within about a second', async () => {
  const sealer = startAuditSealer({ pool: db.pool, logger: silent, intervalMs: 250 });
  const projector = platform.timeline.projector.start();
  try {
    const order = await createPaidOrder(db);
    const res = await refund(order.orderId, 100);
    expect(res.status).toBe(200);
    const started = Date.now();
    let found = 0;
    while (found === 0 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      found = (await rows(`SELECT 1 FROM entity_timeline WHERE entity_type = 'order' AND entity_id = $1 AND kind = 'RefundIssued'`, [String(order.orderId)])).length;
    }
    expect(found).toBe(1);
  } finally {
    await projector.stop();
    await sealer.stop();
  }
});

it('runs as the application role, which may add and remove entries but not rewrite them', async () => {
  const app = await appRoleDatabase(db, { max: 2 });
  try {
    const order = await createPaidOrder(db);
    expect((await refund(order.orderId, 100)).status).toBe(200);
    await audit.seal();
    const projector = createTimelineProjector({ pool: app.pool, catalog: platform.timeline.catalog });
    expect(await projector.catchUp()).toBeGreaterThan(0);
    expect(await rebuildTimeline({ pool: app.pool, catalog: platform.timeline.catalog })).toMatchObject({ isEqual: true });
    await expect(app.pool.query(`UPDATE entity_timeline SET kind = 'Forged'`)).rejects.toThrow(/permission denied/);
    await expect(app.pool.query('DELETE FROM timeline_checkpoints')).rejects.toThrow(/permission denied/);
  } finally {
    await app.close();
  }
});

it('waits for a note whose writer took a lower id and commits later', async () => {
  const supportCase = await db.prisma.supportCase.findFirstOrThrow({ where: { orderId: { not: null } } });
  const author = (await db.prisma.operator.findFirstOrThrow()).id;
  const insert = `INSERT INTO support_case_notes (case_id, author_operator_id, body) VALUES ($1, $2, $3) RETURNING id`;
  const slow = await db.pool.connect();
  try {
    await slow.query('BEGIN');
    const [{ id: early }] = (await slow.query(insert, [supportCase.id, author, 'written first, committed last'])).rows;
    const [{ id: late }] = (await db.pool.query(insert, [supportCase.id, author, 'written second, committed first'])).rows;
    expect(late).toBeGreaterThan(early);
    await platform.timeline.projector.catchUp();
    // The later note waits behind the gap (it is not 5 s old): the checkpoint stays below the open writer's id.
    const position = async () => Number((await rows(`SELECT position FROM timeline_checkpoints WHERE source = 'marketplace.notes'`))[0].position);
    expect(await position()).toBeLessThan(early);
    await slow.query('COMMIT');
    await platform.timeline.projector.catchUp();
    expect(await position()).toBe(late);
    const projected = await rows(`SELECT DISTINCT source_id::int AS id FROM entity_timeline WHERE source = 'marketplace.notes' AND source_id = ANY($1::bigint[])`, [[early, late]]);
    expect(projected.map((r) => r.id).sort()).toEqual([early, late].sort());
  } finally {
    slow.release();
  }
});
