// SIMULATED carrier adapter. opsdeck has no carrier integration (no label API, no webhooks): this
// stands in for one behind the outbox kind `shipment.purchase_label`, which shipment.retry_label
// queues. It decides like a carrier would, deterministically, so tests and demos can rely on it:
//   - an address note mentioning "undeliverable" fails address validation;
//   - a carrier we do not ship with fails the label purchase;
//   - otherwise the label is bought: a tracking number in the carrier's format, a label cost of
//     90% of the shipping credit, and the carrier's first tracking event now.
// A real adapter replaces `decide` with the carrier's API and keeps the rest (the once-per-attempt
// update and the domain event). Delivered more than once, a message changes nothing the second
// time: the update only applies while the shipment still waits for that very attempt.
import type { OutboxHandler } from '../../../src/actions/outbox.js';
import { CARRIERS } from '../seed/scale-stories.js';

export const PURCHASE_LABEL_KIND = 'shipment.purchase_label';

type Decision =
  | { isBought: true; trackingNumber: string; labelCost: number }
  | { isBought: false; failureKind: 'label_purchase_failed' | 'address_validation_failed'; reason: string };

export function decide(shipment: { id: number; carrier: string; addressNote: string | null; shippingCredit: number }): Decision {
  if (/undeliverable/i.test(shipment.addressNote ?? '')) return { isBought: false, failureKind: 'address_validation_failed', reason: 'address did not validate' };
  const carrier = CARRIERS.find((c) => c.name === shipment.carrier);
  if (!carrier) return { isBought: false, failureKind: 'label_purchase_failed', reason: `carrier ${shipment.carrier} is not supported` };
  return { isBought: true, trackingNumber: carrier.tracking(shipment.id), labelCost: Math.round(shipment.shippingCredit * 0.9) };
}

export const purchaseLabelHandler: OutboxHandler = async ({ payload }, { pool, logger }) => {
  const shipmentId = Number(payload.shipmentId);
  const requestedAt = new Date(String(payload.requestedAt));
  const { rows: [shipment] } = await pool.query<{ id: number; carrier: string; addressNote: string | null; shippingCredit: number }>(
    `SELECT id, carrier, address_note AS "addressNote", shipping_credit_amount AS "shippingCredit" FROM shipments WHERE id = $1 AND label_requested_at = $2`,
    [shipmentId, requestedAt],
  );
  // Already answered (a redelivered message), or superseded: nothing to do.
  if (!shipment) return;
  const decision = decide(shipment);
  // The shipment and its domain event change together, and only while this attempt is still the pending one.
  const changed = decision.isBought
    ? await pool.query(
      `WITH u AS (UPDATE shipments SET status = 'label_purchased', tracking_number = $3, label_cost_amount = $4, failure_kind = NULL,
                   label_requested_at = NULL, last_tracking_update_at = now() WHERE id = $1 AND label_requested_at = $2 RETURNING id, carrier)
       INSERT INTO domain_events (name, entity_type, entity_id, payload)
       SELECT 'ShipmentLabelPurchased', 'shipment', u.id::text, jsonb_build_object('shipmentId', u.id, 'carrier', u.carrier, 'trackingNumber', $3::text, 'labelCost', $4::int, 'adapter', 'simulated') FROM u`,
      [shipmentId, requestedAt, decision.trackingNumber, decision.labelCost],
    )
    : await pool.query(
      `WITH u AS (UPDATE shipments SET failure_kind = $3::"ShipmentFailureKind", label_requested_at = NULL,
                   status = CASE WHEN $3 = 'address_validation_failed' THEN 'exception'::"ShipmentStatus" ELSE status END
                 WHERE id = $1 AND label_requested_at = $2 RETURNING id, carrier)
       INSERT INTO domain_events (name, entity_type, entity_id, payload)
       SELECT 'ShipmentLabelPurchaseFailed', 'shipment', u.id::text, jsonb_build_object('shipmentId', u.id, 'carrier', u.carrier, 'failureKind', $3::text, 'reason', $4::text, 'adapter', 'simulated') FROM u`,
      [shipmentId, requestedAt, decision.failureKind, decision.reason],
    );
  logger.info({ shipmentId, isBought: decision.isBought, applied: changed.rowCount === 1 }, 'simulated carrier: label purchase answered');
};
