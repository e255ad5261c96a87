// Checkouts and everything hanging off their orders, one chunk at a time. Order time grows with the
// order id across the run (as in production), which keeps the created_at indexes append-mostly and
// the bulk load fast. Each chunk has its own PRNG stream, so output does not depend on scheduling.
import { RowBuffer, timestamp } from './copy-text.js';
import type { Chunk } from './copy-scheduler.js';
import { createRandom, deriveSeed, type Random } from './random.js';
import type { Dimensions } from './scale-dimensions.js';
import type { Pools } from './scale-pools.js';
import { pickOrderStory, planShipment, CARRIERS, type OrderStory } from './scale-stories.js';

const DAY_MS = 86_400_000;
const SPAN_MS = 730 * DAY_MS;
const SLICE_ORDERS = 2_000;

export const ORDER_TABLES = {
  checkouts: ['id', 'buyer_user_id', 'buyer_org_id', 'total_amount', 'currency', 'status', 'created_at'],
  orders: ['id', 'checkout_id', 'seller_org_id', 'buyer_user_id', 'status', 'subtotal_amount',
    'shipping_credit_amount', 'total_amount', 'currency', 'created_at', 'cancelled_at'],
  payments: ['id', 'checkout_id', 'provider', 'payment_intent_ref', 'charge_ref', 'amount', 'currency',
    'status', 'created_at'],
  order_items: ['id', 'order_id', 'listing_id', 'quantity', 'unit_price_amount'],
  shipments: ['id', 'order_id', 'carrier', 'tracking_number', 'status', 'label_cost_amount',
    'shipping_credit_amount', 'currency', 'failure_kind', 'shipped_at', 'delivered_at', 'created_at', 'last_tracking_update_at'],
  payment_allocations: ['id', 'payment_id', 'order_id', 'amount'],
  refunds: ['id', 'order_id', 'payment_id', 'provider_ref', 'amount', 'currency', 'status',
    'reason_code', 'created_at'],
  ledger_entries: ['id', 'org_id', 'order_id', 'kind', 'amount', 'currency', 'created_at'],
} as const;

export type OrderTable = keyof typeof ORDER_TABLES;

/** Which tables of the same chunk must be committed before a table's COPY may start. */
export const ORDER_DEPENDENCIES: Record<OrderTable, readonly OrderTable[]> = {
  checkouts: [],
  orders: ['checkouts'],
  payments: ['checkouts'],
  order_items: ['orders'],
  shipments: ['orders'],
  payment_allocations: ['orders', 'payments'],
  refunds: ['orders', 'payments'],
  ledger_entries: ['orders'],
};

type PlannedOrder = { id: number; seller: number; total: number; subtotal: number; story: OrderStory };

export function createOrderGenerator({ seed, pools, dimensions, firstIds, totalOrders, chunkOrders, nowMs }: {
  seed: number;
  pools: Pools;
  dimensions: Dimensions;
  firstIds: Record<OrderTable, number>;
  totalOrders: number;
  chunkOrders: number;
  nowMs: number;
}): { nextChunk: () => Promise<Chunk | null> } {
  const next = { ...firstIds };
  const startMs = nowMs - SPAN_MS;
  let ordersMade = 0;
  let chunkIndex = 0;

  const newBuffers = () => {
    const entries = Object.entries(ORDER_TABLES) as Array<[OrderTable, readonly string[]]>;
    return Object.fromEntries(entries.map(([table, columns]) => [table, new RowBuffer({ table, columns })])) as
      Record<OrderTable, RowBuffer>;
  };

  const pickListing = (rng: Random, seller: number) =>
    dimensions.sellerListingStart.get(seller)! + rng.int(0, dimensions.sellerListingCount.get(seller)! - 1);

  const writeCheckout = (rng: Random, out: Record<OrderTable, RowBuffer>, orderCount: number) => {
    const checkoutId = next.checkouts++;
    const userIndex = rng.int(0, dimensions.userCount - 1);
    const user = dimensions.firstUserId + userIndex;
    const buyerOrg = dimensions.userOrg[userIndex];
    const createdMs = Math.min(nowMs - 60_000, startMs + Math.floor((ordersMade / totalOrders) * SPAN_MS) + rng.int(0, 3_600_000));
    const created = timestamp(createdMs);
    const ageDays = (nowMs - createdMs) / DAY_MS;
    const isPaymentFailed = rng.chance(0.004);
    const isUnpaid = !isPaymentFailed && ageDays < 0.5 && rng.chance(0.3);

    // ---- orders, one per distinct seller, with their items
    const sellers: number[] = [];
    const planned: PlannedOrder[] = [];
    for (let o = 0; o < orderCount; o++) {
      let listingIndex = rng.int(0, dimensions.listingCount - 1);
      for (let retry = 0; retry < 3 && sellers.includes(dimensions.listingSeller[listingIndex]); retry++) {
        listingIndex = rng.int(0, dimensions.listingCount - 1);
      }
      const seller = dimensions.listingSeller[listingIndex];
      sellers.push(seller);
      const orderId = next.orders++;
      const itemCount = rng.chance(0.65) ? 1 : rng.chance(0.7) ? 2 : 3;
      let subtotal = 0;
      for (let i = 0; i < itemCount; i++) {
        const listingId = i === 0 ? dimensions.firstListingId + listingIndex : pickListing(rng, seller);
        const price = dimensions.listingPrice[listingId - dimensions.firstListingId];
        const quantity = rng.chance(0.85) ? 1 : rng.int(2, 4);
        subtotal += price * quantity;
        out.order_items.push([next.order_items++, orderId, listingId, quantity, price]);
      }
      const shippingCredit = 399 + 100 * rng.int(0, 12);
      const total = subtotal + shippingCredit;
      const story = pickOrderStory({ rng, ageDays, isPaymentFailed, isUnpaid, createdMs, nowMs });
      planned.push({ id: orderId, seller, total, subtotal, story });
      out.orders.push([orderId, checkoutId, seller, user, story.status, subtotal, shippingCredit, total, 'USD',
        created, story.cancelledMs === null ? null : timestamp(story.cancelledMs)]);
      const shipment = planShipment({ rng, story, shippingCredit, createdMs, nowMs });
      const shipmentId = next.shipments++;
      const carrier = CARRIERS[shipment.carrier];
      out.shipments.push([shipmentId, orderId, carrier.name, shipment.hasTracking ? carrier.tracking(shipmentId) : null,
        shipment.status, shipment.labelCost, shippingCredit, 'USD', shipment.failureKind,
        shipment.shippedMs === null ? null : timestamp(shipment.shippedMs),
        shipment.deliveredMs === null ? null : timestamp(shipment.deliveredMs), created,
        shipment.lastTrackingMs === null ? null : timestamp(shipment.lastTrackingMs)]);
    }

    // ---- one payment for the checkout, allocated to its orders; refunds and ledger per order
    const checkoutTotal = planned.reduce((sum, order) => sum + order.total, 0);
    const paymentId = next.payments++;
    const tail = () => rng.pick(pools.refTails);
    let refunded = 0;
    for (const order of planned) {
      out.payment_allocations.push([next.payment_allocations++, paymentId, order.id, order.total]);
      if (!order.story.isPaid) continue;
      out.ledger_entries.push([next.ledger_entries++, order.seller, order.id, 'sale', order.total, 'USD', created]);
      out.ledger_entries.push([next.ledger_entries++, order.seller, order.id, 'fee', -Math.round(order.subtotal * 0.1), 'USD', created]);
      const refund = order.story.refund;
      if (!refund) continue;
      const amount = refund.isFull ? order.total : Math.max(100, Math.round(order.subtotal * refund.share));
      const refundId = next.refunds++;
      const at = timestamp(refund.atMs);
      refunded += amount;
      out.refunds.push([refundId, order.id, paymentId, `re_${refundId.toString(36).padStart(8, '0')}${tail()}`,
        amount, 'USD', 'succeeded', refund.reasonCode, at]);
      out.ledger_entries.push([next.ledger_entries++, order.seller, order.id, 'refund', -amount, 'USD', at]);
    }
    const paymentStatus = isPaymentFailed ? 'failed' : isUnpaid ? 'pending'
      : refunded >= checkoutTotal ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'succeeded';
    out.payments.push([paymentId, checkoutId, 'stripe', `pi_${paymentId.toString(36).padStart(8, '0')}${tail()}`,
      isUnpaid ? null : `ch_${paymentId.toString(36).padStart(8, '0')}${tail()}`, checkoutTotal, 'USD',
      paymentStatus, created]);
    out.checkouts.push([checkoutId, user, buyerOrg, checkoutTotal, 'USD',
      isPaymentFailed ? 'cancelled' : isUnpaid ? 'pending' : 'completed', created]);
  };

  const nextChunk = async (): Promise<Chunk | null> => {
    if (ordersMade >= totalOrders) return null;
    const index = chunkIndex++;
    const rng = createRandom(deriveSeed(seed, 0x0dde5, index));
    const out = newBuffers();
    const target = Math.min(totalOrders, ordersMade + chunkOrders);
    const chunkStart = ordersMade;
    let sliceEnd = ordersMade + SLICE_ORDERS;
    while (ordersMade < target) {
      // Checkouts hold 1-3 orders from distinct sellers; the last one is trimmed to hit the total.
      const wanted = rng.chance(0.68) ? 1 : rng.chance(0.7) ? 2 : 3;
      const orderCount = Math.min(wanted, target - ordersMade);
      writeCheckout(rng, out, orderCount);
      ordersMade += orderCount;
      if (ordersMade >= sliceEnd) {
        sliceEnd = ordersMade + SLICE_ORDERS;
        // Let the COPY streams of earlier chunks move their bytes while we keep generating.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return { index, buffers: Object.values(out), orders: ordersMade - chunkStart };
  };

  return { nextChunk };
}
