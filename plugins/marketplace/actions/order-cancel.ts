// order.cancel: cancels an order that has not shipped, and refunds whatever was paid for it. The
// refund has no limit or approval of its own: the cancel permission is what gates it (seed 000's
// pre-ship refund workflow: cancel, refund, unwind the allocation, notify buyer and seller).
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockTarget } from './action-support.js';
import { notifyOrderParties } from './notify-parties.js';
import { issueRefund, loadRefundPlan, type IssuedRefund } from './refund-money.js';

export const orderCancelAction = defineAction({
  id: 'order.cancel',
  title: 'Cancel order',
  description: 'Cancel an order before it ships; refunds everything paid for it.',
  permission: 'order.cancel',
  target: 'order',
  input: z.strictObject({}),
  reasonCodes: ['buyer_request', 'seller_non_fulfillment', 'out_of_stock', 'suspected_fraud', 'duplicate_order'],

  load: async ({ tx, target }) => {
    const orderId = await lockTarget(tx, 'orders', target);
    const order = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
    if (order.status === 'cancelled') throw actionRefused('already_cancelled', `Order ${order.id} is already cancelled.`);
    if (order.status !== 'pending' && order.status !== 'paid') {
      throw actionRefused('already_shipped', `Order ${order.id} is ${order.status}; only pending or paid orders can be cancelled.`);
    }
    // The order's status can lag its shipments (a label scanned by the carrier before the order
    // moves on), so a shipment that has left counts as shipped whatever the order says.
    const shipped = await tx.shipment.findFirst({
      where: { orderId, OR: [{ shippedAt: { not: null } }, { status: { in: ['in_transit', 'delivered'] } }] },
      select: { id: true, status: true },
    });
    if (shipped) throw actionRefused('already_shipped', `Order ${order.id} has shipment ${shipped.id} ${shipped.status}; it can no longer be cancelled.`);
    return { plan: await loadRefundPlan({ tx }, order) };
  },

  run: async (ctx) => {
    const { plan } = ctx.state;
    const after = await ctx.tx.order.update({ where: { id: plan.order.id }, data: { status: 'cancelled', cancelledAt: ctx.now } });
    ctx.changed({ entityType: 'order', entityId: String(after.id), before: plan.order, after });
    ctx.emit({
      name: 'OrderCancelled', entityType: 'order', entityId: String(after.id),
      payload: { orderId: after.id, previousStatus: plan.order.status, refundedAmount: plan.remaining, currency: after.currency },
    });
    // RefundIssued follows OrderCancelled, in the order a reader of the timeline expects.
    const refunds: IssuedRefund[] = plan.remaining > 0 ? await issueRefund(ctx, { plan, amount: plan.remaining }) : [];
    await notifyOrderParties(ctx, {
      order: after, template: 'order_cancelled', data: { refundedAmount: plan.remaining, currency: after.currency },
    });
    return { orderId: after.id, status: after.status, refundedAmount: plan.remaining, currency: after.currency, refunds };
  },
});
