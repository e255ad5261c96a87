// Demo rows for issue 7 (docs/adr/0017), derived from the demo's own cases and orders in SQL (no
// faker draws, so the rest of the demo stays what it was): every case's links, first responses
// and SLA breaches as the actions and the sweep would have left them, and the non-fulfilment
// workflow at both ends: a seller warned and waiting out the grace period, and a cancelled order
// with its strike (recorded by the workflow's system principal when it exists).
import type { Prisma } from '@prisma/client';

export async function seedDemoSupportWorkflows(tx: Prisma.TransactionClient, { nowMs }: { nowMs: number }): Promise<void> {
  const now = new Date(nowMs);
  await tx.$executeRaw`
    INSERT INTO support_case_links (case_id, entity_type, entity_id, created_at)
    SELECT id, 'order', order_id::text, created_at FROM support_cases WHERE order_id IS NOT NULL
    UNION ALL SELECT id, 'organization', organization_id::text, created_at FROM support_cases WHERE organization_id IS NOT NULL
    UNION ALL SELECT id, 'customer_user', customer_user_id::text, created_at FROM support_cases WHERE customer_user_id IS NOT NULL
    ON CONFLICT DO NOTHING`;
  // The first note is the first response; unanswered cases past due are breached.
  await tx.$executeRaw`
    UPDATE support_cases c SET first_responded_at = n.first FROM (SELECT case_id, min(created_at) AS first FROM support_case_notes GROUP BY case_id) n
    WHERE n.case_id = c.id AND c.first_responded_at IS NULL`;
  await tx.$executeRaw`
    UPDATE support_cases SET sla_breached_at = sla_first_response_due_at
    WHERE sla_breached_at IS NULL AND sla_first_response_due_at < coalesce(first_responded_at, ${now}::timestamptz) AND status <> 'closed'`;

  // ---- non-fulfilment: the oldest paid order without a label is warned; the oldest cancelled order was cancelled for it
  await tx.$executeRaw`
    INSERT INTO order_non_fulfilments (order_id, seller_org_id, stage, notified_at, grace_ends_at)
    SELECT o.id, o.seller_org_id, 'notified', ${now}::timestamptz - interval '6 hours', ${now}::timestamptz + interval '42 hours' FROM orders o
    WHERE o.status = 'paid' AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status <> 'label_pending')
    ORDER BY o.created_at LIMIT 1`;
  const [creator] = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM operators ORDER BY (email = 'system:non-fulfilment') DESC, id LIMIT 1`;
  if (!creator) return;
  await tx.$executeRaw`
    WITH cancelled AS (SELECT id, seller_org_id, coalesce(cancelled_at, created_at) AS at FROM orders WHERE status = 'cancelled' ORDER BY id LIMIT 1),
    workflow AS (
      INSERT INTO order_non_fulfilments (order_id, seller_org_id, stage, notified_at, grace_ends_at, closed_at)
      SELECT id, seller_org_id, 'cancelled', at - interval '48 hours', at, at FROM cancelled RETURNING order_id)
    INSERT INTO seller_strikes (seller_org_id, order_id, reason, created_by, created_at)
    SELECT seller_org_id, id, 'seller_non_fulfillment', ${creator.id}, at FROM cancelled`;
}
