// The runner's guarantees, over HTTP against a real database, with the refund as the action:
// idempotency (one side effect under 100 concurrent requests with one key, byte-identical replays,
// 400/409/422), failures injected at every step leaving no partial rows and a retry completing
// exactly once, runs with Retry, RBAC denials recorded, and bad input changing nothing.
import request from 'supertest';
import type { Express } from 'express';
import { createTestDatabase } from './support/database.js';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Express;
let finance: request.Agent;
let financeId: number;

const login = (roles: string[]) => loginAs(app, db, roles);

const refund = (orderId: number, amount?: number, reasonCode = 'item_damaged') => ({
  target: { type: 'order', id: String(orderId) },
  input: amount === undefined ? {} : { amount: { amount, currency: 'USD' } },
  reasonCode,
  note: 'test refund',
});

const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query(sql, params)).rows[0].n);

/** Everything a refund of this order leaves behind, counted. */
async function footprint(orderId: number) {
  return {
    refunds: await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [orderId]),
    ledger: await count('SELECT count(*) AS n FROM ledger_entries WHERE order_id = $1', [orderId]),
    events: await count(`SELECT count(*) AS n FROM domain_events WHERE entity_type = 'order' AND entity_id = $1`, [String(orderId)]),
    succeededRuns: await count(`SELECT count(*) AS n FROM action_runs WHERE target_id = $1 AND status = 'succeeded'`, [String(orderId)]),
    outbox: await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'outbox' AND data->>'key' LIKE ANY (SELECT id::text || ':%' FROM action_runs WHERE target_id = $1)`, [String(orderId)]),
    // Tests in this file run one at a time, so the log-wide count is this order's.
    auditSucceeded: await count(`SELECT count(*) AS n FROM audit.inbox WHERE action = 'order.refund' AND outcome = 'succeeded'`),
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = createTestPlatformApp(db).app;
  ({ agent: finance, id: financeId } = await login(['finance_admin']));
});
afterAll(async () => {
  await db.drop();
});

describe('idempotency', () => {
  it('gives exactly one refund under 100 concurrent requests with one key, and replays it byte for byte', async () => {
    const order = await createPaidOrder(db);
    const body = refund(order.orderId, 1_000);
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => finance.post('/api/actions/order.refund').set('Idempotency-Key', 'same-key-100').send(body)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const succeeded = responses.filter((r) => r.status === 200);
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    // Every 200 is the first response (replays included), and every 409 says "in flight".
    expect(new Set(succeeded.map((r) => r.text)).size).toBe(1);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.body.code).toBe('idempotency_key_in_flight');
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(1);

    const replay = await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'same-key-100').send(body).expect(200);
    expect(replay.text).toBe(succeeded[0]!.text);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await count('SELECT count(*) AS n FROM action_runs WHERE target_id = $1', [String(order.orderId)])).toBe(1);
  });

  it('refuses the same key with another body (422), a missing key (400) and a malformed key (400)', async () => {
    const order = await createPaidOrder(db);
    await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'body-a').send(refund(order.orderId, 500)).expect(200);
    const reused = await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'body-a').send(refund(order.orderId, 600)).expect(422);
    expect(reused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reused.body).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
    expect((await finance.post('/api/actions/order.refund').send(refund(order.orderId, 600)).expect(400)).body.code).toBe('idempotency_key_missing');
    expect((await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'x'.repeat(256)).send(refund(order.orderId, 600)).expect(400)).body.code).toBe('idempotency_key_invalid');
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(1);
  });

  it('scopes keys to the operator: another operator may use the same key for their own request', async () => {
    const order = await createPaidOrder(db);
    const other = await login(['finance_admin']);
    await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'shared-key').send(refund(order.orderId, 100)).expect(200);
    await other.agent.post('/api/actions/order.refund').set('Idempotency-Key', 'shared-key').send(refund(order.orderId, 100)).expect(200);
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(2);
  });

  it('stores an expected refusal as the key\'s answer: the replay is the same 409', async () => {
    const order = await createPaidOrder(db, { amount: 1_000 });
    const first = await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'too-much').send(refund(order.orderId, 5_000)).expect(409);
    expect(first.body).toMatchObject({ code: 'refund_exceeds_remaining', runId: expect.any(String) });
    const again = await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'too-much').send(refund(order.orderId, 5_000)).expect(409);
    expect(again.text).toBe(first.text);
    expect(await footprint(order.orderId)).toMatchObject({ refunds: 0, ledger: 1, succeededRuns: 0 });
  });
});

describe('validation and access', () => {
  it('answers bad input with a 422 naming the field, and stores nothing (not even the key)', async () => {
    const order = await createPaidOrder(db);
    const keysBefore = await count('SELECT count(*) AS n FROM idempotency_keys');
    const cases: [unknown, RegExp][] = [
      [refund(order.orderId, 100, 'not_a_code'), /^reasonCode/],
      [{ ...refund(order.orderId, 100), target: { type: 'listing', id: '1' } }, /^target\.type/],
      [refund(order.orderId, -5), /^input\.amount\.amount/],
      [{ ...refund(order.orderId), input: { amount: { amount: 100, currency: 'usd' } } }, /^input\.amount\.currency/],
      [{ ...refund(order.orderId), extra: true }, /body|extra/],
      [{ target: { type: 'order', id: String(order.orderId) } }, /^reasonCode/],
    ];
    for (const [i, [body, detail]] of cases.entries()) {
      const res = await finance.post('/api/actions/order.refund').set('Idempotency-Key', `bad-${i}`).send(body as object).expect(422);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.detail).toMatch(detail);
    }
    expect(await count('SELECT count(*) AS n FROM idempotency_keys')).toBe(keysBefore);
    expect(await footprint(order.orderId)).toMatchObject({ refunds: 0, succeededRuns: 0 });
  });

  it('refuses an operator without the permission with a 403 problem, audits the denial, and changes nothing', async () => {
    const order = await createPaidOrder(db);
    const catalog = await login(['catalog_admin']);
    const res = await catalog.agent.post('/api/actions/order.refund').set('Idempotency-Key', 'denied').send(refund(order.orderId, 100)).expect(403);
    expect(res.body).toMatchObject({ code: 'forbidden', status: 403 });
    const denial = await db.pool.query(`SELECT * FROM audit.inbox WHERE operator_id = $1 AND action = 'access.denied'`, [catalog.id]);
    expect(denial.rows).toHaveLength(1);
    expect(denial.rows[0]).toMatchObject({ entity_type: 'action', entity_id: 'order.refund', outcome: 'denied' });
    expect(await footprint(order.orderId)).toMatchObject({ refunds: 0 });
    // The catalog lists only what the caller may run.
    const listed = (await catalog.agent.get('/api/actions').expect(200)).body.items.map((a: { id: string }) => a.id);
    expect(listed).not.toContain('order.refund');
    await request(app).post('/api/actions/order.refund').set('Idempotency-Key', 'anon').send(refund(order.orderId, 100)).expect(401);
    await finance.post('/api/actions/no.such.action').set('Idempotency-Key', 'nope').send(refund(order.orderId, 100)).expect(404);
  });

  it('publishes each action with its JSON Schema, reason codes and policy', async () => {
    const items = (await finance.get('/api/actions').expect(200)).body.items as Record<string, any>[];
    const refundAction = items.find((a) => a.id === 'order.refund')!;
    expect(refundAction).toMatchObject({ permission: 'refund.issue', targetTypes: ['order'], reasonCodes: expect.arrayContaining(['item_damaged']) });
    expect(refundAction.inputSchema).toMatchObject({ type: 'object', properties: { amount: { type: 'object' } } });
    expect(refundAction.policy.approval).toEqual({ approvals: 1, approverPermission: 'refund.issue.over_limit', isConditional: true });
  });
});

it('documents the API, every route and every action\'s input, in GET /api/openapi.json', async () => {
  await request(app).get('/api/openapi.json').expect(401);
  const doc = (await finance.get('/api/openapi.json').expect(200)).body;
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.paths['/api/actions/{actionId}'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true })]));
  expect(doc.paths['/api/audit'].get['x-permission']).toBe('audit.read');
  expect(doc['x-actions']['order.refund']).toMatchObject({ permission: 'refund.issue', inputSchema: { type: 'object' }, reasonCodes: expect.arrayContaining(['item_damaged']) });
});

it('keeps domain events append-only and purges idempotency keys only after 24 hours', async () => {
  const order = await createPaidOrder(db);
  await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'purge-me').send(refund(order.orderId, 100)).expect(200);
  await expect(db.pool.query(`UPDATE domain_events SET name = 'Edited' WHERE entity_id = $1`, [String(order.orderId)])).rejects.toThrow(/append-only/);
  await expect(db.pool.query(`DELETE FROM domain_events WHERE entity_id = $1`, [String(order.orderId)])).rejects.toThrow(/append-only/);

  const { actions } = createTestPlatformApp(db);
  const age = (hours: number) => db.pool.query(`UPDATE idempotency_keys SET created_at = now() - make_interval(hours => $1) WHERE key = 'purge-me'`, [hours]);
  await age(23);
  await actions.idempotency.purge();
  expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE key = 'purge-me'`)).toBe(1);
  await age(26);
  expect(await actions.idempotency.purge()).toBeGreaterThanOrEqual(1);
  expect(await count(`SELECT count(*) AS n FROM idempotency_keys WHERE key = 'purge-me'`)).toBe(0);
});

describe('a failure at any step', () => {
  // Each trap makes one write of a successful refund fail inside the database, as a crash, a full
  // disk or a bug would; the failure record itself (attempted/failed audit rows, failed run) still
  // goes through, because the traps fire only on the success path's rows.
  const traps: [string, string, string][] = [
    ['the change (refund row)', 'refunds', 'BEFORE INSERT ON refunds FOR EACH ROW'],
    ['the ledger entries', 'ledger_entries', `BEFORE INSERT ON ledger_entries FOR EACH ROW WHEN (NEW.kind = 'refund')`],
    ['the succeeded audit row', 'audit.inbox', `BEFORE INSERT ON audit.inbox FOR EACH ROW WHEN (NEW.outcome = 'succeeded' AND NEW.action = 'order.refund')`],
    ['the domain event', 'domain_events', 'BEFORE INSERT ON domain_events FOR EACH ROW'],
    ['the outbox message', 'pgboss.job', `BEFORE INSERT ON pgboss.job FOR EACH ROW WHEN (NEW.name = 'outbox')`],
    ['the run record', 'action_runs', `BEFORE INSERT ON action_runs FOR EACH ROW WHEN (NEW.status = 'succeeded')`],
    ['the stored response', 'idempotency_keys', 'BEFORE UPDATE ON idempotency_keys FOR EACH ROW WHEN (NEW.response_status = 200)'],
  ];

  beforeAll(async () => {
    await db.pool.query(`CREATE FUNCTION test_trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
  });

  it.each(traps)('at %s leaves no partial rows, and a retry with the same key completes exactly once', async (_step, table, when) => {
    const order = await createPaidOrder(db);
    const before = await footprint(order.orderId);
    const payment = await db.prisma.payment.findUniqueOrThrow({ where: { id: order.paymentId } });
    const key = `trap-${table}`;
    await db.pool.query(`CREATE TRIGGER test_trap ${when} EXECUTE FUNCTION test_trap()`);
    let failed;
    try {
      failed = await finance.post('/api/actions/order.refund').set('Idempotency-Key', key).send(refund(order.orderId, 2_000)).expect(500);
    } finally {
      await db.pool.query(`DROP TRIGGER test_trap ON ${table}`);
    }
    expect(failed.body).toMatchObject({ code: 'internal_error', runId: expect.any(String) });
    expect(failed.text).not.toMatch(/injected|trap|SQL|at .*\.ts/);
    expect(await footprint(order.orderId)).toEqual(before);
    expect(await db.prisma.payment.findUniqueOrThrow({ where: { id: order.paymentId } })).toEqual(payment);
    // The attempt is not lost: a failed run and its audit rows.
    const run = await db.prisma.actionRun.findUniqueOrThrow({ where: { id: failed.body.runId } });
    expect(run).toMatchObject({ status: 'failed', errorCode: 'internal_error' });
    expect(run.error).toEqual({ code: 'internal_error', message: expect.any(String), class: expect.any(String) });
    const outcomes = await db.pool.query(`SELECT outcome FROM audit.inbox WHERE after->>'runId' = $1 ORDER BY seq`, [failed.body.runId]);
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(['attempted', 'failed']);

    const retried = await finance.post('/api/actions/order.refund').set('Idempotency-Key', key).send(refund(order.orderId, 2_000)).expect(200);
    const again = await finance.post('/api/actions/order.refund').set('Idempotency-Key', key).send(refund(order.orderId, 2_000)).expect(200);
    expect(again.text).toBe(retried.text);
    const after = await footprint(order.orderId);
    expect(after.refunds).toBe(before.refunds + 1);
    expect(after.succeededRuns).toBe(1);
    expect(after.events).toBeGreaterThan(before.events);
    expect(after.outbox).toBeGreaterThan(before.outbox);
    expect(after.auditSucceeded).toBeGreaterThan(before.auditSucceeded);
    expect(after.ledger).toBeGreaterThan(before.ledger);
  });
});

describe('runs and exceptions', () => {
  it('lists runs newest first with keyset pages, shows one, and retries a failed run once', async () => {
    const order = await createPaidOrder(db);
    await db.pool.query(`CREATE TRIGGER test_trap BEFORE INSERT ON refunds FOR EACH ROW EXECUTE FUNCTION test_trap()`);
    const failed = await finance.post('/api/actions/order.refund').set('Idempotency-Key', 'to-retry').send(refund(order.orderId, 700)).expect(500);
    await db.pool.query('DROP TRIGGER test_trap ON refunds');
    const runId = failed.body.runId as string;

    const exceptions = await finance.get('/api/runs?status=failed&limit=2').expect(200);
    expect(exceptions.body.items.length).toBeLessThanOrEqual(2);
    expect(exceptions.body.items[0]).toMatchObject({ id: runId, status: 'failed' });
    if (exceptions.body.nextCursor) {
      const next = await finance.get(`/api/runs?status=failed&limit=2&cursor=${exceptions.body.nextCursor}`).expect(200);
      expect(next.body.items.map((r: { id: string }) => r.id)).not.toContain(runId);
    }
    expect((await finance.get(`/api/runs/${runId}`).expect(200)).body.run).toMatchObject({ id: runId, error: { code: 'internal_error' } });
    await finance.get('/api/runs?status=bogus').expect(422);
    await finance.get('/api/runs?cursor=garbage').expect(422);
    await finance.get('/api/runs/not-a-uuid').expect(404);

    await finance.post(`/api/runs/${runId}/retry`).expect(400);
    const retried = await finance.post(`/api/runs/${runId}/retry`).set('Idempotency-Key', 'retry-1').expect(200);
    expect(retried.body.run).toMatchObject({ status: 'succeeded', retryOfRunId: runId });
    expect((await finance.post(`/api/runs/${runId}/retry`).set('Idempotency-Key', 'retry-1').expect(200)).text).toBe(retried.text);
    expect((await finance.post(`/api/runs/${runId}/retry`).set('Idempotency-Key', 'retry-2').expect(409)).body.code).toBe('run_not_retryable');
    expect(await count('SELECT count(*) AS n FROM refunds WHERE order_id = $1', [order.orderId])).toBe(1);
    expect((await db.prisma.actionRun.findUniqueOrThrow({ where: { id: runId } })).retriedByRunId).toBe(retried.body.run.id);
  });

  it('shows an operator only their own runs unless they hold run.read', async () => {
    const order = await createPaidOrder(db);
    const agent = await login(['support_agent']);
    const mine = await agent.agent.post('/api/actions/order.refund').set('Idempotency-Key', 'mine').send(refund(order.orderId, 100)).expect(200);
    const financeRuns = await finance.get('/api/runs?limit=200').expect(200);
    expect(financeRuns.body.items.some((r: { id: string }) => r.id === mine.body.run.id)).toBe(true);
    const agentRuns = await agent.agent.get('/api/runs?limit=200').expect(200);
    expect(agentRuns.body.items.every((r: { operatorId: number }) => r.operatorId === agent.id)).toBe(true);
    const someoneElses = financeRuns.body.items.find((r: { operatorId: number }) => r.operatorId === financeId);
    await agent.agent.get(`/api/runs/${someoneElses.id}`).expect(404);
  });
});
