// order.cancel: cancels an order that has not shipped, and refunds whatever was paid for it. The
// refund has no limit or approval of its own: the cancel permission is what gates it (seed 000's
// pre-ship refund workflow: cancel, refund, unwind the allocation, notify buyer and seller).
import type { Order } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isCancellableOrder } from './action-applicability.js';
import { targetId } from './action-support.js';
import { notifyOrderParties } from './notify-parties.js';
import { issueRefund, lockOrderForRefund, type IssuedRefund } from './refund-money.js';

export const orderCancelAction = defineAction({
  id: 'order.cancel',
  title: 'Cancel order',
  description: 'Cancel an order before it ships; refunds everything paid for it.',
  permission: 'order.cancel',
  // Kill switch: src/flags/flag-catalog.ts, plugins/marketplace/flags.ts.
  flag: 'marketplace.refunds',
  target: 'order',
  input: z.strictObject({}),
  reasonCodes: ['buyer_request', 'seller_non_fulfillment', 'out_of_stock', 'suspected_fraud', 'duplicate_order'],

  appliesTo: isCancellableOrder,

  load: async ({ sql, target }) => {
    // The order, its payments, what they can give back and its shipments, locked and read in one
    // round trip (the reads are wasted on an order that cannot be cancelled: the rare case).
    // The order's status can lag its shipments (a label scanned by the carrier before the order
    // moves on), so a shipment that has left counts as shipped whatever the order says.
    const [plan, [shipped]] = await Promise.all([
      lockOrderForRefund(sql, target),
      sql<{ id: number; status: string }>`
        SELECT id, status FROM shipments WHERE order_id = ${targetId(target)} AND (shipped_at IS NOT NULL OR status IN ('in_transit', 'delivered'))
        ORDER BY id LIMIT 1`,
    ]);
    const { order } = plan;
    if (order.status === 'cancelled') throw actionRefused('already_cancelled', `Order ${order.id} is already cancelled.`);
    if (!isCancellableOrder(order)) {
      throw actionRefused('already_shipped', `Order ${order.id} is ${order.status}; only pending or paid orders can be cancelled.`);
    }
    if (shipped) throw actionRefused('already_shipped', `Order ${order.id} has shipment ${shipped.id} ${shipped.status}; it can no longer be cancelled.`);
    return { plan };
  },

  run: async (ctx) => {
    const { plan } = ctx.state;
    const cancelled = ctx.sql`UPDATE orders SET status = 'cancelled'::"OrderStatus", cancelled_at = ${ctx.now} WHERE id = ${plan.order.id}`;
    const after: Order = { ...plan.order, status: 'cancelled', cancelledAt: ctx.now };
    ctx.changed({ entityType: 'order', entityId: String(after.id), before: plan.order, after });
    ctx.emit({
      name: 'OrderCancelled', entityType: 'order', entityId: String(after.id),
      payload: { orderId: after.id, previousStatus: plan.order.status, refundedAmount: plan.remaining, currency: after.currency },
    });
    // RefundIssued follows OrderCancelled, in the order a reader of the timeline expects.
    // Sent together with the cancel above (one round trip).
    const [, refunds] = await Promise.all([
      cancelled,
      plan.remaining > 0 ? issueRefund(ctx, { plan, amount: plan.remaining }) : Promise.resolve<IssuedRefund[]>([]),
      notifyOrderParties(ctx, { order: after, template: 'order_cancelled', data: { refundedAmount: plan.remaining, currency: after.currency } }),
    ]);
    return { orderId: after.id, status: after.status, refundedAmount: plan.remaining, currency: after.currency, refunds };
  },
});
