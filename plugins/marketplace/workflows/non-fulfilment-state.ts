// The non-fulfilment workflow's state row (order_non_fulfilments) as its steps read and write it,
// and the one question both steps ask of an order: has the seller bought a label?
import type { OrderNonFulfilment } from '@prisma/client';
import type { SqlTag } from '../../../src/actions/define-action.js';

export const NON_FULFILMENT_PRINCIPAL = 'non-fulfilment';
export const NON_FULFILMENT_REASON = 'seller_non_fulfillment';

/** Any shipment past label_pending: a label was bought (it may since have moved on). */
export async function hasLabel(sql: SqlTag, orderId: number): Promise<boolean> {
  const rows = await sql`SELECT 1 FROM shipments WHERE order_id = ${orderId} AND status <> 'label_pending'::"ShipmentStatus" LIMIT 1`;
  return rows.length > 0;
}

/** The order's workflow row, locked; undefined when the order was never caught. */
export async function lockWorkflowRow(sql: SqlTag, orderId: number): Promise<OrderNonFulfilment | undefined> {
  const [row] = await sql<OrderNonFulfilment>`
    SELECT id, order_id AS "orderId", seller_org_id AS "sellerOrgId", stage, notified_at AS "notifiedAt", grace_ends_at AS "graceEndsAt",
      closed_at AS "closedAt", notify_run_id AS "notifyRunId", cancel_run_id AS "cancelRunId"
    FROM order_non_fulfilments WHERE order_id = ${orderId} FOR UPDATE`;
  return row;
}
