// The consoles' and the dashboard's read models against values worked out by hand on a small data
// set: seller balances and exposure, velocity against the baseline, the disputes queue (SLA clock,
// evidence, filters, keyset pages), one dispute's checklist and ledger unwind, the dashboard's
// figures, and the refresh job (figures move only after a refresh; an uncommitted delta is folded
// by the next one, exactly once; a second refresher skips).
import pg from 'pg';
import { plugins } from '../plugins/index.js';
import { loadConfig } from '../src/config/config.js';
import { createDashboard } from '../src/dashboard/create-dashboard.js';
import { REFRESH_LOCK_KEY } from '../src/dashboard/dashboard-refresh.js';
import { disputeQueue, disputeQueueQuery } from '../plugins/marketplace/consoles/disputes-queue.js';
import { disputeDetail } from '../plugins/marketplace/consoles/dispute-detail.js';
import { activePayoutHolds, negativeBalanceExposure, openRiskFlags } from '../plugins/marketplace/consoles/risk-read-model.js';
import { sellerVelocity } from '../plugins/marketplace/consoles/seller-velocity.js';
import { createOperator } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Half past the current hour: every window below is whole hours, so the hand-computed values hold.
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR + 30 * 60_000);
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let dashboard: ReturnType<typeof createDashboard>;
let s: PaidOrder;
const ids = {} as Record<'A' | 'B' | 'C' | 'D', number>;
const EVERYTHING = { id: 0, permissions: ['dispute.read', 'support_case.read', 'risk.read', 'payout.read', 'approval.decide', 'run.read', 'shipment.read'] };

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.pool.query(sql, params)).rows as T[];
const figures = async (operator = EVERYTHING) =>
  Object.fromEntries((await dashboard.service.read(operator)).figures.map((f) => [f.id, f.value]));

async function insertOrders(n: number, createdAt: Date) {
  await q(
    `INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency, created_at)
     SELECT checkout_id, seller_org_id, buyer_user_id, 'paid', 100, 0, 100, 'USD', $2 FROM orders, generate_series(1, $3) WHERE id = $1`,
    [s.orderId, createdAt, n],
  );
}
const ledger = (orgId: number, kind: string, amount: number) =>
  q(`INSERT INTO ledger_entries (org_id, order_id, kind, amount, currency) VALUES ($1, $2, $3::"LedgerEntryKind", $4, 'USD')`, [orgId, s.orderId, kind, amount]);
const dispute = async (status: string, slaDueAt: Date, createdAt: Date, kind = 'claim') =>
  (await q<{ id: number }>(
    `INSERT INTO disputes (order_id, kind, status, sla_due_at, created_at) VALUES ($1, $2::"DisputeKind", $3::"DisputeStatus", $4, $5) RETURNING id`,
    [s.orderId, kind, status, slaDueAt, createdAt],
  ))[0].id;

beforeAll(async () => {
  db = await createTestDatabase();
  dashboard = createDashboard({ pool: db.pool, prisma: db.prisma, config: loadConfig({ NODE_ENV: 'test', DATA_DIR: '.data/test-app' }), plugins });
  const operator = await createOperator(db, { roles: ['risk_agent'] });
  s = await createPaidOrder(db, { amount: 25_000 }); // order now, sale +25000 on the seller
  const other = await createPaidOrder(db, { amount: 5_000 }); // a seller in credit: never exposure

  // ---- orders: 3 in the last 24 h (the fixture's and two), 1 more in 7 d, 8 in the baseline, 1 too old
  await insertOrders(2, ago(3 * HOUR));
  await insertOrders(1, ago(3 * DAY));
  await insertOrders(8, ago(10 * DAY));
  await insertOrders(1, ago(40 * DAY));
  // ---- refunds: 2 an hour ago; the ledger: fee, chargeback and a refund pair
  const refund = `INSERT INTO refunds (order_id, payment_id, provider_ref, amount, currency, status, reason_code, created_at)
    VALUES ($1, $2, $3, 1000, 'USD', 'succeeded', 'goodwill_gesture', $4)`;
  await q(refund, [s.orderId, s.paymentId, `re_a_${s.orderId}`, ago(HOUR)]);
  await q(refund, [s.orderId, s.paymentId, `re_b_${s.orderId}`, ago(HOUR)]);
  await ledger(s.sellerOrgId, 'fee', -1_000);
  await ledger(s.sellerOrgId, 'chargeback', -30_000);
  await ledger(s.sellerOrgId, 'refund', -2_000);
  await ledger(s.buyerOrgId, 'refund', 2_000);
  // balance: 25000 - 1000 - 30000 - 2000 = -8000
  // ---- payouts: scheduled 1500, held 700, paid 999 (not counted); one organization-wide hold
  await q(`INSERT INTO payouts (seller_org_id, amount, currency, status, scheduled_for) VALUES ($1, 1500, 'USD', 'scheduled', $2), ($1, 700, 'USD', 'held', $2), ($1, 999, 'USD', 'paid', $2)`, [s.sellerOrgId, NOW]);
  await q(`INSERT INTO payout_holds (seller_org_id, reason, placed_by, placed_at) VALUES ($1, 'negative_balance', $2, $3)`, [s.sellerOrgId, operator.id, ago(HOUR)]);
  // ---- disputes on the order (all 2 h old): A overdue, B awaiting evidence, C under review, D resolved; 6 closed 2 days ago
  ids.A = await dispute('open', ago(HOUR), ago(2 * HOUR));
  ids.B = await dispute('awaiting_evidence', new Date(NOW.getTime() + 2 * HOUR), ago(2 * HOUR), 'not_received');
  ids.C = await dispute('under_review', new Date(NOW.getTime() + DAY), ago(2 * HOUR), 'chargeback');
  ids.D = await dispute('resolved', ago(2 * HOUR), ago(2 * HOUR));
  for (let i = 0; i < 6; i++) await dispute('closed', ago(DAY), ago(2 * DAY));
  await q(`INSERT INTO dispute_evidence (dispute_id, kind, description, is_received, received_at) VALUES
    ($1, 'tracking_proof', 'Carrier scan', true, $2), ($1, 'buyer_statement', 'What the buyer says', false, NULL)`, [ids.B, ago(HOUR)]);
  // ---- support cases: open and overdue, waiting on the buyer and not yet due, resolved and overdue (not counted)
  await q(`INSERT INTO support_cases (subject, status, sla_first_response_due_at, updated_at) VALUES
    ('late', 'open', $1, now()), ('waiting', 'waiting_on_buyer', $2, now()), ('done', 'resolved', $1, now())`, [ago(HOUR), new Date(NOW.getTime() + HOUR)]);
  // ---- flags: one high, one low (open), one high cleared
  await q(`INSERT INTO risk_flags (entity_type, entity_id, org_id, kind, severity, "trigger", raised_at, cleared_at) VALUES
    ('organization', $1::int::text, $1::int, 'chargeback_rate', 'high', 'chargebacks > 2% over 7d', $2, NULL),
    ('organization', $1::int::text, $1::int, 'new_bank_account', 'low', 'bank account changed', $3, NULL),
    ('organization', $1::int::text, $1::int, 'old', 'high', 'cleared one', $3, $2)`, [s.sellerOrgId, ago(HOUR), ago(2 * HOUR)]);
  // ---- shipments: in transit, last scanned 72 h ago (stale past the default 48 h), and one scanned an hour ago
  await q(`INSERT INTO shipments (order_id, carrier, tracking_number, status, shipping_credit_amount, currency, shipped_at, last_tracking_update_at) VALUES
    ($1, 'ups', $2, 'in_transit', 0, 'USD', $3, $3), ($1, 'ups', $4, 'in_transit', 0, 'USD', $3, $5)`,
    [s.orderId, `1Zstale${s.orderId}`, ago(72 * HOUR), `1Zfresh${s.orderId}`, ago(HOUR)]);
  expect(other.sellerOrgId).not.toBe(s.sellerOrgId);
  expect(await dashboard.refresh.refresh(NOW)).toMatchObject({ skipped: false });
});
afterAll(async () => {
  await db?.drop();
});

describe('seller balances and exposure', () => {
  it('folds the ledger into one balance per organization and currency', async () => {
    const rows = await q<{ org_id: number; balance: string; entries: string }>(
      'SELECT org_id, balance, entries FROM read_models.org_balances WHERE org_id = ANY($1::int[]) ORDER BY org_id', [[s.sellerOrgId, s.buyerOrgId]]);
    expect(rows).toEqual([
      { org_id: s.sellerOrgId, balance: '-8000', entries: '4' },
      { org_id: s.buyerOrgId, balance: '2000', entries: '1' },
    ].sort((a, b) => a.org_id - b.org_id));
    expect(await q('SELECT * FROM read_models.org_balance_deltas')).toEqual([]);
  });

  it('lists sellers below zero with their scheduled and held payouts, flags and velocity', async () => {
    const exposure = await negativeBalanceExposure(db.pool, { limit: 10, now: NOW });
    expect(exposure.totals).toEqual([{ currency: 'USD', exposure: 8_000, sellers: 1 }]);
    expect(exposure.items).toHaveLength(1);
    expect(exposure.items[0]).toMatchObject({
      orgId: s.sellerOrgId, balance: -8_000, scheduledPayouts: 1_500, heldPayouts: 700, hasOpenHold: true, openFlags: 2,
    });
    expect(exposure.items[0].velocity?.orders.last7d).toBe(4);
  });

  it('lists open flags newest first and active holds, with keyset pages', async () => {
    const first = await openRiskFlags(db.pool, { limit: 1 });
    expect(first.items.map((f) => [f.kind, f.severity, f.isAutomated])).toEqual([['chargeback_rate', 'high', true]]);
    const second = await openRiskFlags(db.pool, { limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((f) => f.kind)).toEqual(['new_bank_account']);
    expect(second.nextCursor).toBeNull();
    expect((await openRiskFlags(db.pool, { limit: 10, severity: 'high' })).items.map((f) => f.trigger)).toEqual(['chargebacks > 2% over 7d']);
    const holds = await activePayoutHolds(db.pool, { limit: 10 });
    expect(holds.items).toEqual([expect.objectContaining({ sellerOrgId: s.sellerOrgId, scope: 'organization', reason: 'negative_balance' })]);
  });
});

describe('velocity', () => {
  it('counts the last 24 h and 7 d against the 28-day baseline', async () => {
    const [v] = await sellerVelocity(db.pool, { orgIds: [s.sellerOrgId], now: NOW });
    // orders: 3 in 24 h, 4 in 7 d, 8 in the baseline (per 7 d: 2, per 24 h: 8/28); the 40-day-old one is gone
    expect(v.orders).toEqual({ last24h: 3, last7d: 4, baselinePer24h: 8 / 28, baselinePer7d: 2, ratio7d: 2, isSpike: false });
    expect(v.refunds).toEqual({ last24h: 2, last7d: 2, baselinePer24h: 0, baselinePer7d: 0, ratio7d: null, isSpike: false });
    // 4 disputes 2 h ago, 6 two days ago: 10 in 7 d with no baseline is a spike
    expect(v.disputes).toEqual({ last24h: 4, last7d: 10, baselinePer24h: 0, baselinePer7d: 0, ratio7d: null, isSpike: true });
    const [quiet] = await sellerVelocity(db.pool, { orgIds: [2_000_000_000], now: NOW });
    expect(quiet.orders.last7d).toBe(0);
  });
});

describe('disputes queue and detail', () => {
  const queue = (query: Record<string, string> = {}) => disputeQueue(db.pool, disputeQueueQuery.parse(query), NOW);

  it('lists the disputes still worked, soonest SLA first, with the clock and evidence progress', async () => {
    const { items, nextCursor } = await queue();
    expect(items.map((d) => d.id)).toEqual([ids.A, ids.B, ids.C]);
    expect(items[0].sla).toEqual({ secondsLeft: -3600, isOverdue: true });
    expect(items[1].sla).toEqual({ secondsLeft: 7200, isOverdue: false });
    expect(items[1].evidence).toEqual({ requested: 2, received: 1, missing: 1 });
    expect(nextCursor).toBeNull();
  });

  it('filters by status, kind and breach, and pages by keyset', async () => {
    expect((await queue({ breached: 'true' })).items.map((d) => d.id)).toEqual([ids.A]);
    expect((await queue({ kind: 'chargeback' })).items.map((d) => d.id)).toEqual([ids.C]);
    const resolved = await queue({ status: 'resolved' });
    expect(resolved.items.map((d) => [d.id, d.sla])).toEqual([[ids.D, null]]);
    const first = await queue({ limit: '2' });
    expect(first.items.map((d) => d.id)).toEqual([ids.A, ids.B]);
    const second = await queue({ limit: '2', cursor: first.nextCursor! });
    expect(second.items.map((d) => d.id)).toEqual([ids.C]);
    await expect(queue({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ status: 422, code: 'validation_failed' });
  });

  it('shows one dispute with its checklist, refunds, chargebacks and the ledger entries that unwind it', async () => {
    const detail = await disputeDetail(db.pool, { id: ids.B, now: NOW });
    expect(detail.checklist.map((c) => [c.kind, c.state])).toEqual([
      ['tracking_proof', 'received'], ['delivery_photo', 'not_requested'], ['item_photos', 'not_requested'], ['receipt', 'not_requested'],
      ['buyer_statement', 'missing'], ['seller_statement', 'not_requested'], ['carrier_report', 'not_requested'],
    ]);
    expect(detail.refunds.map((r) => r.amount)).toEqual([1_000, 1_000]);
    expect(detail.chargebacks.map((c) => c.id)).toEqual([ids.C]);
    expect(detail.ledgerUnwind.entries.map((e) => [e.kind, e.amount])).toEqual([['chargeback', -30_000], ['refund', -2_000], ['refund', 2_000]]);
    expect(detail.ledgerUnwind.byOrg).toEqual(expect.arrayContaining([{ orgId: s.sellerOrgId, amount: -32_000 }, { orgId: s.buyerOrgId, amount: 2_000 }]));
    await expect(disputeDetail(db.pool, { id: 2_000_000_000, now: NOW })).rejects.toMatchObject({ status: 404 });
  });
});

describe('dashboard figures and the refresh job', () => {
  it('computes every figure from the data set', async () => {
    expect(await figures()).toEqual({
      'core.approvals.pending': 0,
      'core.runs.failed_open': 0,
      'marketplace.disputes.open': 1,
      'marketplace.disputes.awaiting_evidence': 1,
      'marketplace.disputes.under_review': 1,
      'marketplace.disputes.sla_breached': 1,
      'marketplace.support_cases.open': 1,
      'marketplace.support_cases.waiting_on_buyer': 1,
      'marketplace.support_cases.waiting_on_seller': 0,
      'marketplace.support_cases.sla_breached': 1,
      'marketplace.risk.negative_balance_exposure': 8_000,
      'marketplace.risk.active_payout_holds': 1,
      'marketplace.risk.open_high_flags': 1,
      'marketplace.shipments.tracking_stale': 1,
    });
  });

  it('shows each operator only the figures their permissions allow, with drill-down links', async () => {
    const view = await dashboard.service.read({ id: 0, permissions: ['dispute.read'] });
    expect(view.figures.map((f) => f.id)).toEqual([
      'marketplace.disputes.open', 'marketplace.disputes.awaiting_evidence', 'marketplace.disputes.under_review', 'marketplace.disputes.sla_breached',
    ]);
    expect(view.figures.find((f) => f.id === 'marketplace.disputes.sla_breached')?.href).toBe('/admin/pages/disputes?breached=true');
    expect(view.refreshedAt).toBe(NOW.toISOString());
    expect(await dashboard.service.read({ id: 0, permissions: [] })).toEqual({ figures: [], refreshedAt: null });
  });

  it('moves a figure only when the job runs again', async () => {
    await ledger(s.sellerOrgId, 'chargeback', -500);
    await dispute('open', ago(HOUR), ago(HOUR));
    expect((await figures())['marketplace.risk.negative_balance_exposure']).toBe(8_000);
    await dashboard.refresh.refresh(NOW);
    const after = await figures();
    expect(after['marketplace.risk.negative_balance_exposure']).toBe(8_500);
    expect(after['marketplace.disputes.open']).toBe(2);
    expect(after['marketplace.disputes.sla_breached']).toBe(2);
  });

  it('folds a delta committed after a run by the next run, exactly once', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO ledger_entries (org_id, order_id, kind, amount, currency) VALUES ($1, $2, 'chargeback', -250, 'USD')`, [s.sellerOrgId, s.orderId]);
      await dashboard.refresh.refresh(NOW); // the delta is not committed: not seen, not deleted
      expect((await figures())['marketplace.risk.negative_balance_exposure']).toBe(8_500);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await dashboard.refresh.refresh(NOW);
    await dashboard.refresh.refresh(NOW);
    expect((await figures())['marketplace.risk.negative_balance_exposure']).toBe(8_750);
    const [{ balance }] = await q<{ balance: string }>('SELECT balance FROM read_models.org_balances WHERE org_id = $1', [s.sellerOrgId]);
    const [{ sum }] = await q<{ sum: string }>('SELECT sum(amount) FROM ledger_entries WHERE org_id = $1', [s.sellerOrgId]);
    expect(balance).toBe(sum);
  });

  it('skips a run while another instance holds the job', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [REFRESH_LOCK_KEY]);
      expect(await dashboard.refresh.refresh(NOW)).toEqual({ skipped: true });
    } finally {
      await client.end();
    }
    expect(await dashboard.refresh.refresh(NOW)).toMatchObject({ skipped: false });
  });
});
