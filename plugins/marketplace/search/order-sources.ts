// Orders and checkouts by id, with what support follows from an order: its checkout and payment,
// shipments, refunds, buyer, seller organization, disputes and support cases. Related lists are
// bounded: an order has a handful of each.
import type { RelatedRow, SearchSource } from '../../../src/search/search-types.js';
import { integerId } from '../../../src/search/identifier-shapes.js';
import { day, line, money, rowOf, rowsOf } from './present.js';

const FEW = { take: 10, orderBy: { id: 'desc' } } as const;

const related = (relation: string, type: string, rows: Record<string, unknown>[]): RelatedRow[] => rows.map((row) => ({ relation, type, row }));

export const orderSource: SearchSource = {
  type: 'order',
  model: 'Order',
  label: 'Orders',
  identifiers: [{ name: 'id', field: 'id', shape: integerId }],
  present: (row) => ({ title: `Order #${String(row.id)}`, summary: line(row.status, money(row.totalAmount, row.currency), day(row.createdAt)) }),
  include: {
    checkout: { include: { payments: FEW } },
    shipments: FEW,
    refunds: FEW,
    buyerUser: true,
    sellerOrg: true,
    disputes: FEW,
    supportCases: FEW,
  },
  related: (row) => {
    const checkout = row.checkout as Record<string, unknown> | undefined;
    return [
      ...related('checkout', 'checkout', rowOf(checkout)),
      ...related('payment', 'payment', rowsOf(checkout?.payments)),
      ...related('shipment', 'shipment', rowsOf(row.shipments)),
      ...related('refund', 'refund', rowsOf(row.refunds)),
      ...related('buyer', 'customer_user', rowOf(row.buyerUser)),
      ...related('seller', 'organization', rowOf(row.sellerOrg)),
      ...related('dispute', 'dispute', rowsOf(row.disputes)),
      ...related('support_case', 'support_case', rowsOf(row.supportCases)),
    ];
  },
};

export const checkoutSource: SearchSource = {
  type: 'checkout',
  model: 'Checkout',
  label: 'Checkouts',
  identifiers: [{ name: 'id', field: 'id', shape: integerId }],
  present: (row) => ({ title: `Checkout #${String(row.id)}`, summary: line(row.status, money(row.totalAmount, row.currency), day(row.createdAt)) }),
  include: { orders: FEW, payments: FEW, buyerUser: true, buyerOrg: true },
  related: (row) => [
    ...related('order', 'order', rowsOf(row.orders)),
    ...related('payment', 'payment', rowsOf(row.payments)),
    ...related('buyer', 'customer_user', rowOf(row.buyerUser)),
    ...related('buyer_org', 'organization', rowOf(row.buyerOrg)),
  ],
};

export { related };
