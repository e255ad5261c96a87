// The order timeline's events, derived from an order's state. Each event's key comes from Shopify's
// own ids and values (a refund id, the financial status reached, a hash of the note), never from
// when we saw it: the same state seen again (a re-delivered webhook, a refresh) yields the same
// keys, which the table's unique (order_id, event_key) turns into no new rows.
import { createHash } from 'node:crypto';
import type { OrderDocument } from '../shopify/order-document.js';

export type OrderEvent = { key: string; type: string; occurredAt: Date; data: Record<string, unknown> };

/** The event types the Action Center records (the timeline's legend and the demo's proof of coverage). */
export const ORDER_EVENT_TYPES = [
  'order_created', 'payment_authorized', 'partially_paid', 'paid', 'partially_refunded', 'payment_voided', 'refunded',
  'fulfillment_created', 'partially_fulfilled', 'fulfilled', 'fulfillment_cancelled', 'cancelled',
  'note_added', 'tags_changed', 'address_changed', 'risk_assessed', 'task_created',
] as const;

const FINANCIAL: Record<string, string> = {
  authorized: 'payment_authorized', partially_paid: 'partially_paid', paid: 'paid',
  partially_refunded: 'partially_refunded', voided: 'payment_voided',
};
const FULFILLMENT: Record<string, string> = { partial: 'partially_fulfilled', fulfilled: 'fulfilled' };

// Keys sorted: an address read back from the snapshot's jsonb has its keys in jsonb's order, not ours.
const canonical = (value: unknown): unknown =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]))
    : Array.isArray(value) ? value.map(canonical) : value;
const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex').slice(0, 16);

/**
 * The events an order state implies. `previousAddress` is the address of the snapshot we held
 * before (null for the first one): a different address now is an address change.
 */
export function orderEvents(doc: OrderDocument, { previousAddress }: { previousAddress: unknown }): OrderEvent[] {
  const events: OrderEvent[] = [{ key: 'created', type: 'order_created', occurredAt: doc.createdAt, data: { name: doc.name, total: doc.total, currency: doc.currency } }];
  const financial = FINANCIAL[doc.financialStatus];
  if (financial) events.push({ key: `financial:${doc.financialStatus}`, type: financial, occurredAt: doc.updatedAt, data: { financialStatus: doc.financialStatus } });
  const fulfillment = FULFILLMENT[doc.fulfillmentStatus];
  if (fulfillment) events.push({ key: `fulfillment_status:${doc.fulfillmentStatus}`, type: fulfillment, occurredAt: doc.updatedAt, data: { fulfillmentStatus: doc.fulfillmentStatus } });
  for (const f of doc.fulfillments) events.push(...fulfillmentEvents(f));
  for (const r of doc.refunds) events.push(refundEvent(r, doc.currency));
  if (doc.cancelledAt) events.push({ key: 'cancelled', type: 'cancelled', occurredAt: doc.cancelledAt, data: { reason: doc.cancelReason } });
  if (doc.note) events.push({ key: `note:${digest(doc.note)}`, type: 'note_added', occurredAt: doc.updatedAt, data: { note: doc.note } });
  if (doc.tags.length) events.push({ key: `tags:${digest(doc.tags)}`, type: 'tags_changed', occurredAt: doc.updatedAt, data: { tags: doc.tags } });
  if (previousAddress && doc.shippingAddress && digest(previousAddress) !== digest(doc.shippingAddress)) {
    events.push({ key: `address:${digest(doc.shippingAddress)}`, type: 'address_changed', occurredAt: doc.updatedAt, data: { from: previousAddress, to: doc.shippingAddress } });
  }
  if (doc.risk) events.push({ key: `risk:${doc.risk.level}:${doc.risk.recommendation}`, type: 'risk_assessed', occurredAt: doc.updatedAt, data: doc.risk });
  return events;
}

/** A fulfillment (in an order, or a fulfillments/* webhook): created, and cancelled if it was. */
export function fulfillmentEvents(f: { id: string; status: string; at: Date }): OrderEvent[] {
  const created: OrderEvent = { key: `fulfillment:${f.id}`, type: 'fulfillment_created', occurredAt: f.at, data: { fulfillmentId: f.id } };
  return f.status === 'cancelled'
    ? [created, { key: `fulfillment:${f.id}:cancelled`, type: 'fulfillment_cancelled', occurredAt: f.at, data: { fulfillmentId: f.id } }]
    : [created];
}

export const refundEvent = (r: { id: string; at: Date; amount: number }, currency: string): OrderEvent =>
  ({ key: `refund:${r.id}`, type: 'refunded', occurredAt: r.at, data: { refundId: r.id, amount: { amount: r.amount, currency } } });
