// What the shipment actions share: the shipment locked and read in one statement (with its order's
// status, which decides whether anything may still change), and the shipment carriers we know.
import type { Shipment } from '@prisma/client';
import type { ActionTarget, SqlTag } from '../../../src/actions/define-action.js';
import { lockRow } from './action-support.js';
import { shipmentColumns } from './sql-rows.js';

export type LockedShipment = { shipment: Shipment; orderStatus: string };

export async function lockShipment(sql: SqlTag, target: ActionTarget): Promise<LockedShipment> {
  const shipment = await lockRow<Shipment>(sql, { table: 'shipments', target, columns: shipmentColumns });
  const [order] = await sql<{ status: string }>`SELECT status::text AS status FROM orders WHERE id = ${shipment.orderId}`;
  return { shipment, orderStatus: order.status };
}

/** A shipment the carrier has finished with: its label and tracking are history. */
export const isShipmentDone = (shipment: Pick<Shipment, 'status'>) => shipment.status === 'delivered' || shipment.status === 'returned';
