// Shipments by tracking number, payments by Stripe payment intent (`pi_`) or charge (`ch_`), refunds
// by the provider's refund reference (`re_`): exact on their unique indexes, and by prefix on the
// same btrees (the database's C collation lets LIKE 'q%' use them).
import type { SearchSource } from '../../../src/search/search-types.js';
import { prefixedRef, trackingNumber, trackingPrefix } from '../../../src/search/identifier-shapes.js';
import { day, line, money, rowOf, rowsOf } from './present.js';
import { related } from './order-sources.js';

export const shipmentSource: SearchSource = {
  type: 'shipment',
  model: 'Shipment',
  label: 'Shipments',
  identifiers: [{ name: 'tracking_number', field: 'trackingNumber', shape: trackingNumber, partial: 'prefix', partialShape: trackingPrefix }],
  present: (row) => ({
    title: `${String(row.carrier).toUpperCase()} ${String(row.trackingNumber ?? `shipment #${String(row.id)}`)}`,
    summary: line(row.status, row.failureKind, `order #${String(row.orderId)}`, day(row.createdAt)),
  }),
  include: { order: true },
  related: (row) => related('order', 'order', rowOf(row.order)),
};

export const paymentSource: SearchSource = {
  type: 'payment',
  model: 'Payment',
  label: 'Payments',
  identifiers: [
    { name: 'payment_intent', field: 'paymentIntentRef', shape: prefixedRef('pi_'), partial: 'prefix' },
    { name: 'charge', field: 'chargeRef', shape: prefixedRef('ch_'), partial: 'prefix' },
  ],
  present: (row) => ({ title: String(row.paymentIntentRef), summary: line(row.status, money(row.amount, row.currency), row.chargeRef, day(row.createdAt)) }),
  include: { checkout: true, refunds: { take: 10, orderBy: { id: 'desc' } } },
  related: (row) => [...related('checkout', 'checkout', rowOf(row.checkout)), ...related('refund', 'refund', rowsOf(row.refunds))],
};

export const refundSource: SearchSource = {
  type: 'refund',
  model: 'Refund',
  label: 'Refunds',
  identifiers: [{ name: 'refund_ref', field: 'providerRef', shape: prefixedRef('re_'), partial: 'prefix' }],
  present: (row) => ({ title: String(row.providerRef), summary: line(row.status, money(row.amount, row.currency), row.reasonCode, day(row.createdAt)) }),
  include: { order: true, payment: true },
  related: (row) => [...related('order', 'order', rowOf(row.order)), ...related('payment', 'payment', rowOf(row.payment))],
};
