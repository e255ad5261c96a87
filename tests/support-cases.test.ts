// Support cases over HTTP (POST /api/actions/case.*): opening with links of any type, the state
// machine (legal moves, illegal ones refused with nothing changed), notes on the audit trail, first
// response and its SLA, reassignment by leads only, and the breach sweep.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { addBusinessHours } from '../plugins/marketplace/support/business-calendar.js';
import { supportSettings } from '../plugins/marketplace/support/support-settings.js';
import { loadConfig } from '../src/config/config.js';
import { sweepSlaBreaches } from '../plugins/marketplace/support/sla-breach-sweep.js';
import { createTestApp, loginAs } from './support/app.js';
import { createPaidOrder } from './support/commerce-fixtures.js';
import { appRoleDatabase, createTestDatabase } from './support/database.js';

type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;
let owner: TestDatabase;
let db: Awaited<ReturnType<typeof appRoleDatabase>>;
let agent: request.Agent;
let agentId: number;
let lead: request.Agent;
let readOnly: request.Agent;

beforeAll(async () => {
  owner = await createTestDatabase();
  // The app's own role: the grants of the migration are part of what is tested.
  db = await appRoleDatabase(owner);
  const app = createTestApp(db);
  ({ agent, id: agentId } = await loginAs(app, owner, ['support_agent']));
  ({ agent: lead } = await loginAs(app, owner, ['hotline_supervisor']));
  ({ agent: readOnly } = await loginAs(app, owner, ['client_success']));
});
afterAll(async () => {
  await db?.close();
  await owner?.drop();
});

const act = (who: request.Agent, actionId: string, target: { type: string; id: number | string }, input: Record<string, unknown>, reasonCode: string) =>
  who.post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID()).send({ target: { type: target.type, id: String(target.id) }, input, reasonCode });
const one = async <T = Record<string, any>>(sql: string, params: unknown[] = []) => (await owner.pool.query(sql, params)).rows[0] as T;
const auditRows = (action: string, entityType: string, entityId: string) => owner.pool.query(
  `SELECT operator_id, outcome, before, after FROM (SELECT * FROM audit.inbox UNION ALL SELECT seq, occurred_at, operator_id, operator_roles, impersonated_user_id, action,
     entity_type, entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome FROM audit.events) log
   WHERE action = $1 AND entity_type = $2 AND entity_id = $3 ORDER BY seq`, [action, entityType, entityId]).then((r) => r.rows);

async function openCase(links: { type: string; id: string }[] = []) {
  const order = await createPaidOrder(owner);
  const res = await act(agent, 'case.open', { type: 'order', id: order.orderId }, { subject: 'Where is my order?', links }, 'buyer_contact');
  expect(res.status).toBe(200);
  return { order, caseId: res.body.run.result.caseId as number };
}

describe('case.open', () => {
  it('opens a case linked to several entities, keeps the single links consistent and sets the SLA in business hours', async () => {
    const order = await createPaidOrder(owner);
    const res = await act(agent, 'case.open', { type: 'order', id: order.orderId }, {
      subject: 'Charged twice', priority: 'high',
      links: [{ type: 'payment', id: String(order.paymentId) }, { type: 'organization', id: String(order.sellerOrgId) }, { type: 'order', id: String(order.orderId) }],
    }, 'buyer_contact');
    expect(res.status).toBe(200);
    const { caseId, links } = res.body.run.result;
    expect(links).toEqual([
      { type: 'order', id: String(order.orderId) }, { type: 'payment', id: String(order.paymentId) }, { type: 'organization', id: String(order.sellerOrgId) },
    ]);
    const row = await one('SELECT * FROM support_cases WHERE id = $1', [caseId]);
    expect(row).toMatchObject({ status: 'open', priority: 'high', order_id: order.orderId, organization_id: order.sellerOrgId, customer_user_id: null, first_responded_at: null });
    const settings = supportSettings(loadConfig({ NODE_ENV: 'test' }));
    expect(row.sla_first_response_due_at.toISOString()).toBe(addBusinessHours(row.created_at, 24, settings.calendar).toISOString());
    const stored = (await owner.pool.query('SELECT entity_type, entity_id FROM support_case_links WHERE case_id = $1 ORDER BY entity_type', [caseId])).rows;
    expect(stored).toEqual([{ entity_type: 'order', entity_id: String(order.orderId) }, { entity_type: 'organization', entity_id: String(order.sellerOrgId) }, { entity_type: 'payment', entity_id: String(order.paymentId) }]);
    // Found from the other side too (the entity's cases), and on each linked entity's timeline.
    expect((await one<{ n: string }>(`SELECT count(*) AS n FROM support_case_links WHERE entity_type = 'payment' AND entity_id = $1`, [String(order.paymentId)])).n).toBe('1');
    expect((await one<{ n: string }>(`SELECT count(*) AS n FROM domain_events WHERE name = 'SupportCaseOpened' AND entity_type = 'payment' AND entity_id = $1`, [String(order.paymentId)])).n).toBe('1');
    const audit = await auditRows('case.open', 'support_case', String(caseId));
    expect(audit).toEqual([expect.objectContaining({ operator_id: agentId, outcome: 'succeeded', after: expect.objectContaining({ subject: 'Charged twice', links: expect.any(Array) }) })]);
  });

  it('takes links as the backoffice form text too (type:id, comma-separated)', async () => {
    const order = await createPaidOrder(owner);
    const res = await act(agent, 'case.open', { type: 'customer_user', id: order.buyerUserId }, { subject: 'x', links: `order:${order.orderId}, payment:${order.paymentId}` }, 'buyer_contact');
    expect(res.status).toBe(200);
    expect(res.body.run.result.links).toEqual([
      { type: 'customer_user', id: String(order.buyerUserId) }, { type: 'order', id: String(order.orderId) }, { type: 'payment', id: String(order.paymentId) },
    ]);
    expect((await one('SELECT customer_user_id, order_id FROM support_cases WHERE id = $1', [res.body.run.result.caseId]))).toEqual({ customer_user_id: order.buyerUserId, order_id: order.orderId });
    const bad = await act(agent, 'case.open', { type: 'order', id: order.orderId }, { subject: 'x', links: 'payment' }, 'buyer_contact');
    expect([bad.status, bad.body.code]).toEqual([422, 'validation_failed']);
  });

  it('refuses a link to a record that does not exist, and opens nothing', async () => {
    const order = await createPaidOrder(owner);
    const before = await one<{ n: string }>('SELECT count(*) AS n FROM support_cases');
    const res = await act(agent, 'case.open', { type: 'order', id: order.orderId }, { subject: 'x', links: [{ type: 'shipment', id: '999999' }] }, 'buyer_contact');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    const bad = await act(agent, 'case.open', { type: 'order', id: order.orderId }, { subject: 'x', links: [{ type: 'spaceship', id: '1' }] }, 'buyer_contact');
    expect(bad.status).toBe(422);
    expect(await one('SELECT count(*) AS n FROM support_cases')).toEqual(before);
  });

  it('is refused (403) to an operator without support_case.write', async () => {
    const order = await createPaidOrder(owner);
    const res = await act(readOnly, 'case.open', { type: 'order', id: order.orderId }, { subject: 'x' }, 'buyer_contact');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });
});

describe('case.transition', () => {
  it('follows the legal moves, reopen included, until closed', async () => {
    const { caseId } = await openCase();
    const target = { type: 'support_case', id: caseId };
    for (const to of ['waiting_on_buyer', 'waiting_on_seller', 'open', 'resolved', 'open', 'resolved', 'closed']) {
      const res = await act(agent, 'case.transition', target, { to }, 'customer_replied');
      expect([res.status, res.body.run?.result?.status]).toEqual([200, to]);
    }
    expect((await one('SELECT status FROM support_cases WHERE id = $1', [caseId])).status).toBe('closed');
    // Closed is final.
    const reopen = await act(agent, 'case.transition', target, { to: 'open' }, 'reopened');
    expect(reopen.status).toBe(409);
    expect(reopen.body).toMatchObject({ code: 'illegal_transition' });
  });

  it('refuses an illegal move with 409 illegal_transition and changes nothing', async () => {
    const { caseId } = await openCase();
    const before = await one('SELECT * FROM support_cases WHERE id = $1', [caseId]);
    const res = await act(agent, 'case.transition', { type: 'support_case', id: caseId }, { to: 'closed' }, 'resolved');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'illegal_transition', status: 409 });
    expect(res.body.detail).toMatch(/waiting_on_buyer, waiting_on_seller, resolved/);
    expect(await one('SELECT * FROM support_cases WHERE id = $1', [caseId])).toEqual(before);
    const unknown = await act(agent, 'case.transition', { type: 'support_case', id: caseId }, { to: 'archived' }, 'resolved');
    expect(unknown.status).toBe(422);
  });

  it('a first transition is the first response', async () => {
    const { caseId } = await openCase();
    const res = await act(agent, 'case.transition', { type: 'support_case', id: caseId }, { to: 'waiting_on_buyer' }, 'awaiting_buyer');
    expect(res.status).toBe(200);
    const row = await one('SELECT first_responded_at, sla_breached_at FROM support_cases WHERE id = $1', [caseId]);
    expect(row.first_responded_at).not.toBeNull();
    expect(row.sla_breached_at).toBeNull();
  });
});

describe('case.add_note', () => {
  it('adds a note whose text is on the audit row; the first one is the first response, once', async () => {
    const { caseId } = await openCase();
    const first = await act(agent, 'case.add_note', { type: 'support_case', id: caseId }, { body: 'Asked the seller for tracking.' }, 'investigation');
    expect(first.status).toBe(200);
    const { noteId } = first.body.run.result;
    const note = await one('SELECT author_operator_id, body FROM support_case_notes WHERE id = $1', [noteId]);
    expect(note).toEqual({ author_operator_id: agentId, body: 'Asked the seller for tracking.' });
    const audit = await auditRows('case.add_note', 'support_case_note', String(noteId));
    expect(audit).toEqual([expect.objectContaining({ operator_id: agentId, outcome: 'succeeded', after: expect.objectContaining({ body: 'Asked the seller for tracking.' }) })]);
    const responded = (await one('SELECT first_responded_at FROM support_cases WHERE id = $1', [caseId])).first_responded_at;
    expect(responded).not.toBeNull();
    await act(agent, 'case.add_note', { type: 'support_case', id: caseId }, { body: 'Seller replied.' }, 'case_update').expect(200);
    expect((await one('SELECT first_responded_at FROM support_cases WHERE id = $1', [caseId])).first_responded_at).toEqual(responded);
  });

  it('a late first response records the breach; a closed case takes no notes', async () => {
    const { caseId } = await openCase();
    await owner.pool.query(`UPDATE support_cases SET sla_first_response_due_at = now() - interval '2 hours' WHERE id = $1`, [caseId]);
    await act(agent, 'case.add_note', { type: 'support_case', id: caseId }, { body: 'Sorry for the wait.' }, 'customer_contact').expect(200);
    const row = await one('SELECT sla_first_response_due_at, sla_breached_at FROM support_cases WHERE id = $1', [caseId]);
    expect(row.sla_breached_at).toEqual(row.sla_first_response_due_at);

    for (const to of ['resolved', 'closed']) await act(agent, 'case.transition', { type: 'support_case', id: caseId }, { to }, 'resolved').expect(200);
    const res = await act(agent, 'case.add_note', { type: 'support_case', id: caseId }, { body: 'late' }, 'case_update');
    expect([res.status, res.body.code]).toEqual([409, 'case_closed']);
  });
});

describe('case.reassign', () => {
  it('a lead reassigns; an agent without support_case.reassign gets 403 and an audited denial', async () => {
    const { caseId } = await openCase();
    const res = await act(lead, 'case.reassign', { type: 'support_case', id: caseId }, { assigneeOperatorId: agentId }, 'workload_balance');
    expect(res.status).toBe(200);
    expect((await one('SELECT assignee_operator_id FROM support_cases WHERE id = $1', [caseId])).assignee_operator_id).toBe(agentId);
    const again = await act(lead, 'case.reassign', { type: 'support_case', id: caseId }, { assigneeOperatorId: agentId }, 'workload_balance');
    expect([again.status, again.body.code]).toEqual([409, 'already_assigned']);

    const denied = await act(agent, 'case.reassign', { type: 'support_case', id: caseId }, { assigneeOperatorId: null }, 'workload_balance');
    expect([denied.status, denied.body.code]).toEqual([403, 'forbidden']);
    expect(await auditRows('access.denied', 'action', 'case.reassign')).toContainEqual(expect.objectContaining({ operator_id: agentId, outcome: 'denied' }));
    expect((await one('SELECT assignee_operator_id FROM support_cases WHERE id = $1', [caseId])).assignee_operator_id).toBe(agentId);
  });
});

describe('SLA breach sweep', () => {
  it('marks unanswered cases past due once, and leaves answered and future ones alone', async () => {
    const late = await openCase();
    const answered = await openCase();
    const future = await openCase();
    await owner.pool.query(`UPDATE support_cases SET sla_first_response_due_at = now() - interval '1 hour' WHERE id = ANY($1)`, [[late.caseId, answered.caseId]]);
    await owner.pool.query(`UPDATE support_cases SET first_responded_at = now() - interval '2 hours' WHERE id = $1`, [answered.caseId]);
    const first = await sweepSlaBreaches({ pool: db.pool, now: new Date() });
    expect(first.breached).toBeGreaterThanOrEqual(1);
    const rows = (await owner.pool.query('SELECT id, sla_breached_at, sla_first_response_due_at FROM support_cases WHERE id = ANY($1) ORDER BY id', [[late.caseId, answered.caseId, future.caseId]])).rows;
    expect(rows[0].sla_breached_at).toEqual(rows[0].sla_first_response_due_at);
    expect(rows[1].sla_breached_at).toBeNull();
    expect(rows[2].sla_breached_at).toBeNull();
    expect(await sweepSlaBreaches({ pool: db.pool, now: new Date() })).toEqual({ breached: 0 });
    expect((await one<{ n: string }>(`SELECT count(*) AS n FROM domain_events WHERE name = 'SupportCaseSlaBreached' AND entity_id = $1`, [String(late.caseId)])).n).toBe('1');
    // The list's filter: breached cases.
    expect((await one<{ n: string }>('SELECT count(*) AS n FROM support_cases WHERE sla_breached_at IS NOT NULL AND id = $1', [late.caseId])).n).toBe('1');
  });
});
