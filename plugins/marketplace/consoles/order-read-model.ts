// The order/checkout console's read model: a checkout with its orders per seller, each order's
// items, shipments (shipping credit against label cost), payment allocations, refunds, disputes,
// support cases and investigations, assembled by ONE statement (JSON built in PostgreSQL), whatever
// the number of orders: no N+1. Every part is an index lookup by checkout or order id (the
// *_checkout_id_idx and *_order_id_idx indexes); see bench/consoles for the plans at 10M orders.
import type pg from 'pg';
import { notFound } from '../../../src/http/errors.js';

export type Money = number;

export type ShipmentView = {
  id: number; carrier: string; trackingNumber: string | null; status: string; failureKind: string | null;
  labelCost: Money | null; shippingCredit: Money; currency: string;
  /** Credit minus label cost; null until a label is bought. Positive: the buyer paid more than the label cost. */
  difference: Money | null;
  shippedAt: string | null; deliveredAt: string | null; lastTrackingUpdateAt: string | null; openInvestigationId: number | null;
  /** A re-attempted label purchase waiting for the carrier since then. */
  labelRequestedAt: string | null;
};

export type OrderView = {
  id: number; status: string; currency: string; createdAt: string; cancelledAt: string | null;
  /** The order's non-fulfilment workflow stage (notified, cancelled, ...), null when it has none. */
  nonFulfilmentStage: string | null;
  seller: { orgId: number; name: string; status: string };
  subtotal: Money; shippingCredit: Money; total: Money;
  items: { id: number; listingId: number; title: string; quantity: number; unitPrice: Money; lineTotal: Money }[];
  shipments: ShipmentView[];
  allocations: { id: number; paymentId: number; amount: Money }[];
  refunds: { id: number; paymentId: number; providerRef: string; amount: Money; status: string; reasonCode: string; createdAt: string }[];
  disputes: { id: number; kind: string; status: string; slaDueAt: string; resolution: string | null }[];
  supportCases: { id: number; subject: string; status: string; priority: string }[];
  /** Sums over this order's rows (succeeded refunds only). */
  totals: { allocated: Money; refunded: Money; labelCost: Money; shippingCreditOfLabelled: Money; shippingDifference: Money; unlabelledShipments: number };
};

export type CheckoutConsoleView = {
  checkout: { id: number; status: string; total: Money; currency: string; createdAt: string; buyer: { userId: number; orgId: number; orgName: string } };
  payments: { id: number; provider: string; paymentIntentRef: string; chargeRef: string | null; amount: Money; status: string; createdAt: string }[];
  orders: OrderView[];
  totals: { ordersTotal: Money; paid: Money; allocated: Money; refunded: Money; shippingCredit: Money; labelCost: Money; shippingDifference: Money };
};

// One round trip: the checkout row, its payments, and its orders with everything hanging off them.
// The order ids come from orders_checkout_id_idx; each array below is a lookup by order id.
const CHECKOUT_SQL = `
WITH o AS (SELECT * FROM orders WHERE checkout_id = $1)
SELECT json_build_object(
  'checkout', (SELECT json_build_object('id', c.id, 'status', c.status, 'total', c.total_amount, 'currency', c.currency, 'createdAt', c.created_at,
                 'buyer', json_build_object('userId', c.buyer_user_id, 'orgId', c.buyer_org_id, 'orgName', bo.name))
               FROM checkouts c JOIN organizations bo ON bo.id = c.buyer_org_id WHERE c.id = $1),
  'payments', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'provider', p.provider, 'paymentIntentRef', p.payment_intent_ref, 'chargeRef', p.charge_ref,
                 'amount', p.amount, 'status', p.status, 'createdAt', p.created_at) ORDER BY p.id), '[]') FROM payments p WHERE p.checkout_id = $1),
  'orders', (SELECT coalesce(json_agg(json_build_object(
      'id', o.id, 'status', o.status, 'currency', o.currency, 'createdAt', o.created_at, 'cancelledAt', o.cancelled_at,
      'nonFulfilmentStage', (SELECT nf.stage FROM order_non_fulfilments nf WHERE nf.order_id = o.id),
      'seller', (SELECT json_build_object('orgId', so.id, 'name', so.name, 'status', so.status) FROM organizations so WHERE so.id = o.seller_org_id),
      'subtotal', o.subtotal_amount, 'shippingCredit', o.shipping_credit_amount, 'total', o.total_amount,
      'items', (SELECT coalesce(json_agg(json_build_object('id', i.id, 'listingId', i.listing_id, 'title', l.title, 'quantity', i.quantity,
                  'unitPrice', i.unit_price_amount, 'lineTotal', i.quantity * i.unit_price_amount) ORDER BY i.id), '[]')
                FROM order_items i JOIN listings l ON l.id = i.listing_id WHERE i.order_id = o.id),
      'shipments', (SELECT coalesce(json_agg(json_build_object('id', s.id, 'carrier', s.carrier, 'trackingNumber', s.tracking_number, 'status', s.status,
                  'failureKind', s.failure_kind, 'labelCost', s.label_cost_amount, 'shippingCredit', s.shipping_credit_amount, 'currency', s.currency,
                  'difference', s.shipping_credit_amount - s.label_cost_amount, 'shippedAt', s.shipped_at, 'deliveredAt', s.delivered_at,
                  'lastTrackingUpdateAt', s.last_tracking_update_at, 'labelRequestedAt', s.label_requested_at,
                  'openInvestigationId', (SELECT inv.id FROM shipment_investigations inv WHERE inv.shipment_id = s.id AND inv.status = 'open')) ORDER BY s.id), '[]')
                FROM shipments s WHERE s.order_id = o.id),
      'allocations', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'paymentId', a.payment_id, 'amount', a.amount) ORDER BY a.id), '[]')
                FROM payment_allocations a WHERE a.order_id = o.id),
      'refunds', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'paymentId', r.payment_id, 'providerRef', r.provider_ref, 'amount', r.amount,
                  'status', r.status, 'reasonCode', r.reason_code, 'createdAt', r.created_at) ORDER BY r.id), '[]') FROM refunds r WHERE r.order_id = o.id),
      'disputes', (SELECT coalesce(json_agg(json_build_object('id', d.id, 'kind', d.kind, 'status', d.status, 'slaDueAt', d.sla_due_at,
                  'resolution', d.resolution) ORDER BY d.id), '[]') FROM disputes d WHERE d.order_id = o.id),
      'supportCases', (SELECT coalesce(json_agg(json_build_object('id', sc.id, 'subject', sc.subject, 'status', sc.status, 'priority', sc.priority) ORDER BY sc.id), '[]')
                FROM support_cases sc WHERE sc.order_id = o.id)
    ) ORDER BY o.id), '[]') FROM o)
) AS console`;

const sum = <T>(rows: T[], of: (row: T) => number) => rows.reduce((total, row) => total + of(row), 0);

/** The per-order and checkout totals: derived here from the rows above, so they cannot disagree with them. */
function withTotals(raw: Omit<CheckoutConsoleView, 'totals' | 'orders'> & { orders: Omit<OrderView, 'totals'>[] }): CheckoutConsoleView {
  const orders: OrderView[] = raw.orders.map((order) => {
    const labelled = order.shipments.filter((s) => s.labelCost !== null);
    const labelCost = sum(labelled, (s) => s.labelCost!);
    const shippingCreditOfLabelled = sum(labelled, (s) => s.shippingCredit);
    return {
      ...order,
      totals: {
        allocated: sum(order.allocations, (a) => a.amount),
        refunded: sum(order.refunds.filter((r) => r.status === 'succeeded'), (r) => r.amount),
        labelCost,
        shippingCreditOfLabelled,
        shippingDifference: shippingCreditOfLabelled - labelCost,
        unlabelledShipments: order.shipments.length - labelled.length,
      },
    };
  });
  return {
    ...raw,
    orders,
    totals: {
      ordersTotal: sum(orders, (o) => o.total),
      paid: sum(raw.payments.filter((p) => ['succeeded', 'partially_refunded', 'refunded'].includes(p.status)), (p) => p.amount),
      allocated: sum(orders, (o) => o.totals.allocated),
      refunded: sum(orders, (o) => o.totals.refunded),
      shippingCredit: sum(orders, (o) => o.shippingCredit),
      labelCost: sum(orders, (o) => o.totals.labelCost),
      shippingDifference: sum(orders, (o) => o.totals.shippingDifference),
    },
  };
}

export function createOrderReadModel({ pool }: { pool: pg.Pool }) {
  async function checkout(checkoutId: number): Promise<CheckoutConsoleView> {
    const { rows } = await pool.query<{ console: Omit<CheckoutConsoleView, 'totals' | 'orders'> & { orders: Omit<OrderView, 'totals'>[] } }>(CHECKOUT_SQL, [checkoutId]);
    const raw = rows[0]?.console;
    if (!raw?.checkout) throw notFound(`No checkout ${checkoutId}.`);
    return withTotals(raw);
  }

  /** The console of the checkout an order belongs to (one primary-key lookup first). */
  async function checkoutOfOrder(orderId: number): Promise<CheckoutConsoleView & { focusOrderId: number }> {
    const { rows } = await pool.query<{ checkoutId: number }>('SELECT checkout_id AS "checkoutId" FROM orders WHERE id = $1', [orderId]);
    if (!rows[0]) throw notFound(`No order ${orderId}.`);
    return { ...(await checkout(rows[0].checkoutId)), focusOrderId: orderId };
  }

  return { checkout, checkoutOfOrder, sql: CHECKOUT_SQL };
}

export type OrderReadModel = ReturnType<typeof createOrderReadModel>;
