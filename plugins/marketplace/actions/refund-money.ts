// Refund computation shared by order.refund and order.cancel. A checkout's payment is split across
// its orders by allocations, so what an order can get back from a payment is its allocation minus
// the succeeded refunds already made for that order from that payment; only captured payments
// (succeeded, partially refunded) count. The payments are locked: sibling orders of one checkout
// share a payment, and its status depends on every refund made from it.
//
// Ledger double entry (one pair per refund row, so a refund's entries sum to zero):
//   seller org  -amount  kind refund  (the seller gives back what the sale credited it)
//   buyer org   +amount  kind refund  (the buyer's organization receives the money)
// The seed books a sale as +total on the seller and the marketplace fee as a separate seller
// debit; the fee is not reversed here, so a refund costs the seller the full amount, as the seed's
// refund rows do. Reversing the fee would be a policy change, and would need a platform account.
import { randomBytes } from 'node:crypto';
import type { Order } from '@prisma/client';
import { lockRows, type StepContext } from './action-support.js';

/** What one captured payment can still give back to the order. */
export type RefundablePart = { paymentId: number; remaining: number };

export type RefundPlan = {
  order: Order;
  buyerOrgId: number;
  parts: RefundablePart[];
  /** Still refundable before this refund, across the order's payments. */
  remaining: number;
};

export type IssuedRefund = { id: number; paymentId: number; providerRef: string; amount: number };

/** Reads (and locks the payments of) what the order can still be refunded. Call with the order locked. */
export async function loadRefundPlan(ctx: Pick<StepContext, 'tx'>, order: Order): Promise<RefundPlan> {
  const { tx } = ctx;
  const allocations = await tx.paymentAllocation.findMany({ where: { orderId: order.id }, select: { paymentId: true, amount: true } });
  const paymentIds = [...new Set(allocations.map((a) => a.paymentId))].sort((a, b) => a - b);
  await lockRows(tx, 'payments', paymentIds);
  const payments = await tx.payment.findMany({
    where: { id: { in: paymentIds }, status: { in: ['succeeded', 'partially_refunded'] }, currency: order.currency },
    orderBy: { id: 'asc' },
  });
  const refunded = await tx.refund.groupBy({ by: ['paymentId'], where: { orderId: order.id, status: 'succeeded' }, _sum: { amount: true } });
  const parts = payments.map((payment) => {
    const allocated = allocations.filter((a) => a.paymentId === payment.id).reduce((sum, a) => sum + a.amount, 0);
    const taken = refunded.find((r) => r.paymentId === payment.id)?._sum.amount ?? 0;
    return { paymentId: payment.id, remaining: Math.max(0, allocated - taken) };
  }).filter((part) => part.remaining > 0);
  const checkout = await tx.checkout.findUniqueOrThrow({ where: { id: order.checkoutId }, select: { buyerOrgId: true } });
  return { order, buyerOrgId: checkout.buyerOrgId, parts, remaining: parts.reduce((sum, p) => sum + p.remaining, 0) };
}

/**
 * Moves `amount` back to the buyer (oldest payment first): refund rows, payment statuses, the
 * ledger pair, and a RefundIssued event. The caller owns the order's status and notifications.
 */
export async function issueRefund(ctx: StepContext, { plan, amount }: { plan: RefundPlan; amount: number }): Promise<IssuedRefund[]> {
  const { tx } = ctx;
  const { order } = plan;
  const issued: IssuedRefund[] = [];
  let left = amount;
  for (const part of plan.parts) {
    if (left === 0) break;
    const take = Math.min(left, part.remaining);
    left -= take;
    // The provider call is simulated: the reference deployment records a succeeded Stripe refund.
    const refund = await tx.refund.create({
      data: {
        orderId: order.id, paymentId: part.paymentId, providerRef: `re_${randomBytes(12).toString('hex')}`,
        amount: take, currency: order.currency, status: 'succeeded', reasonCode: ctx.reasonCode, createdAt: ctx.now,
      },
    });
    ctx.changed({ entityType: 'refund', entityId: String(refund.id), before: null, after: refund });
    issued.push({ id: refund.id, paymentId: part.paymentId, providerRef: refund.providerRef, amount: take });

    // The payment's status counts every order's refunds, not only this one's.
    const before = await tx.payment.findUniqueOrThrow({ where: { id: part.paymentId } });
    const total = await tx.refund.aggregate({ where: { paymentId: part.paymentId, status: 'succeeded' }, _sum: { amount: true } });
    const status = (total._sum.amount ?? 0) >= before.amount ? 'refunded' : 'partially_refunded';
    if (status !== before.status) {
      const after = await tx.payment.update({ where: { id: part.paymentId }, data: { status } });
      ctx.changed({ entityType: 'payment', entityId: String(after.id), before, after });
    }

    for (const [orgId, signed] of [[order.sellerOrgId, -take], [plan.buyerOrgId, take]] as const) {
      const entry = await tx.ledgerEntry.create({
        data: { orgId, orderId: order.id, kind: 'refund', amount: signed, currency: order.currency, createdAt: ctx.now },
      });
      ctx.changed({ entityType: 'ledger_entry', entityId: String(entry.id), before: null, after: entry });
    }
  }
  if (left !== 0) throw new Error(`refund of ${amount} exceeds the plan for order ${order.id}`); // load checks this first

  ctx.emit({
    name: 'RefundIssued', entityType: 'order', entityId: String(order.id),
    payload: { orderId: order.id, amount, currency: order.currency, isFull: amount === plan.remaining, refunds: issued },
  });
  return issued;
}
