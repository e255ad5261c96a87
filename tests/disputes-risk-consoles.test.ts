// The disputes and risk consoles over HTTP, as operators use them: dispute.resolve and the evidence
// actions through the action runner (legal and refused transitions, audit before/after, RBAC), the
// consoles' routes and pages refused without their permissions (403 problem+json, audited), the
// buttons each role gets, and GET /api/dashboard showing each role only its figures.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestPlatformApp, loginAs } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';
import { setStepUp } from './support/impersonation-app.js';

type Role = 'risk' | 'support' | 'catalog' | 'tier1';
const ROLES: Record<Role, string> = { risk: 'risk_agent', support: 'support_agent', catalog: 'catalog_admin', tier1: 'support_tier_1' };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
const agents = {} as Record<Role, request.Agent>;
const operatorIds = {} as Record<Role, number>;
let order: PaidOrder;

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows as T[];
const newDispute = async (status = 'open') =>
  (await q<{ id: number }>(`INSERT INTO disputes (order_id, kind, status, sla_due_at) VALUES ($1, 'claim', $2::"DisputeStatus", now() + interval '1 day') RETURNING id`, [order.orderId, status]))[0].id;
const disputeRow = async (id: number) => (await q<{ status: string; resolution: string | null; resolved_at: Date | null }>('SELECT status, resolution, resolved_at FROM disputes WHERE id = $1', [id]))[0];

const act = (who: Role, actionId: string, disputeId: number, input: Record<string, unknown>, reasonCode: string) =>
  agents[who].post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID())
    .send({ target: { type: 'dispute', id: String(disputeId) }, input, reasonCode });

/** The run's audit rows (sealed or still in the inbox), in order. */
const auditOf = (runId: string, actionId: string) =>
  q<{ entity_type: string; entity_id: string; outcome: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
    `WITH log AS (
       SELECT seq, action, entity_type, entity_id, outcome, before, after FROM audit.inbox
       UNION ALL SELECT seq, action, entity_type, entity_id, outcome, before, after FROM audit.events),
     attempt AS (SELECT min(seq) AS seq FROM log WHERE action = $2 AND outcome = 'attempted' AND after::jsonb ->> 'runId' = $1)
     SELECT entity_type, entity_id, outcome, before, after FROM log WHERE action = $2 AND seq >= (SELECT seq FROM attempt) AND outcome <> 'attempted'
     ORDER BY seq LIMIT 5`, [runId, actionId]);

const denials = (entityId: string) =>
  q(`SELECT 1 FROM (SELECT action, entity_id, outcome FROM audit.inbox UNION ALL SELECT action, entity_id, outcome FROM audit.events) l
     WHERE action = 'access.denied' AND outcome = 'denied' AND entity_id = $1`, [entityId]);

beforeAll(async () => {
  db = await createTestDatabase();
  platform = createTestPlatformApp(db);
  for (const [name, role] of Object.entries(ROLES) as [Role, string][]) {
    const { agent, id } = await loginAs(platform.app, db, [role]);
    agents[name] = agent;
    operatorIds[name] = id;
  }
  order = await createPaidOrder(db);
});
afterAll(async () => {
  await db?.drop();
});

describe('dispute.resolve through the runner', () => {
  it('resolves an open dispute: status, resolution and time, audited before and after, with its event', async () => {
    const id = await newDispute('under_review');
    const res = await act('risk', 'dispute.resolve', id, { resolution: 'seller_favoured' }, 'evidence_reviewed');
    expect(res.status).toBe(200);
    expect(res.body.run).toMatchObject({ status: 'succeeded', result: { disputeId: id, status: 'resolved', resolution: 'seller_favoured' } });
    expect(await disputeRow(id)).toMatchObject({ status: 'resolved', resolution: 'seller_favoured', resolved_at: expect.any(Date) });
    const audit = await auditOf(res.body.run.id, 'dispute.resolve');
    expect(audit[0]).toMatchObject({ entity_type: 'dispute', entity_id: String(id), outcome: 'succeeded' });
    expect(audit[0].before).toMatchObject({ status: 'under_review', resolution: null, resolvedAt: null });
    expect(audit[0].after).toMatchObject({ status: 'resolved', resolution: 'seller_favoured' });
    const events = await q<{ name: string; payload: Record<string, unknown> }>('SELECT name, payload FROM domain_events WHERE run_id = $1', [res.body.run.id]);
    expect(events).toEqual([{ name: 'DisputeResolved', payload: expect.objectContaining({ resolution: 'seller_favoured', previousStatus: 'under_review' }) }]);
  });

  it('refuses a dispute that is no longer worked, and changes nothing', async () => {
    for (const status of ['resolved', 'closed']) {
      const id = await newDispute(status);
      const before = await disputeRow(id);
      const res = await act('risk', 'dispute.resolve', id, { resolution: 'withdrawn' }, 'buyer_withdrew');
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'not_resolvable' });
      expect(await disputeRow(id)).toEqual(before);
    }
  });

  it('is refused to a role without dispute.resolve, and rejects an unknown resolution', async () => {
    const id = await newDispute();
    const denied = await act('support', 'dispute.resolve', id, { resolution: 'withdrawn' }, 'buyer_withdrew');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden' });
    const invalid = await act('risk', 'dispute.resolve', id, { resolution: 'coin_toss' }, 'buyer_withdrew');
    expect(invalid.status).toBe(422);
    expect(await disputeRow(id)).toMatchObject({ status: 'open', resolution: null });
    expect((await act('risk', 'dispute.resolve', 2_000_000_000, { resolution: 'withdrawn' }, 'buyer_withdrew')).status).toBe(404);
  });
});

describe('the evidence actions', () => {
  it('requests kinds once (an open dispute then awaits evidence) and ticks them off once', async () => {
    const id = await newDispute();
    const requested = await act('support', 'dispute.request_evidence', id, { kinds: ['receipt', 'delivery_photo'] }, 'evidence_needed');
    expect(requested.status).toBe(200);
    expect(requested.body.run.result).toMatchObject({ requested: ['receipt', 'delivery_photo'], status: 'awaiting_evidence' });
    expect((await disputeRow(id)).status).toBe('awaiting_evidence');
    const again = await act('support', 'dispute.request_evidence', id, { kinds: ['receipt'] }, 'evidence_needed');
    expect(again.body).toMatchObject({ code: 'already_requested' });

    const received = await act('support', 'dispute.mark_evidence_received', id, { kind: 'receipt' }, 'evidence_received');
    expect(received.status).toBe(200);
    const audit = await auditOf(received.body.run.id, 'dispute.mark_evidence_received');
    expect(audit[0]).toMatchObject({ entity_type: 'dispute_evidence', before: expect.objectContaining({ isReceived: false }), after: expect.objectContaining({ isReceived: true }) });
    expect((await act('support', 'dispute.mark_evidence_received', id, { kind: 'receipt' }, 'evidence_received')).body).toMatchObject({ code: 'already_received' });
    expect((await act('support', 'dispute.mark_evidence_received', id, { kind: 'carrier_report' }, 'evidence_received')).body).toMatchObject({ code: 'evidence_not_requested' });
    const rows = await q<{ kind: string; is_received: boolean }>('SELECT kind, is_received FROM dispute_evidence WHERE dispute_id = $1 ORDER BY kind', [id]);
    expect(rows).toEqual([{ kind: 'delivery_photo', is_received: false }, { kind: 'receipt', is_received: true }]);
    // A Catalog Admin holds no dispute key at all.
    expect((await act('catalog', 'dispute.request_evidence', id, { kinds: ['item_photos'] }, 'evidence_needed')).status).toBe(403);
  });
});

describe('the consoles\' routes and pages', () => {
  it('serves the disputes queue and one dispute, with the buttons the caller may use', async () => {
    const id = await newDispute();
    const queue = await agents.risk.get('/api/consoles/disputes/queue').query({ limit: 200 });
    expect(queue.status).toBe(200);
    expect(queue.body.items).toContainEqual(expect.objectContaining({ id, status: 'open', sla: expect.objectContaining({ isOverdue: false }) }));
    const asRisk = await agents.risk.get(`/api/consoles/disputes/disputes/${id}`);
    const asSupport = await agents.support.get(`/api/consoles/disputes/disputes/${id}`);
    // Only what the caller may run is offered (console-actions.ts).
    const permitted = (body: { actions: Record<string, { id: string }[]> }) => Object.values(body.actions).flat().map((a) => a.id).sort();
    expect(permitted(asRisk.body)).toEqual(expect.arrayContaining(['dispute.resolve', 'dispute.request_evidence', 'payout.hold', 'org.freeze']));
    expect(permitted(asRisk.body)).not.toContain('order.refund');
    expect(permitted(asSupport.body)).toEqual(expect.arrayContaining(['dispute.request_evidence', 'order.refund']));
    expect(permitted(asSupport.body)).not.toContain('dispute.resolve');
    expect(asSupport.body.actions.order[0]).toMatchObject({ id: 'order.refund', adminAction: { resource: 'Order', name: 'order-refund' } });
    expect((await agents.risk.get('/api/consoles/disputes/queue').query({ status: 'lost' })).status).toBe(422);
    expect((await agents.risk.get('/api/consoles/disputes/disputes/2000000000')).status).toBe(404);
  });

  it('serves the risk console to risk readers', async () => {
    const exposure = await agents.risk.get('/api/consoles/risk/exposure');
    expect(exposure.status).toBe(200);
    expect(exposure.body).toMatchObject({ totals: expect.any(Array), items: expect.any(Array), velocityDefinition: expect.stringContaining('baseline') });
    const seller = await agents.risk.get(`/api/consoles/risk/sellers/${order.sellerOrgId}`);
    expect(seller.status).toBe(200);
    expect(seller.body.org).toMatchObject({ id: order.sellerOrgId, kind: 'seller' });
    expect(seller.body.actions.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['payout.hold', 'org.freeze', 'risk_flag.raise']));
    expect((await agents.risk.get('/api/consoles/risk/flags')).status).toBe(200);
    expect((await agents.risk.get('/api/consoles/risk/holds')).status).toBe(200);
  });

  it('refuses routes and pages without the permission, as problem+json, audited', async () => {
    const routes = ['/api/consoles/disputes/queue', '/api/consoles/risk/exposure', '/api/consoles/risk/flags'];
    for (const path of routes) {
      const res = await agents.catalog.get(path);
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ code: 'forbidden' });
    }
    expect(await denials('GET /api/consoles/disputes/queue')).not.toHaveLength(0);
    // Support tier 1 reads disputes but not risk.
    expect((await agents.tier1.get('/api/consoles/disputes/queue')).status).toBe(200);
    expect((await agents.tier1.get('/api/consoles/risk/flags')).status).toBe(403);
    for (const page of ['disputes', 'risk']) {
      const res = await agents.catalog.get(`/admin/pages/${page}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'forbidden' });
    }
    expect((await request(platform.app).get('/api/consoles/risk/exposure')).status).toBe(401);
  });
});

describe('GET /api/dashboard', () => {
  it('shows each role only the figures its permissions allow, after the job ran', async () => {
    await platform.dashboard.refresh.refresh();
    const ids = async (who: Role) => ((await agents[who].get('/api/dashboard').expect(200)).body.figures as { id: string; value: number | null }[]).map((f) => f.id);
    const risk = await ids('risk');
    expect(risk).toEqual(expect.arrayContaining(['core.approvals.pending', 'core.runs.failed_open', 'marketplace.disputes.open', 'marketplace.risk.negative_balance_exposure']));
    const catalog = await ids('catalog');
    expect(catalog.some((id) => id.startsWith('marketplace.disputes') || id.startsWith('marketplace.risk'))).toBe(false);
    const tier1 = await ids('tier1');
    expect(tier1).toContain('marketplace.disputes.sla_breached');
    expect(tier1).not.toContain('marketplace.risk.negative_balance_exposure');
    const body = (await agents.risk.get('/api/dashboard')).body;
    expect(body.figures.find((f: { id: string }) => f.id === 'marketplace.disputes.open')).toMatchObject({ value: expect.any(Number), href: '/admin/pages/disputes?status=open' });
    expect((await request(platform.app).get('/api/dashboard')).status).toBe(401);
  });
});

describe('the support cases past SLA drill-down', () => {
  it('lists exactly the cases the figure counts, through the backoffice list\'s filter', async () => {
    const { rows } = await db.pool.query<{ id: number }>(`INSERT INTO support_cases (subject, status, sla_first_response_due_at, updated_at) VALUES
      ('late', 'open', now() - interval '1 hour', now()), ('not yet', 'open', now() + interval '1 hour', now()),
      ('done late', 'resolved', now() - interval '1 hour', now()), ('waiting late', 'waiting_on_seller', now() - interval '2 hours', now()) RETURNING id`);
    const figure = (await agents.support.get('/api/dashboard')).body.figures.find((f: { id: string }) => f.id === 'marketplace.support_cases.sla_breached');
    expect(figure.href).toBe('/admin/resources/SupportCase?filters.slaBreached=open');
    const list = await agents.support.get('/admin/api/resources/SupportCase/actions/list').query({ 'filters.slaBreached': 'open', perPage: 50 });
    expect(list.status).toBe(200);
    expect(list.body.records.map((r: { id: string }) => Number(r.id)).sort()).toEqual([rows[0].id, rows[3].id].sort());
  });
});

describe('while impersonating a customer', () => {
  it('refuses the cross-customer views: the consoles\' lists and the dashboard', async () => {
    const { agent, id } = await loginAs(platform.app, db, ['support_admin']);
    await setStepUp(db, id, Date.now());
    await agent.post('/api/impersonations').send({ targetUserId: order.buyerUserId, reason: 'customer_reported_issue', note: 'console test', ticketId: 'SUP-9' }).expect(201);
    for (const path of ['/api/consoles/disputes/queue', '/api/consoles/risk/exposure', '/api/consoles/risk/flags', '/api/dashboard']) {
      const res = await agent.get(path);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('impersonation_read_only');
    }
  });
});
