// shipment.retry_label: re-attempts the label purchase of a shipment that has none (the purchase
// failed, or the address did not validate). The action records the request (label_requested_at)
// and queues an outbox message; the carrier integration answers after commit. There is no real
// carrier here: the `shipment.purchase_label` handler is the pack's SIMULATED carrier adapter
// (plugins/marketplace/shipping/simulated-carrier.ts), which buys the label or records the failure.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { retryLabelRefusal } from './action-applicability.js';
import { PURCHASE_LABEL_KIND } from '../shipping/simulated-carrier.js';
import { lockShipment } from './shipment-support.js';

export const shipmentRetryLabelAction = defineAction({
  id: 'shipment.retry_label',
  title: 'Re-attempt label purchase',
  description: 'Ask the carrier again for a shipping label (after a failed purchase or a corrected address). The carrier answers shortly after.',
  permission: 'shipment.update',
  target: 'shipment',
  input: z.strictObject({}),
  reasonCodes: ['carrier_error_resolved', 'address_corrected', 'seller_request', 'other'],

  appliesTo: (shipment) => retryLabelRefusal(shipment) === null,

  load: async ({ sql, target }) => {
    const { shipment, orderStatus } = await lockShipment(sql, target);
    const messages = {
      order_closed: `Order ${shipment.orderId} is ${orderStatus}; it needs no label.`,
      label_already_purchased: `Shipment ${shipment.id} already has a label (${shipment.carrier} ${shipment.trackingNumber}).`,
      label_purchase_pending: `A label purchase for shipment ${shipment.id} has been waiting for the carrier since ${shipment.labelRequestedAt?.toISOString()}.`,
    };
    const refusal = retryLabelRefusal({ ...shipment, orderStatus });
    if (refusal) throw actionRefused(refusal, messages[refusal]);
    return { shipment };
  },

  run: async (ctx) => {
    const before = ctx.state.shipment;
    const after = { ...before, labelRequestedAt: ctx.now };
    ctx.send`UPDATE shipments SET label_requested_at = ${ctx.now} WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'shipment', entityId: String(before.id), before, after });
    ctx.emit({ name: 'ShipmentLabelPurchaseRequested', entityType: 'shipment', entityId: String(before.id), payload: { shipmentId: before.id, carrier: before.carrier, previousFailure: before.failureKind } });
    // The request time names this attempt: the adapter acts once per attempt, however often the message is delivered.
    ctx.enqueue({ kind: PURCHASE_LABEL_KIND, payload: { shipmentId: before.id, requestedAt: ctx.now.toISOString() } });
    return { shipmentId: before.id, labelRequestedAt: ctx.now.toISOString(), status: 'label_purchase_requested' };
  },
});
