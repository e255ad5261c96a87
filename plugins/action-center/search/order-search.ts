// Cached Shopify orders in the omnibox: by order name (`#1001`), by Shopify's numeric id and by its
// GraphQL id (`gid://shopify/Order/5500000001001`), each an exact lookup on a unique or btree index.
import type { SearchSource } from '../../../src/search/search-types.js';
import { defineShape } from '../../../src/search/identifier-shapes.js';

/** `#1001`: Shopify's order name (a store's prefix may differ; the default is `#`). */
export const shopifyOrderName = defineShape({ name: 'shopify_order_name', test: (q) => /^#\d{1,12}$/.test(q) });

/** Shopify's numeric order id: long (Shopify ids are 10 digits and more), so never a serial key. */
export const shopifyOrderId = defineShape({ name: 'shopify_order_id', test: (q) => /^\d{10,20}$/.test(q) });

export const shopifyOrderGid = defineShape({
  name: 'shopify_order_gid',
  test: (q) => /^gid:\/\/shopify\/Order\/\d{1,20}$/.test(q),
  value: (q) => q.slice('gid://shopify/Order/'.length),
});

const money = (amount: unknown, currency: unknown) => `${(Number(amount) / 100).toFixed(2)} ${String(currency)}`;

export const shopifyOrderSource: SearchSource = {
  type: 'shopify_order',
  model: 'ShopifyOrder',
  label: 'Shopify orders',
  identifiers: [
    { name: 'name', field: 'name', shape: shopifyOrderName },
    { name: 'shopify_id', field: 'shopifyId', shape: shopifyOrderId },
    { name: 'gid', field: 'shopifyId', shape: shopifyOrderGid },
  ],
  present: (row) => ({
    title: `Shopify order ${String(row.name)}`,
    summary: [row.financialStatus, row.fulfillmentStatus, money(row.totalAmount, row.currency)].join(' · '),
  }),
  include: { tickets: { take: 10, orderBy: { id: 'desc' } } },
  related: (row) => ((row.tickets as Record<string, unknown>[] | undefined) ?? []).map((t) => ({ relation: 'ticket', type: 'ac_ticket', row: t })),
};

export const ticketSource: SearchSource = {
  type: 'ac_ticket',
  model: 'ActionCenterTicket',
  label: 'Action Center tickets',
  identifiers: [],
  present: (row) => ({ title: `Ticket ${String(row.id)}: ${String(row.subject)}`, summary: String(row.status) }),
};
