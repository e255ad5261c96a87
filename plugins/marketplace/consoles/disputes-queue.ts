// The disputes/claims console's queue (seed 000 "Disputes/claims console"): disputes by status and
// kind, soonest SLA first, with the SLA clock computed here (not in the browser) and the evidence
// checklist's progress. Keyset pages over (sla_due_at, id), index (status, sla_due_at).
import { z } from 'zod/v4';
import type { ReadModelClient } from '../../../src/dashboard/dashboard-types.js';
import { decodeKey, keyPage, timeKeys } from '../../../src/http/keyset-cursor.js';
import { disputeBreachedSql, OPEN_DISPUTE_STATUSES, slaClock } from './case-sla.js';

export const DISPUTE_STATUSES = ['open', 'awaiting_evidence', 'under_review', 'resolved', 'closed'] as const;
export const DISPUTE_KINDS = ['claim', 'chargeback', 'not_received'] as const;

export const disputeQueueQuery = z.strictObject({
  status: z.enum(DISPUTE_STATUSES).optional(),
  kind: z.enum(DISPUTE_KINDS).optional(),
  /** Only disputes past their SLA (open-ish ones). */
  breached: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type DisputeQueueQuery = z.infer<typeof disputeQueueQuery>;

export type DisputeQueueItem = {
  id: number; orderId: number; kind: string; status: string; resolution: string | null;
  slaDueAt: string; sla: { secondsLeft: number; isOverdue: boolean } | null;
  createdAt: string; sellerOrgId: number; orderTotal: number; currency: string;
  evidence: { requested: number; received: number; missing: number };
};

type Row = {
  id: number; order_id: number; kind: string; status: string; resolution: string | null; sla_due_at: Date; created_at: Date;
  seller_org_id: number; total_amount: number; currency: string; requested: string; received: string;
};

export async function disputeQueue(client: ReadModelClient, query: DisputeQueueQuery, now: Date): Promise<{ items: DisputeQueueItem[]; nextCursor: string | null }> {
  const statuses = query.status ? [query.status] : [...OPEN_DISPUTE_STATUSES];
  // The cursor is the last row's (sla_due_at, id).
  const after = query.cursor ? decodeKey(query.cursor, timeKeys.int) : null;
  const { rows } = await client.query<Row>(
    `SELECT d.id, d.order_id, d.kind, d.status, d.resolution, d.sla_due_at, d.created_at, o.seller_org_id, o.total_amount, o.currency,
       e.requested, e.received
     FROM disputes d JOIN orders o ON o.id = d.order_id
     CROSS JOIN LATERAL (SELECT count(*) AS requested, count(*) FILTER (WHERE is_received) AS received FROM dispute_evidence WHERE dispute_id = d.id) e
     WHERE d.status = ANY($1::"DisputeStatus"[]) AND ($2::"DisputeKind" IS NULL OR d.kind = $2)
       AND (NOT $3::boolean OR (${disputeBreachedSql('$4')}))
       AND ($5::timestamptz IS NULL OR (d.sla_due_at, d.id) > ($5, $6::int))
     ORDER BY d.sla_due_at, d.id LIMIT $7`,
    [statuses, query.kind ?? null, query.breached === 'true', now, after?.at ?? null, after?.id ?? null, query.limit + 1],
  );
  const { items, nextCursor } = keyPage(rows, query.limit, (r) => [r.sla_due_at, r.id]);
  return {
    items: items.map((r) => ({
      id: r.id, orderId: r.order_id, kind: r.kind, status: r.status, resolution: r.resolution,
      slaDueAt: r.sla_due_at.toISOString(), sla: slaClock({ status: r.status, slaDueAt: r.sla_due_at, now }),
      createdAt: r.created_at.toISOString(), sellerOrgId: r.seller_org_id, orderTotal: r.total_amount, currency: r.currency,
      evidence: { requested: Number(r.requested), received: Number(r.received), missing: Number(r.requested) - Number(r.received) },
    })),
    nextCursor,
  };
}
