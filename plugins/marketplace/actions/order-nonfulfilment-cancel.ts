// order.nonfulfilment_cancel: step 2 of the seller non-fulfilment workflow, once the grace period
// is over with still no label: cancel the order and refund the buyer (order.cancel's own load and
// run: one cancellation and refund logic, with its ledger unwind and notifications), then record a
// strike against the seller. One transaction: all of it or none; the strike is unique per order and
// reason, and the workflow row moves to `cancelled` with it, so no re-run acts twice.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isCancellableOrder, isNonFulfilmentNotified } from './action-applicability.js';
import { orderCancelAction } from './order-cancel.js';
import { hasLabel, lockWorkflowRow, NON_FULFILMENT_REASON } from '../workflows/non-fulfilment-state.js';

export const orderNonFulfilmentCancelAction = defineAction({
  id: 'order.nonfulfilment_cancel',
  title: 'Cancel for non-fulfilment',
  description: 'Non-fulfilment workflow, step 2: after the grace period, cancel the order, refund the buyer and record a strike against the seller.',
  permission: 'order.nonfulfilment',
  // Refunds stop with the marketplace's refund kill switch, automated ones too.
  flag: 'marketplace.refunds',
  target: 'order',
  input: z.strictObject({}),
  reasonCodes: [NON_FULFILMENT_REASON],

  appliesTo: (order) => isCancellableOrder(order) && isNonFulfilmentNotified(order),

  load: async (ctx) => {
    // The order (and its payments) first, as order.cancel and the notify step lock it; then the row.
    const cancel = await orderCancelAction.load(ctx);
    const orderId = cancel.plan.order.id;
    const [row, labelled] = await Promise.all([lockWorkflowRow(ctx.sql, orderId), hasLabel(ctx.sql, orderId)]);
    if (!row) throw actionRefused('not_notified', `Order ${orderId} was never warned for non-fulfilment.`);
    if (!isNonFulfilmentNotified({ nonFulfilmentStage: row.stage })) throw actionRefused(`already_${row.stage}`, `Order ${orderId}'s non-fulfilment workflow is already ${row.stage}.`);
    if (labelled) throw actionRefused('label_purchased', `Order ${orderId} got a label during the grace period.`);
    return { cancel, row };
  },

  run: async (ctx) => {
    const { cancel, row } = ctx.state;
    const { order } = cancel.plan;
    const cancelled = await orderCancelAction.run({ ...ctx, state: cancel });
    const [[strike]] = await Promise.all([
      ctx.sql<{ id: number; createdAt: Date }>`
        INSERT INTO seller_strikes (seller_org_id, order_id, reason, created_by, created_at)
        VALUES (${order.sellerOrgId}, ${order.id}, ${NON_FULFILMENT_REASON}, ${ctx.actor.operatorId}, ${ctx.now})
        RETURNING id, created_at AS "createdAt"`,
      ctx.sql`UPDATE order_non_fulfilments SET stage = 'cancelled', closed_at = ${ctx.now}, cancel_run_id = ${ctx.runId}::uuid WHERE order_id = ${order.id}`,
    ]);
    ctx.changed({
      entityType: 'seller_strike', entityId: String(strike.id), before: null,
      after: { id: strike.id, sellerOrgId: order.sellerOrgId, orderId: order.id, reason: NON_FULFILMENT_REASON, createdBy: ctx.actor.operatorId, createdAt: strike.createdAt },
    });
    ctx.changed({ entityType: 'order_non_fulfilment', entityId: String(row.id), before: row, after: { ...row, stage: 'cancelled', closedAt: ctx.now, cancelRunId: ctx.runId } });
    ctx.emit({ name: 'SellerStrikeRecorded', entityType: 'organization', entityId: String(order.sellerOrgId), payload: { strikeId: strike.id, orderId: order.id, reason: NON_FULFILMENT_REASON } });
    return { ...cancelled, strikeId: strike.id, stage: 'cancelled' };
  },
});
