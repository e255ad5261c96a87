// A checkout built for the console tests with amounts chosen by hand, so every number the order
// console shows can be checked against arithmetic written in the test:
//   order A (seller 1): 2 x 15.00 + 1 x 25.00 = 55.00, shipping credit 8.99, total 63.99;
//     shipment A1 ups delivered, credit 5.00, label 7.00 (-2.00); A2 usps in transit, credit 3.99, label 4.50 (-0.51);
//     refunds: 10.00 succeeded, 5.00 failed; an open not_received dispute.
//   order B (seller 2): 1 x 100.00, shipping credit 5.99, total 105.99; shipment B1 fedex with no
//     label (label purchase failed); a support case.
//   one payment of 169.98, partially refunded, allocated 63.99 + 105.99.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.js';

export type ConsoleCheckout = {
  checkoutId: number; orderA: number; orderB: number; shipmentA1: number; shipmentA2: number; shipmentB1: number;
  paymentId: number; disputeId: number; supportCaseId: number; sellerOrgIds: [number, number];
};

const HOUR = 3_600_000;

export async function createConsoleCheckout(db: Database, { now = Date.now() } = {}): Promise<ConsoleCheckout> {
  const tag = randomBytes(4).toString('hex');
  const p = db.prisma;
  const [seller1, seller2, buyerOrg] = await Promise.all([
    p.organization.create({ data: { kind: 'seller', name: `Seller one ${tag}` } }),
    p.organization.create({ data: { kind: 'seller', name: `Seller two ${tag}` } }),
    p.organization.create({ data: { kind: 'buyer', name: `Buyer ${tag}` } }),
  ]);
  const buyer = await p.customerUser.create({ data: { email: `buyer-${tag}@example.test`, name: 'Buyer', organizationId: buyerOrg.id } });
  const [cards, sleeve, box] = await Promise.all([
    p.listing.create({ data: { sellerOrgId: seller1.id, title: `Cards ${tag}`, priceAmount: 1500, currency: 'USD', status: 'active' } }),
    p.listing.create({ data: { sellerOrgId: seller1.id, title: `Sleeve ${tag}`, priceAmount: 2500, currency: 'USD', status: 'active' } }),
    p.listing.create({ data: { sellerOrgId: seller2.id, title: `Box ${tag}`, priceAmount: 10000, currency: 'USD', status: 'active' } }),
  ]);
  const checkout = await p.checkout.create({ data: { buyerUserId: buyer.id, buyerOrgId: buyerOrg.id, totalAmount: 16998, currency: 'USD', status: 'completed' } });
  const order = (sellerOrgId: number, subtotal: number, credit: number, status: 'shipped' | 'paid') => p.order.create({
    data: { checkoutId: checkout.id, sellerOrgId, buyerUserId: buyer.id, status, subtotalAmount: subtotal, shippingCreditAmount: credit, totalAmount: subtotal + credit, currency: 'USD' },
  });
  const orderA = await order(seller1.id, 5500, 899, 'shipped');
  const orderB = await order(seller2.id, 10000, 599, 'paid');
  await p.orderItem.createMany({ data: [
    { orderId: orderA.id, listingId: cards.id, quantity: 2, unitPriceAmount: 1500 },
    { orderId: orderA.id, listingId: sleeve.id, quantity: 1, unitPriceAmount: 2500 },
    { orderId: orderB.id, listingId: box.id, quantity: 1, unitPriceAmount: 10000 },
  ] });
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR);
  const a1 = await p.shipment.create({ data: {
    orderId: orderA.id, carrier: 'ups', trackingNumber: `1ZA1${tag.toUpperCase()}`, status: 'delivered', labelCostAmount: 700, shippingCreditAmount: 500,
    currency: 'USD', shippedAt: at(100), deliveredAt: at(50), lastTrackingUpdateAt: at(50), createdAt: at(110),
  } });
  const a2 = await p.shipment.create({ data: {
    orderId: orderA.id, carrier: 'usps', trackingNumber: `9400A2${tag.toUpperCase()}`, status: 'in_transit', labelCostAmount: 450, shippingCreditAmount: 399,
    currency: 'USD', shippedAt: at(30), lastTrackingUpdateAt: at(2), createdAt: at(40),
  } });
  const b1 = await p.shipment.create({ data: {
    orderId: orderB.id, carrier: 'fedex', status: 'label_pending', shippingCreditAmount: 599, currency: 'USD', failureKind: 'label_purchase_failed', createdAt: at(20),
  } });
  const payment = await p.payment.create({ data: { checkoutId: checkout.id, paymentIntentRef: `pi_${tag}`, chargeRef: `ch_${tag}`, amount: 16998, currency: 'USD', status: 'partially_refunded' } });
  await p.paymentAllocation.createMany({ data: [{ paymentId: payment.id, orderId: orderA.id, amount: 6399 }, { paymentId: payment.id, orderId: orderB.id, amount: 10599 }] });
  await p.refund.createMany({ data: [
    { orderId: orderA.id, paymentId: payment.id, providerRef: `re_ok_${tag}`, amount: 1000, currency: 'USD', status: 'succeeded', reasonCode: 'partial_damage' },
    { orderId: orderA.id, paymentId: payment.id, providerRef: `re_failed_${tag}`, amount: 500, currency: 'USD', status: 'failed', reasonCode: 'goodwill' },
  ] });
  const dispute = await p.dispute.create({ data: { orderId: orderA.id, kind: 'not_received', status: 'open', slaDueAt: at(-48) } });
  const supportCase = await p.supportCase.create({ data: { subject: `Where is my box ${tag}`, orderId: orderB.id, slaFirstResponseDueAt: at(-24) } });
  return {
    checkoutId: checkout.id, orderA: orderA.id, orderB: orderB.id, shipmentA1: a1.id, shipmentA2: a2.id, shipmentB1: b1.id,
    paymentId: payment.id, disputeId: dispute.id, supportCaseId: supportCase.id, sellerOrgIds: [seller1.id, seller2.id],
  };
}
