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
import type { LedgerEntry, Order, Payment, Refund } from '@prisma/client';
import type { ActionTarget, SqlTag } from '../../../src/actions/define-action.js';
import { notFound } from '../../../src/http/errors.js';
import { targetId, type StepContext } from './action-support.js';
import { ledgerEntryColumns, orderColumns, paymentColumns, refundColumns, withSqlText } from './sql-rows.js';

/** What one captured payment can still give back to the order. */
export type RefundablePart = {
  payment: Payment;
  remaining: number;
  /** Succeeded refunds of every order from this payment: with ours, they decide its status. */
  refundedTotal: number;
};

export type RefundPlan = {
  order: Order;
  buyerOrgId: number;
  parts: RefundablePart[];
  /** Still refundable before this refund, across the order's payments. */
  remaining: number;
};

export type IssuedRefund = { id: number; paymentId: number; providerRef: string; amount: number };

/** Locks the target order and reads it, with the buyer organization its refunds credit; or `notFound`. */
export async function lockOrder(sql: SqlTag, target: ActionTarget): Promise<{ order: Order; buyerOrgId: number }> {
  const [row] = await withSqlText(sql)<Order & { buyerOrgId: number }>`
    SELECT ${orderColumns('o')}, c.buyer_org_id AS "buyerOrgId" FROM orders o JOIN checkouts c ON c.id = o.checkout_id
    WHERE o.id = ${targetId(target)} FOR NO KEY UPDATE OF o`;
  if (row === undefined) throw notFound(`No ${target.type} ${target.id}.`);
  // The order as its audit entries show it: the model's fields only.
  const { buyerOrgId, ...order } = row;
  return { order, buyerOrgId };
}

/** What the order's payments hold, read by `readRefundables`; `refundPlan` makes the plan of it. */
export type Refundables = {
  payments: Payment[];
  sums: { paymentId: number; allocated: string; refundedToOrder: string; refundedTotal: string }[];
};

/**
 * Locks the payments the order has an allocation from and reads what each can still give back.
 * Both statements need only the order's id, so a caller sends them in the same round trip as
 * `lockOrder` (the pool pipelines them); PostgreSQL still runs them one after the other.
 */
export function readRefundables(sql: SqlTag, orderId: number): Promise<Refundables> {
  const tag = withSqlText(sql);
  // Every payment the order has an allocation from, captured or not, locked in id order.
  const payments = tag<Payment>`
    SELECT ${paymentColumns()} FROM payments WHERE id IN (SELECT payment_id FROM payment_allocations WHERE order_id = ${orderId})
    ORDER BY id FOR NO KEY UPDATE`;
  // The sums come in a statement of their own: one that waited for the locks above still reads
  // with the snapshot it started with, and would miss a sibling order's refund committed meanwhile.
  const sums = tag<Refundables['sums'][number]>`
    SELECT a.payment_id AS "paymentId", sum(a.amount) AS allocated,
      (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = a.payment_id AND r.order_id = ${orderId} AND r.status = 'succeeded') AS "refundedToOrder",
      (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.payment_id = a.payment_id AND r.status = 'succeeded') AS "refundedTotal"
    FROM payment_allocations a WHERE a.order_id = ${orderId} GROUP BY a.payment_id`;
  return Promise.all([payments, sums]).then(([p, s]) => ({ payments: p, sums: s }));
}

/** Locks the target order and its payments and reads what it can still be refunded: one round trip. */
export async function lockOrderForRefund(sql: SqlTag, target: ActionTarget): Promise<RefundPlan> {
  const [{ order, buyerOrgId }, refundables] = await Promise.all([lockOrder(sql, target), readRefundables(sql, targetId(target))]);
  return refundPlan({ order, buyerOrgId }, refundables);
}

/** The captured payments' parts still refundable to the order (read with the order and payments locked). */
export function refundPlan({ order, buyerOrgId }: { order: Order; buyerOrgId: number }, { payments, sums }: Refundables): RefundPlan {
  const parts = payments
    .filter((payment) => (payment.status === 'succeeded' || payment.status === 'partially_refunded') && payment.currency === order.currency)
    .map((payment) => {
      const sum = sums.find((s) => s.paymentId === payment.id)!;
      return { payment, remaining: Math.max(0, Number(sum.allocated) - Number(sum.refundedToOrder)), refundedTotal: Number(sum.refundedTotal) };
    })
    .filter((part) => part.remaining > 0);
  return { order, buyerOrgId, parts, remaining: parts.reduce((sum, p) => sum + p.remaining, 0) };
}

/**
 * Moves `amount` back to the buyer (oldest payment first): refund rows, payment statuses, the
 * ledger pair, and a RefundIssued event. The caller owns the order's status and notifications.
 * Each kind of row is written in one statement for all payments; the audit entries still come per
 * payment (refund, payment, ledger pair), in the order a reader of the log expects.
 */
export async function issueRefund(ctx: StepContext, { plan, amount }: { plan: RefundPlan; amount: number }): Promise<IssuedRefund[]> {
  const sql = withSqlText(ctx.sql);
  const { order } = plan;
  // ---- what each payment gives back
  const takes: { part: RefundablePart; take: number; providerRef: string }[] = [];
  let left = amount;
  for (const part of plan.parts) {
    if (left === 0) break;
    const take = Math.min(left, part.remaining);
    left -= take;
    // The provider call is simulated: the reference deployment records a succeeded Stripe refund.
    takes.push({ part, take, providerRef: `re_${randomBytes(12).toString('hex')}` });
  }
  if (left !== 0) throw new Error(`refund of ${amount} exceeds the plan for order ${order.id}`); // load checks this first

  // ---- payment statuses: the payment is locked, so what every order took from it is known
  const payments = takes.map(({ part, take }) => {
    const status: Payment['status'] = part.refundedTotal + take >= part.payment.amount ? 'refunded' : 'partially_refunded';
    return { before: part.payment, after: status === part.payment.status ? null : { ...part.payment, status } };
  });
  const changedPayments = payments.flatMap((p) => (p.after ? [p.after] : []));
  // ---- the ledger pairs: the seller gives back, the buyer's organization receives.
  const pairs = takes.flatMap(({ take }) => [[order.sellerOrgId, -take], [plan.buyerOrgId, take]]);

  // The three writes do not depend on each other: sent together, answered in one round trip.
  const [refunds, , entries] = await Promise.all([
    sql<Refund>`
      INSERT INTO refunds (order_id, payment_id, provider_ref, amount, currency, status, reason_code, created_at)
      SELECT ${order.id}::int, t.payment_id, t.provider_ref, t.amount, ${order.currency}::varchar, 'succeeded'::"RefundStatus", ${ctx.reasonCode}::varchar, ${ctx.now}::timestamptz
      FROM unnest(${takes.map((t) => t.part.payment.id)}::int[], ${takes.map((t) => t.providerRef)}::text[], ${takes.map((t) => t.take)}::int[])
        WITH ORDINALITY AS t(payment_id, provider_ref, amount, n)
      ORDER BY t.n
      RETURNING ${refundColumns()}`,
    changedPayments.length === 0 ? null : sql`
      UPDATE payments p SET status = t.status::"PaymentStatus"
      FROM unnest(${changedPayments.map((p) => p.id)}::int[], ${changedPayments.map((p) => p.status)}::text[]) AS t(id, status)
      WHERE p.id = t.id`,
    // Ids are drawn in insertion order (ORDER BY t.n), which is how each pair finds its payment below.
    sql<LedgerEntry>`
      INSERT INTO ledger_entries (org_id, order_id, kind, amount, currency, created_at)
      SELECT t.org_id, ${order.id}::int, 'refund'::"LedgerEntryKind", t.amount, ${order.currency}::varchar, ${ctx.now}::timestamptz
      FROM unnest(${pairs.map((p) => p[0])}::int[], ${pairs.map((p) => p[1])}::int[]) WITH ORDINALITY AS t(org_id, amount, n)
      ORDER BY t.n
      RETURNING ${ledgerEntryColumns()}`.then((rows) => rows.sort((a, b) => a.id - b.id)),
  ]);

  // ---- the audit entries, per payment
  const issued = takes.map(({ part, take, providerRef }, i) => {
    const refund = refunds.find((r) => r.providerRef === providerRef)!;
    ctx.changed({ entityType: 'refund', entityId: String(refund.id), before: null, after: refund });
    const payment = payments[i];
    if (payment.after) ctx.changed({ entityType: 'payment', entityId: String(part.payment.id), before: payment.before, after: payment.after });
    for (const entry of entries.slice(2 * i, 2 * i + 2)) ctx.changed({ entityType: 'ledger_entry', entityId: String(entry.id), before: null, after: entry });
    return { id: refund.id, paymentId: part.payment.id, providerRef, amount: take };
  });

  ctx.emit({
    name: 'RefundIssued', entityType: 'order', entityId: String(order.id),
    payload: { orderId: order.id, amount, currency: order.currency, isFull: amount === plan.remaining, refunds: issued },
  });
  return issued;
}
