// order.nonfulfilment_notify: step 1 of seed 000's seller non-fulfilment workflow. A paid order
// with no label bought past the SLA: tell the seller (outbox, after commit) that it will be
// cancelled when the grace period ends, and record the step (order_non_fulfilments). Run by the
// non-fulfilment sweep as its system principal (workflows/non-fulfilment-sweep.ts); once per order.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { canStartNonFulfilment, isAwaitingLabel } from './action-applicability.js';
import { notifyOrderParties } from './notify-parties.js';
import { lockOrder } from './refund-money.js';
import { hasLabel, NON_FULFILMENT_REASON } from '../workflows/non-fulfilment-state.js';

export const orderNonFulfilmentNotifyAction = defineAction({
  id: 'order.nonfulfilment_notify',
  title: 'Warn seller: no label bought',
  description: 'Non-fulfilment workflow, step 1: warn the seller that the order is cancelled unless a label is bought before the grace period ends.',
  permission: 'order.nonfulfilment',
  target: 'order',
  input: z.strictObject({ graceEndsAt: z.iso.datetime() }),
  reasonCodes: [NON_FULFILMENT_REASON],

  appliesTo: canStartNonFulfilment,

  load: async ({ sql, target }) => {
    const { order } = await lockOrder(sql, target);
    // Read once the order is ours: a sweeper that waited for the lock sees the other's row.
    const [labelled, [existing]] = await Promise.all([
      hasLabel(sql, order.id),
      sql<{ stage: string }>`SELECT stage::text AS stage FROM order_non_fulfilments WHERE order_id = ${order.id}`,
    ]);
    if (existing) throw actionRefused('already_notified', `Order ${order.id} is already in the non-fulfilment workflow (${existing.stage}).`);
    if (!isAwaitingLabel(order)) throw actionRefused('not_awaiting_label', `Order ${order.id} is ${order.status}, not paid and awaiting a label.`);
    if (labelled) throw actionRefused('label_purchased', `Order ${order.id} has a label.`);
    return { order };
  },

  run: async (ctx) => {
    const { order } = ctx.state;
    const graceEndsAt = new Date(ctx.input.graceEndsAt);
    const [[{ id }]] = await Promise.all([
      ctx.sql<{ id: number }>`INSERT INTO order_non_fulfilments (order_id, seller_org_id, stage, notified_at, grace_ends_at, notify_run_id)
        VALUES (${order.id}, ${order.sellerOrgId}, 'notified', ${ctx.now}, ${graceEndsAt}, ${ctx.runId}::uuid) RETURNING id`,
      notifyOrderParties(ctx, { order, template: 'order_nonfulfilment_warning', data: { graceEndsAt: graceEndsAt.toISOString() }, to: ['seller'] }),
    ]);
    const row = { id, orderId: order.id, sellerOrgId: order.sellerOrgId, stage: 'notified', notifiedAt: ctx.now, graceEndsAt, closedAt: null, notifyRunId: ctx.runId, cancelRunId: null };
    ctx.changed({ entityType: 'order_non_fulfilment', entityId: String(id), before: null, after: row });
    ctx.emit({ name: 'SellerNonFulfilmentNotified', entityType: 'order', entityId: String(order.id), payload: { orderId: order.id, sellerOrgId: order.sellerOrgId, graceEndsAt } });
    return { orderId: order.id, stage: 'notified', graceEndsAt: graceEndsAt.toISOString() };
  },
});
