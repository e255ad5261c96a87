// Marketplace records for action tests: a paid order with its captured payment, made directly in
// the database (the demo seed is not in test databases). Every call makes fresh parties, so tests
// in one file do not share state.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.js';

export type PaidOrder = { orderId: number; paymentId: number; buyerUserId: number; buyerOrgId: number; sellerOrgId: number; amount: number };

export async function createPaidOrder(db: Database, { amount = 25_000, currency = 'USD', shipped = false } = {}): Promise<PaidOrder> {
  const tag = randomBytes(4).toString('hex');
  const seller = await db.prisma.organization.create({ data: { kind: 'seller', name: `Seller ${tag}` } });
  await db.prisma.customerUser.create({ data: { email: `seller-${tag}@example.test`, name: `Seller staff ${tag}`, organizationId: seller.id } });
  const buyerOrg = await db.prisma.organization.create({ data: { kind: 'buyer', name: `Buyer ${tag}` } });
  const buyer = await db.prisma.customerUser.create({ data: { email: `buyer-${tag}@example.test`, name: `Buyer ${tag}`, organizationId: buyerOrg.id } });
  const checkout = await db.prisma.checkout.create({ data: { buyerUserId: buyer.id, buyerOrgId: buyerOrg.id, totalAmount: amount, currency, status: 'completed' } });
  const order = await db.prisma.order.create({
    data: {
      checkoutId: checkout.id, sellerOrgId: seller.id, buyerUserId: buyer.id, status: shipped ? 'shipped' : 'paid',
      subtotalAmount: amount, shippingCreditAmount: 0, totalAmount: amount, currency,
    },
  });
  if (shipped) {
    await db.prisma.shipment.create({ data: { orderId: order.id, carrier: 'ups', trackingNumber: `1Z${tag}`, status: 'in_transit', shippingCreditAmount: 0, currency, shippedAt: new Date() } });
  }
  const payment = await db.prisma.payment.create({
    data: { checkoutId: checkout.id, paymentIntentRef: `pi_${tag}`, chargeRef: `ch_${tag}`, amount, currency, status: 'succeeded' },
  });
  await db.prisma.paymentAllocation.create({ data: { paymentId: payment.id, orderId: order.id, amount } });
  await db.prisma.ledgerEntry.create({ data: { orgId: seller.id, orderId: order.id, kind: 'sale', amount, currency } });
  return { orderId: order.id, paymentId: payment.id, buyerUserId: buyer.id, buyerOrgId: buyerOrg.id, sellerOrgId: seller.id, amount };
}
