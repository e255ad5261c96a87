// One dispute as the disputes console shows it: the SLA clock, the evidence checklist (every
// evidence kind: received, missing, or not requested), the order with its refunds and chargebacks,
// the ledger entries that unwind it (refund and chargeback entries of the order, per organization),
// the timeline (domain events of the dispute and its order), and the actions an operator can take
// from here (added by the console route: disputes-console.ts).
import type { ReadModelClient } from '../../../src/dashboard/dashboard-types.js';
import { notFound } from '../../../src/http/errors.js';
import { slaClock } from './case-sla.js';
import { OPEN_ORGANIZATION_HOLD } from '../actions/hold-payouts.js';

export const EVIDENCE_KINDS = ['tracking_proof', 'delivery_photo', 'item_photos', 'receipt', 'buyer_statement', 'seller_statement', 'carrier_report'] as const;

export async function disputeDetail(client: ReadModelClient, { id, now }: { id: number; now: Date }) {
  const { rows: [d] } = await client.query<{
    id: number; order_id: number; kind: string; status: string; resolution: string | null; sla_due_at: Date; resolved_at: Date | null; created_at: Date;
    order_status: string; total_amount: number; currency: string; seller_org_id: number; seller_name: string; seller_status: string; buyer_user_id: number;
    seller_kind: string; seller_hold_id: number | null;
  }>(
    `SELECT d.*, o.status AS order_status, o.total_amount, o.currency, o.seller_org_id, s.name AS seller_name, s.status AS seller_status, o.buyer_user_id,
       s.kind AS seller_kind, (${OPEN_ORGANIZATION_HOLD('s.id')}) AS seller_hold_id
     FROM disputes d JOIN orders o ON o.id = d.order_id JOIN organizations s ON s.id = o.seller_org_id WHERE d.id = $1`,
    [id],
  );
  if (!d) throw notFound(`No dispute ${id}.`);
  const [evidence, refunds, disputes, ledger, events] = await Promise.all([
    client.query<{ kind: string; description: string; is_received: boolean; received_at: Date | null }>(
      'SELECT kind, description, is_received, received_at FROM dispute_evidence WHERE dispute_id = $1 ORDER BY id', [id]),
    client.query('SELECT id, payment_id AS "paymentId", provider_ref AS "providerRef", amount, currency, status, reason_code AS "reasonCode", created_at AS "createdAt" FROM refunds WHERE order_id = $1 ORDER BY id', [d.order_id]),
    client.query('SELECT id, kind, status, resolution, sla_due_at AS "slaDueAt", created_at AS "createdAt" FROM disputes WHERE order_id = $1 ORDER BY id', [d.order_id]),
    client.query<{ id: number; org_id: number; kind: string; amount: number; currency: string; created_at: Date }>(
      `SELECT id, org_id, kind, amount, currency, created_at FROM ledger_entries WHERE order_id = $1 AND kind IN ('refund', 'chargeback') ORDER BY id`, [d.order_id]),
    client.query(
      `SELECT id::text, name, entity_type AS "entityType", entity_id AS "entityId", payload, operator_id AS "operatorId", occurred_at AS "occurredAt"
       FROM domain_events WHERE (entity_type = 'dispute' AND entity_id = $1) OR (entity_type = 'order' AND entity_id = $2)
       ORDER BY occurred_at DESC, id DESC LIMIT 50`, [String(id), String(d.order_id)]),
  ]);
  // ---- the checklist: every kind, in the enum's order
  const checklist = EVIDENCE_KINDS.map((kind) => {
    const items = evidence.rows.filter((e) => e.kind === kind);
    const received = items.find((e) => e.is_received);
    return {
      kind,
      state: received ? 'received' as const : items.length > 0 ? 'missing' as const : 'not_requested' as const,
      description: (received ?? items[0])?.description ?? null,
      receivedAt: received?.received_at?.toISOString() ?? null,
    };
  });
  // ---- the unwind: what each organization gave back or received
  const byOrg = new Map<number, number>();
  for (const e of ledger.rows) byOrg.set(e.org_id, (byOrg.get(e.org_id) ?? 0) + e.amount);
  return {
    dispute: {
      id: d.id, kind: d.kind, status: d.status, resolution: d.resolution, slaDueAt: d.sla_due_at.toISOString(),
      sla: slaClock({ status: d.status, slaDueAt: d.sla_due_at, now }), resolvedAt: d.resolved_at?.toISOString() ?? null, createdAt: d.created_at.toISOString(),
    },
    order: { id: d.order_id, status: d.order_status, totalAmount: d.total_amount, currency: d.currency, buyerUserId: d.buyer_user_id, href: `resources/Order/records/${d.order_id}/show` },
    seller: { id: d.seller_org_id, name: d.seller_name, status: d.seller_status, kind: d.seller_kind, openOrganizationHoldId: d.seller_hold_id, href: `resources/Organization/records/${d.seller_org_id}/show` },
    checklist,
    refunds: refunds.rows,
    chargebacks: disputes.rows.filter((r) => r.kind === 'chargeback'),
    otherDisputes: disputes.rows.filter((r) => r.id !== d.id),
    ledgerUnwind: {
      entries: ledger.rows.map((e) => ({ id: e.id, orgId: e.org_id, kind: e.kind, amount: e.amount, currency: e.currency, createdAt: e.created_at.toISOString() })),
      byOrg: [...byOrg].map(([orgId, amount]) => ({ orgId, amount })),
      href: `resources/LedgerEntry?filters.order=${d.order_id}`,
    },
    timeline: events.rows,
  };
}

export type DisputeDetail = Awaited<ReturnType<typeof disputeDetail>>;
