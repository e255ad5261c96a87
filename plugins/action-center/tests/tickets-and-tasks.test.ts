// Tickets and the one safe action (seed 002 steps 5 and 6): the ticket list's filters (status,
// assignee, age), the ticket detail with the order context and timeline on one screen (personal
// data masked without pii.read), and ticket.create_task through the action runner: RBAC,
// idempotency key, audit attempted + succeeded/failed, the task on the order timeline, and a forced
// task-service failure that is an exception (failed run with a reason code) whose Retry succeeds once.
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../../../tests/support/database.js';
import { createTestPlatformApp, loginAs, TEST_AUDIT_KEY } from '../../../tests/support/app.js';
import { createAuditService } from '../../../src/audit/audit-service.js';
import { createOrderIngestion } from '../orders/order-ingestion.js';
import { recordedWebhooks } from '../fixtures/recorded.js';
import { setTaskServiceOutage } from '../tickets/task-service.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let audit: ReturnType<typeof createAuditService>;
let agent: Awaited<ReturnType<typeof loginAs>>;
const ticket: Record<string, number> = {};

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  platform = createTestPlatformApp(db, { audit });
  const ingestion = createOrderIngestion({ pool: db.pool });
  for (const d of [...recordedWebhooks('order-1001'), ...recordedWebhooks('order-1002')]) await ingestion.ingestWebhook(d);
  agent = await loginAs(platform.app, db, ['support_agent']);
  const insert = async (name: string, status: string, assignee: number | null, shopifyId: string, at: Date) => {
    const { rows: [row] } = await db.pool.query<{ id: number }>(
      `INSERT INTO ac_tickets (subject, status, assignee_operator_id, order_id, created_at) SELECT $1, $2, $3, id, $5 FROM ac_orders WHERE shopify_id = $4 RETURNING id`,
      [name, status, assignee, shopifyId, at]);
    ticket[name] = row.id;
  };
  await insert('mine-open', 'open', agent.id, '5500000001001', hoursAgo(2));
  await insert('unassigned-pending', 'pending', null, '5500000001001', hoursAgo(30));
  await insert('unassigned-open-old', 'open', null, '5500000001002', hoursAgo(80));
  await insert('closed', 'closed', agent.id, '5500000001002', hoursAgo(1));
});
afterAll(async () => {
  setTaskServiceOutage({ failures: 0 });
  await platform?.actions.boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  await db?.drop();
});

const subjects = (body: { items: { subject: string }[] }) => body.items.map((t) => t.subject);
const createTask = (id: number, key: string, title = 'Call the carrier about the cancelled fulfillment') =>
  agent.agent.post('/api/actions/ticket.create_task').set('Idempotency-Key', key)
    .send({ target: { type: 'ac_ticket', id: String(id) }, input: { title }, reasonCode: 'follow_up' });

describe('tickets', () => {
  it('lists tickets newest first, filtered by status, assignee and age', async () => {
    const all = await agent.agent.get('/api/consoles/action-center/tickets').expect(200);
    expect(subjects(all.body)).toEqual(['closed', 'mine-open', 'unassigned-pending', 'unassigned-open-old']);
    expect(subjects((await agent.agent.get('/api/consoles/action-center/tickets?status=open').expect(200)).body)).toEqual(['mine-open', 'unassigned-open-old']);
    expect(subjects((await agent.agent.get('/api/consoles/action-center/tickets?assignee=me').expect(200)).body)).toEqual(['closed', 'mine-open']);
    expect(subjects((await agent.agent.get(`/api/consoles/action-center/tickets?assignee=${agent.id}&status=open`).expect(200)).body)).toEqual(['mine-open']);
    expect(subjects((await agent.agent.get('/api/consoles/action-center/tickets?assignee=none').expect(200)).body)).toEqual(['unassigned-pending', 'unassigned-open-old']);
    expect(subjects((await agent.agent.get('/api/consoles/action-center/tickets?minAgeHours=24').expect(200)).body)).toEqual(['unassigned-pending', 'unassigned-open-old']);
    expect(subjects((await agent.agent.get('/api/consoles/action-center/tickets?maxAgeHours=24').expect(200)).body)).toEqual(['closed', 'mine-open']);
    const page = await agent.agent.get('/api/consoles/action-center/tickets?limit=3').expect(200);
    expect(page.body.items).toHaveLength(3);
    const next = await agent.agent.get(`/api/consoles/action-center/tickets?limit=3&cursor=${page.body.nextCursor}`).expect(200);
    expect(subjects(next.body)).toEqual(['unassigned-open-old']);
    expect(next.body.nextCursor).toBeNull();
    const bad = await agent.agent.get('/api/consoles/action-center/tickets?status=lost').expect(422);
    expect(bad.body.code).toBe('validation_failed');
  });

  it('shows a ticket with the order context panel and the order timeline on one screen, masked without pii.read', async () => {
    const res = await agent.agent.get(`/api/consoles/action-center/tickets/${ticket['mine-open']}`).expect(200);
    expect(res.body.ticket).toMatchObject({ subject: 'mine-open', status: 'open', orderName: '#1001' });
    expect(res.body.order.context).toMatchObject({
      customer: { name: expect.not.stringContaining('Lovelace'), email: expect.not.stringContaining('ada@') },
      totals: { total: { amount: 11772, currency: 'USD' } }, payment: { status: 'refunded' }, fulfillment: { status: 'fulfilled', fulfillments: 3 },
    });
    expect(new Set(res.body.order.timeline.map((e: { type: string }) => e.type)).size).toBeGreaterThanOrEqual(10);
    expect(res.body.actions).toEqual([expect.objectContaining({ id: 'ticket.create_task', isPermitted: true })]);
    // With pii.read the customer is shown as recorded.
    const admin = await loginAs(platform.app, db, ['support_admin']);
    const full = await admin.agent.get(`/api/consoles/action-center/tickets/${ticket['mine-open']}`).expect(200);
    expect(full.body.order.context.customer).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com' });
    await agent.agent.get('/api/consoles/action-center/tickets/999999').expect(404);
  });

  it('refuses operators without ac_ticket.read', async () => {
    const other = await loginAs(platform.app, db, ['catalog_admin']);
    const res = await other.agent.get('/api/consoles/action-center/tickets').expect(403);
    expect(res.body.code).toBe('forbidden');
  });
});

describe('ticket.create_task', () => {
  it('creates the task once per idempotency key, audited, and puts it on the order timeline', async () => {
    const key = randomUUID();
    const first = await createTask(ticket['mine-open'], key).expect(200);
    expect(first.body.run).toMatchObject({ status: 'succeeded', result: { ticketId: ticket['mine-open'], externalRef: expect.stringMatching(/^TASK-/) } });
    const replay = await createTask(ticket['mine-open'], key).expect(200);
    expect(replay.body.run.id).toBe(first.body.run.id);
    await createTask(ticket['mine-open'], key, 'another title').expect(422);
    const tasks = await db.pool.query('SELECT id, title FROM ac_tasks WHERE ticket_id = $1', [ticket['mine-open']]);
    expect(tasks.rows).toHaveLength(1);
    const audit = await db.pool.query(`SELECT outcome, entity_type FROM audit.inbox WHERE action = 'ticket.create_task' AND (after->>'runId' = $1 OR entity_type = 'ac_task') ORDER BY seq`, [first.body.run.id]);
    expect(audit.rows.map((r) => r.outcome)).toEqual(expect.arrayContaining(['attempted', 'succeeded']));
    const detail = await agent.agent.get(`/api/consoles/action-center/tickets/${ticket['mine-open']}`).expect(200);
    expect(detail.body.order.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'task_created', data: expect.objectContaining({ taskId: tasks.rows[0].id }) })]));
    expect(detail.body.tasks).toHaveLength(1);
  });

  it('answers on seed 002\'s path too: the same runner call, replayed by its key', async () => {
    const key = randomUUID();
    // Seed 002 names /admin/action-center/...; the API's own path is the same route.
    const path = `/admin/action-center/tickets/${ticket['unassigned-open-old']}/actions/create-task`;
    const apiPath = `/api/action-center/tickets/${ticket['unassigned-open-old']}/actions/create-task`;
    const body = { input: { title: 'Send the invoice copy', kind: 'note' }, reasonCode: 'customer_request' };
    const first = await agent.agent.post(path).set('Idempotency-Key', key).send(body).expect(200);
    expect(first.body.run).toMatchObject({ actionId: 'ticket.create_task', status: 'succeeded', target: { type: 'ac_ticket', id: String(ticket['unassigned-open-old']) } });
    const replay = await agent.agent.post(apiPath).set('Idempotency-Key', key).send(body).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.run.id).toBe(first.body.run.id);
    await agent.agent.post(path).send(body).expect(400);
    const reader = await loginAs(platform.app, db, ['client_success']);
    await reader.agent.post(path).set('Idempotency-Key', randomUUID()).send(body).expect(403);
    // Not logged in: the API's answer (401 problem+json), not the backoffice's login page.
    const anonymous = await request(platform.app).post(path).set('Idempotency-Key', randomUUID()).send(body).expect(401);
    expect(anonymous.headers['content-type']).toMatch(/problem\+json/);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM ac_tasks WHERE ticket_id = $1', [ticket['unassigned-open-old']])).rows[0].n).toBe(1);
  });

  it('is refused without ac_ticket.task (403, audited) and on a closed ticket (409)', async () => {
    const reader = await loginAs(platform.app, db, ['client_success']);
    const denied = await reader.agent.post('/api/actions/ticket.create_task').set('Idempotency-Key', randomUUID())
      .send({ target: { type: 'ac_ticket', id: String(ticket['mine-open']) }, input: { title: 'x' }, reasonCode: 'follow_up' }).expect(403);
    expect(denied.body.code).toBe('forbidden');
    const closed = await createTask(ticket.closed, randomUUID()).expect(409);
    expect(closed.body.code).toBe('ticket_closed');
    const actions = await reader.agent.get('/api/actions').expect(200);
    expect(JSON.stringify(actions.body)).not.toContain('ticket.create_task');
    expect(JSON.stringify((await agent.agent.get('/api/actions').expect(200)).body)).toContain('ticket.create_task');
  });

  it('a task-service failure is an exception with a reason code; Retry succeeds exactly once', async () => {
    setTaskServiceOutage({ failures: 1, reason: 'task service timed out' });
    const failed = await createTask(ticket['unassigned-pending'], randomUUID()).expect(409);
    expect(failed.body.code).toBe('task_service_unavailable');
    expect(await db.pool.query('SELECT 1 FROM ac_tasks WHERE ticket_id = $1', [ticket['unassigned-pending']]).then((r) => r.rowCount)).toBe(0);
    const runs = await agent.agent.get('/api/runs?status=failed&actionId=ticket.create_task').expect(200);
    const run = runs.body.items[0];
    expect(run).toMatchObject({ status: 'failed', error: expect.objectContaining({ code: 'task_service_unavailable' }), target: { type: 'ac_ticket', id: String(ticket['unassigned-pending']) } });
    const audit = await db.pool.query(`SELECT outcome FROM audit.inbox WHERE action = 'ticket.create_task' AND entity_type = 'ac_ticket' AND entity_id = $1 ORDER BY seq`, [String(ticket['unassigned-pending'])]);
    expect(audit.rows.map((r) => r.outcome)).toEqual(expect.arrayContaining(['attempted', 'failed']));
    const retried = await agent.agent.post(`/api/runs/${run.id}/retry`).set('Idempotency-Key', randomUUID()).expect(200);
    expect(retried.body.run.status).toBe('succeeded');
    const again = await agent.agent.post(`/api/runs/${run.id}/retry`).set('Idempotency-Key', randomUUID()).expect(409);
    expect(again.body.code).toBe('run_not_retryable');
    expect(await db.pool.query('SELECT 1 FROM ac_tasks WHERE ticket_id = $1', [ticket['unassigned-pending']]).then((r) => r.rowCount)).toBe(1);
  });
});

describe('the entity timeline', () => {
  it('shows the order events and the tasks created on its tickets on the Shopify order\'s timeline', async () => {
    await audit.seal();
    await platform.timeline.projector.catchUp();
    const { rows: [order] } = await db.pool.query<{ id: number }>(`SELECT id FROM ac_orders WHERE shopify_id = '5500000001001'`);
    const res = await agent.agent.get(`/api/entities/shopify_order/${order.id}/timeline?limit=200`).expect(200);
    const kinds = new Set(res.body.items.map((i: { kind: string }) => i.kind));
    for (const kind of ['ShopifyOrder.order_created', 'ShopifyOrder.paid', 'ShopifyOrder.address_changed', 'ShopifyOrder.refunded', 'ShopifyOrder.cancelled', 'ShopifyOrder.task_created']) {
      expect(kinds).toContain(kind);
    }
    // The runner's audit rows of ticket.create_task, on the ticket, reach the order through the link.
    expect(res.body.items.some((i: { kind: string; isLinked: boolean }) => i.kind.startsWith('ticket.create_task') && i.isLinked)).toBe(true);
    const types = (await db.pool.query(`SELECT count(DISTINCT type) AS n FROM ac_order_timeline_events WHERE order_id = $1`, [order.id])).rows[0].n;
    expect(res.body.items.filter((i: { source: string }) => i.source === 'action-center.order-events').length).toBeGreaterThanOrEqual(Number(types));
  });
});

describe('the omnibox', () => {
  it.each([['#1001'], ['5500000001001'], ['gid://shopify/Order/5500000001001']])('finds the Shopify order by %s', async (q) => {
    const res = await agent.agent.get('/api/search').query({ q }).expect(200);
    expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'shopify_order', title: 'Shopify order #1001', matchKind: 'exact' })]));
  });
});
