// What happened to one order: its status, refund and shipment, chosen so the consoles' queues have
// realistic shares (recent orders still moving, a few percent cancelled or refunded, and a steady
// trickle of each shipping failure kind the fulfillment console investigates).
import type { Random } from './random.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export type FailureKind = 'label_purchase_failed' | 'address_validation_failed' | 'tracking_stale' | 'delivered_not_received';
const FAILURE_KINDS: readonly FailureKind[] = ['label_purchase_failed', 'address_validation_failed', 'tracking_stale', 'delivered_not_received'];
const RETURN_REASONS = ['item_not_as_described', 'damaged_in_transit', 'not_received', 'wrong_item'] as const;

export type OrderStory = {
  status: 'pending' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';
  isPaid: boolean;
  cancelledMs: number | null;
  refund: { isFull: boolean; share: number; reasonCode: string; atMs: number } | null;
  failure: FailureKind | null;
};

export const CARRIERS = [
  { name: 'usps', tracking: (id: number) => `9400${String(id).padStart(18, '0')}` },
  { name: 'ups', tracking: (id: number) => `1Z${id.toString(36).toUpperCase().padStart(16, '0')}` },
  { name: 'fedex', tracking: (id: number) => `7${String(id).padStart(14, '0')}` },
  { name: 'dhl', tracking: (id: number) => `JD${String(id).padStart(18, '0')}` },
] as const;
const CARRIER_WEIGHTS = [45, 30, 20, 5];

export function pickOrderStory({ rng, ageDays, isPaymentFailed, isUnpaid, createdMs, nowMs }: {
  rng: Random;
  ageDays: number;
  isPaymentFailed: boolean;
  isUnpaid: boolean;
  createdMs: number;
  nowMs: number;
}): OrderStory {
  const story: OrderStory = { status: 'pending', isPaid: false, cancelledMs: null, refund: null, failure: null };
  const upTo = (ms: number) => Math.min(nowMs, ms);
  if (isPaymentFailed) return { ...story, status: 'cancelled', cancelledMs: createdMs + 10 * 60_000 };
  if (isUnpaid) return story;

  story.isPaid = true;
  const progress = rng.next();
  story.status = ageDays < 1 ? (progress < 0.6 ? 'paid' : 'shipped')
    : ageDays < 7 ? (progress < 0.1 ? 'paid' : progress < 0.6 ? 'shipped' : 'delivered')
    : 'delivered';

  const roll = rng.next();
  if (roll < 0.03) {
    // Cancelled before shipping: the pre-ship refund workflow refunds in full.
    const at = upTo(createdMs + rng.int(1, 48) * HOUR_MS);
    return { ...story, status: 'cancelled', cancelledMs: at, refund: { isFull: true, share: 1, reasonCode: 'order_cancelled', atMs: at } };
  }
  if (roll < 0.055 && ageDays > 3) {
    const at = upTo(createdMs + rng.int(3, 30) * DAY_MS);
    return { ...story, status: 'refunded', refund: { isFull: true, share: 1, reasonCode: rng.pick(RETURN_REASONS), atMs: at } };
  }
  if (roll < 0.07 && story.status === 'delivered') {
    story.refund = { isFull: false, share: 0.1 + rng.next() * 0.4, reasonCode: rng.chance(0.5) ? 'partial_damage' : 'goodwill',
      atMs: upTo(createdMs + rng.int(4, 20) * DAY_MS) };
  } else if (roll > 0.995) {
    // A failure fixes the status the order is stuck in, whatever its age.
    story.failure = FAILURE_KINDS[Math.floor((roll - 0.995) / 0.005 * FAILURE_KINDS.length)] ?? 'tracking_stale';
    story.status = story.failure === 'tracking_stale' ? 'shipped'
      : story.failure === 'delivered_not_received' ? 'delivered' : 'paid';
  }
  return story;
}

export type ShipmentPlan = {
  carrier: number;
  hasTracking: boolean;
  status: 'label_pending' | 'label_purchased' | 'in_transit' | 'delivered' | 'exception' | 'returned';
  labelCost: number | null;
  failureKind: FailureKind | null;
  shippedMs: number | null;
  deliveredMs: number | null;
  /** The carrier's last tracking event (the shipping console's stale-tracking queue reads it). */
  lastTrackingMs: number | null;
};

const TRACKING_SCAN_EVERY_MS = 12 * HOUR_MS;

export function planShipment({ rng, story, shippingCredit, createdMs, nowMs }: {
  rng: Random;
  story: OrderStory;
  shippingCredit: number;
  createdMs: number;
  nowMs: number;
}): ShipmentPlan {
  const carrier = rng.weighted(CARRIER_WEIGHTS);
  const labelCost = Math.round(shippingCredit * (0.7 + rng.next() * 0.6));
  const plan: ShipmentPlan = {
    carrier, hasTracking: false, status: 'label_pending', labelCost: null,
    failureKind: story.failure, shippedMs: null, deliveredMs: null, lastTrackingMs: null,
  };
  const shippedMs = Math.min(nowMs, createdMs + rng.int(6, 72) * HOUR_MS);
  const deliveredMs = Math.min(nowMs, shippedMs + rng.int(1, 6) * DAY_MS);
  const labelled = { ...plan, hasTracking: true, labelCost };

  switch (story.status) {
    case 'pending':
    case 'cancelled':
      return plan;
    case 'paid':
      if (story.failure === 'label_purchase_failed') return plan;
      if (story.failure === 'address_validation_failed') return { ...plan, status: 'exception' };
      return rng.chance(0.5) ? plan : { ...labelled, status: 'label_purchased' };
    case 'shipped':
      // Moving parcels are scanned about twice a day; a stale one's last event is its pickup. (A
      // label bought but never scanned has no event: the queue measures it from its creation.)
      return story.failure === 'tracking_stale'
        ? { ...labelled, status: 'exception', shippedMs, lastTrackingMs: shippedMs }
        : { ...labelled, status: 'in_transit', shippedMs, lastTrackingMs: Math.max(shippedMs, nowMs - TRACKING_SCAN_EVERY_MS) };
    case 'delivered':
      return { ...labelled, status: 'delivered', shippedMs, deliveredMs, lastTrackingMs: deliveredMs };
    case 'refunded':
      return { ...labelled, status: rng.chance(0.6) ? 'returned' : 'delivered', shippedMs, deliveredMs, lastTrackingMs: deliveredMs };
  }
}
