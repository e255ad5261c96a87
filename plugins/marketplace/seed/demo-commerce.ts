// Demo checkouts split into per-seller orders with items, shipments, payments, allocations, refunds,
// payouts with holds, and the ledger rows that money movement leaves. Order outcomes come from the
// same stories as the bulk generator, plus a few of each shipping failure the console investigates.
import type { Faker } from '@faker-js/faker';
import type { Prisma } from '@prisma/client';
import type { DemoParties } from './demo-parties.js';
import type { IdAllocator } from './demo-ids.js';
import type { Random } from './random.js';
import { CARRIERS, pickOrderStory, planShipment, type FailureKind, type OrderStory } from './scale-stories.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const FAILURES: readonly FailureKind[] = ['label_purchase_failed', 'address_validation_failed', 'tracking_stale', 'delivered_not_received'];

export type DemoOrder = {
  id: number; paymentId: number; sellerOrgId: number; buyerUserId: number; buyerOrgId: number;
  total: number; createdMs: number; story: OrderStory;
};

export type DemoCommerce = {
  checkouts: Prisma.CheckoutCreateManyInput[];
  orders: Prisma.OrderCreateManyInput[];
  orderItems: Prisma.OrderItemCreateManyInput[];
  shipments: Prisma.ShipmentCreateManyInput[];
  payments: Prisma.PaymentCreateManyInput[];
  allocations: Prisma.PaymentAllocationCreateManyInput[];
  refunds: Prisma.RefundCreateManyInput[];
  payouts: Prisma.PayoutCreateManyInput[];
  payoutHolds: Prisma.PayoutHoldCreateManyInput[];
  ledgerEntries: Prisma.LedgerEntryCreateManyInput[];
  /** What the cases module needs to open disputes and support cases on believable orders. */
  demoOrders: DemoOrder[];
};

export function buildDemoCommerce({ faker, rng, ids, parties, operatorIds, nowMs }: {
  faker: Faker; rng: Random; ids: IdAllocator; parties: DemoParties; operatorIds: number[]; nowMs: number;
}): DemoCommerce {
  const out: DemoCommerce = {
    checkouts: [], orders: [], orderItems: [], shipments: [], payments: [], allocations: [], refunds: [],
    payouts: [], payoutHolds: [], ledgerEntries: [], demoOrders: [],
  };
  const userOrg = new Map(parties.customerUsers.map((user) => [user.id!, user.organizationId]));
  const sellable = parties.listings.filter((listing) => listing.status === 'active' || listing.status === 'sold_out');
  const ledger = (orgId: number, orderId: number | null, kind: Prisma.LedgerEntryCreateManyInput['kind'], amount: number, at: Date) =>
    out.ledgerEntries.push({ id: ids.next('ledger_entries'), orgId, orderId, kind, amount, currency: 'USD', createdAt: at });
  let failuresPlaced = 0;

  // ---- checkouts and their per-seller orders
  for (let c = 0; c < 150; c++) {
    const checkoutId = ids.next('checkouts');
    const paymentId = ids.next('payments');
    const buyerUserId = faker.helpers.arrayElement(parties.buyerUserIds);
    const buyerOrgId = userOrg.get(buyerUserId)!;
    const isRecent = c % 25 === 0;
    const createdMs = nowMs - (isRecent ? faker.number.int({ min: HOUR_MS / 2, max: 10 * HOUR_MS })
      : faker.number.int({ min: 12 * HOUR_MS, max: 90 * DAY_MS }));
    const created = new Date(createdMs);
    const ageDays = (nowMs - createdMs) / DAY_MS;
    const isPaymentFailed = c % 50 === 17;
    const isUnpaid = isRecent && c % 50 === 0;
    const sellers = faker.helpers.arrayElements(parties.sellerIds, rng.weighted([62, 30, 8]) + 1);
    let checkoutTotal = 0;
    let refunded = 0;

    for (const sellerOrgId of sellers) {
      const orderId = ids.next('orders');
      const options = sellable.filter((listing) => listing.sellerOrgId === sellerOrgId);
      let subtotal = 0;
      for (const listing of faker.helpers.arrayElements(options, rng.weighted([65, 25, 10]) + 1)) {
        const quantity = faker.datatype.boolean(0.85) ? 1 : faker.number.int({ min: 2, max: 3 });
        subtotal += listing.priceAmount * quantity;
        out.orderItems.push({ id: ids.next('order_items'), orderId, listingId: listing.id!, quantity, unitPriceAmount: listing.priceAmount });
      }
      const shippingCredit = 399 + 100 * faker.number.int(12);
      const total = subtotal + shippingCredit;
      checkoutTotal += total;
      let story = pickOrderStory({ rng, ageDays, isPaymentFailed, isUnpaid, createdMs, nowMs });
      // Spread a few of each failure over paid orders, so every fulfillment queue has entries.
      const canFail = story.isPaid && !story.refund && story.status !== 'cancelled' && ageDays > 2;
      if (canFail && failuresPlaced < 12 && out.orders.length % 7 === 3) {
        const failure = FAILURES[failuresPlaced++ % FAILURES.length];
        const status = failure === 'tracking_stale' ? 'shipped' : failure === 'delivered_not_received' ? 'delivered' : 'paid';
        story = { ...story, failure, status };
      }
      out.orders.push({
        id: orderId, checkoutId, sellerOrgId, buyerUserId, status: story.status, subtotalAmount: subtotal,
        shippingCreditAmount: shippingCredit, totalAmount: total, currency: 'USD', createdAt: created,
        cancelledAt: story.cancelledMs === null ? null : new Date(story.cancelledMs),
      });
      const plan = planShipment({ rng, story, shippingCredit, createdMs, nowMs });
      const shipmentId = ids.next('shipments');
      const carrier = CARRIERS[plan.carrier];
      out.shipments.push({
        id: shipmentId, orderId, carrier: carrier.name, trackingNumber: plan.hasTracking ? carrier.tracking(shipmentId) : null,
        status: plan.status, labelCostAmount: plan.labelCost, shippingCreditAmount: shippingCredit, currency: 'USD',
        failureKind: plan.failureKind, createdAt: created,
        shippedAt: plan.shippedMs === null ? null : new Date(plan.shippedMs),
        deliveredAt: plan.deliveredMs === null ? null : new Date(plan.deliveredMs),
        lastTrackingUpdateAt: plan.lastTrackingMs === null ? null : new Date(plan.lastTrackingMs),
      });
      out.allocations.push({ id: ids.next('payment_allocations'), paymentId, orderId, amount: total });
      if (story.isPaid) {
        ledger(sellerOrgId, orderId, 'sale', total, created);
        ledger(sellerOrgId, orderId, 'fee', -Math.round(subtotal * 0.1), created);
      }
      if (story.isPaid && story.refund) {
        const amount = story.refund.isFull ? total : Math.max(100, Math.round(subtotal * story.refund.share));
        const at = new Date(story.refund.atMs);
        refunded += amount;
        out.refunds.push({
          id: ids.next('refunds'), orderId, paymentId, providerRef: `re_${faker.string.alphanumeric(24)}`, amount,
          currency: 'USD', status: 'succeeded', reasonCode: story.refund.reasonCode, createdAt: at,
        });
        ledger(sellerOrgId, orderId, 'refund', -amount, at);
      }
      out.demoOrders.push({ id: orderId, paymentId, sellerOrgId, buyerUserId, buyerOrgId, total, createdMs, story });
    }

    out.payments.push({
      id: paymentId, checkoutId, provider: 'stripe', paymentIntentRef: `pi_${faker.string.alphanumeric(24)}`,
      chargeRef: isUnpaid ? null : `ch_${faker.string.alphanumeric(24)}`, amount: checkoutTotal, currency: 'USD',
      status: isPaymentFailed ? 'failed' : isUnpaid ? 'pending'
        : refunded >= checkoutTotal ? 'refunded' : refunded > 0 ? 'partially_refunded' : 'succeeded',
      createdAt: created,
    });
    out.checkouts.push({
      id: checkoutId, buyerUserId, buyerOrgId, totalAmount: checkoutTotal, currency: 'USD', createdAt: created,
      status: isPaymentFailed ? 'cancelled' : isUnpaid ? 'pending' : 'completed',
    });
  }

  buildPayouts({ faker, ids, parties, operatorIds, nowMs, out, ledger });
  return out;
}

// Weekly payouts per seller: three past (paid, one failed), one upcoming (held for risky sellers).
function buildPayouts({ faker, ids, parties, operatorIds, nowMs, out, ledger }: {
  faker: Faker; ids: IdAllocator; parties: DemoParties; operatorIds: number[]; nowMs: number; out: DemoCommerce;
  ledger: (orgId: number, orderId: number | null, kind: 'payout' | 'adjustment', amount: number, at: Date) => void;
}) {
  const hasOperators = operatorIds.length > 0;
  const heldSellers = new Set([parties.frozenSellerId, parties.sellerIds[6]]);
  for (const [s, sellerOrgId] of parties.sellerIds.entries()) {
    for (const weeksAhead of [-3, -2, -1, 0]) {
      const scheduledFor = new Date(nowMs + weeksAhead * 7 * DAY_MS + 2 * DAY_MS);
      const amount = faker.number.int({ min: 5_000, max: 400_000 });
      const isFailed = s === 9 && weeksAhead === -1;
      const status = weeksAhead < 0 ? (isFailed ? 'failed' : 'paid') : heldSellers.has(sellerOrgId) && hasOperators ? 'held' : 'scheduled';
      const id = ids.next('payouts');
      const paidAt = status === 'paid' ? new Date(scheduledFor.getTime() + 6 * HOUR_MS) : null;
      out.payouts.push({ id, sellerOrgId, amount, currency: 'USD', status, scheduledFor, paidAt, createdAt: new Date(scheduledFor.getTime() - 7 * DAY_MS) });
      if (paidAt) ledger(sellerOrgId, null, 'payout', -amount, paidAt);
      if (status === 'held' && sellerOrgId !== parties.frozenSellerId) {
        out.payoutHolds.push({
          id: ids.next('payout_holds'), payoutId: id, sellerOrgId, placedBy: operatorIds[0], placedAt: new Date(nowMs - 20 * HOUR_MS),
          reason: 'Velocity spike: 14 high-value orders from new buyers within 2 hours',
        });
      }
    }
  }
  ledger(parties.sellerIds[1], null, 'adjustment', 1_500, new Date(nowMs - 9 * DAY_MS));
  if (!hasOperators) return;
  // An org-wide hold on the frozen seller, and a hold that was placed and later released.
  out.payoutHolds.push({
    id: ids.next('payout_holds'), payoutId: null, sellerOrgId: parties.frozenSellerId, placedBy: operatorIds[0],
    placedAt: new Date(nowMs - 4 * DAY_MS), reason: 'Org frozen: chargeback rate above threshold',
  });
  out.payoutHolds.push({
    id: ids.next('payout_holds'), payoutId: null, sellerOrgId: parties.sellerIds[2], placedBy: operatorIds[0],
    placedAt: new Date(nowMs - 30 * DAY_MS), reason: 'Bank account changed twice in 24 hours',
    releasedAt: new Date(nowMs - 28 * DAY_MS), releasedBy: operatorIds[operatorIds.length - 1],
  });
}
