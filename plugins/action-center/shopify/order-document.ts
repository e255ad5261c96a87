// One shape for a Shopify order, whichever way it reached us: a webhook's REST payload
// (orders/create, orders/updated, orders/paid, ...) or the Admin GraphQL API's `order` query. The
// cache, the context snapshot and the timeline are computed from this shape only, so a webhook and
// a refresh of the same order state give the same rows.
type Json = Record<string, any>;

export type OrderDocument = {
  shopifyId: string;
  name: string;
  email: string | null;
  customer: { id: string | null; name: string | null; email: string | null } | null;
  currency: string;
  /** Minor units. */
  total: number;
  financialStatus: string;
  fulfillmentStatus: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  note: string | null;
  tags: string[];
  shippingAddress: Record<string, string | null> | null;
  fulfillments: { id: string; status: string; at: Date }[];
  refunds: { id: string; at: Date; amount: number }[];
  transactions: { id: string; kind: string; status: string; amount: number; at: Date }[];
  fulfillmentOrders: { id: string; status: string }[];
  risk: { level: string; recommendation: string | null } | null;
};

/** A decimal money string ("123.45") in minor units. */
export const minor = (amount: unknown): number => Math.round(Number(amount ?? 0) * 100);

/** The number at the end of a GraphQL gid (gid://shopify/Order/123 → 123), or the id as given. */
export const legacyId = (id: unknown): string => String(id).replace(/^gid:\/\/shopify\/\w+\//, '');

const tagsOf = (tags: unknown): string[] =>
  (Array.isArray(tags) ? tags : String(tags ?? '').split(',')).map((t) => String(t).trim()).filter(Boolean).sort();

const address = (a: Json | null | undefined) => a ? {
  address1: a.address1 ?? null, city: a.city ?? null, zip: a.zip ?? null,
  country: a.country_code ?? a.countryCodeV2 ?? null, name: a.name ?? null,
} : null;

const fullName = (first: unknown, last: unknown) => [first, last].filter(Boolean).join(' ') || null;

/** A REST order payload as webhooks send it. */
export function fromRestOrder(o: Json): OrderDocument {
  return {
    shopifyId: String(o.id),
    name: String(o.name),
    email: o.email ?? null,
    customer: o.customer ? { id: o.customer.id ? String(o.customer.id) : null, name: fullName(o.customer.first_name, o.customer.last_name), email: o.customer.email ?? null } : null,
    currency: String(o.currency),
    total: minor(o.total_price),
    financialStatus: String(o.financial_status ?? 'pending'),
    fulfillmentStatus: o.fulfillment_status ?? 'unfulfilled',
    createdAt: new Date(o.created_at),
    updatedAt: new Date(o.updated_at),
    cancelledAt: o.cancelled_at ? new Date(o.cancelled_at) : null,
    cancelReason: o.cancel_reason ?? null,
    note: o.note || null,
    tags: tagsOf(o.tags),
    shippingAddress: address(o.shipping_address),
    fulfillments: (o.fulfillments ?? []).map((f: Json) => ({ id: String(f.id), status: String(f.status), at: new Date(f.updated_at ?? f.created_at) })),
    refunds: (o.refunds ?? []).map(restRefund),
    transactions: [],
    fulfillmentOrders: [],
    risk: null,
  };
}

export const restRefund = (r: Json) => ({
  id: String(r.id),
  at: new Date(r.created_at),
  amount: (r.transactions ?? []).reduce((sum: number, t: Json) => sum + minor(t.amount), 0),
});

const GRAPHQL_FULFILLMENT: Record<string, string> = { FULFILLED: 'fulfilled', PARTIALLY_FULFILLED: 'partial', UNFULFILLED: 'unfulfilled', RESTOCKED: 'restocked' };

/** The Admin GraphQL API's `order` (the query in admin-graphql.ts). */
export function fromGraphqlOrder(o: Json): OrderDocument {
  const money = (set: Json | null | undefined) => minor(set?.shopMoney?.amount);
  return {
    shopifyId: legacyId(o.id),
    name: String(o.name),
    email: o.email ?? null,
    customer: o.customer ? { id: legacyId(o.customer.id), name: fullName(o.customer.firstName, o.customer.lastName), email: o.customer.email ?? null } : null,
    currency: String(o.totalPriceSet?.shopMoney?.currencyCode ?? o.currencyCode),
    total: money(o.totalPriceSet),
    financialStatus: String(o.displayFinancialStatus ?? 'PENDING').toLowerCase(),
    fulfillmentStatus: GRAPHQL_FULFILLMENT[o.displayFulfillmentStatus] ?? String(o.displayFulfillmentStatus ?? 'unfulfilled').toLowerCase(),
    createdAt: new Date(o.createdAt),
    updatedAt: new Date(o.updatedAt),
    cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    cancelReason: o.cancelReason ? String(o.cancelReason).toLowerCase() : null,
    note: o.note || null,
    tags: tagsOf(o.tags),
    shippingAddress: address(o.shippingAddress),
    fulfillments: (o.fulfillments ?? []).map((f: Json) => ({ id: legacyId(f.id), status: String(f.status).toLowerCase(), at: new Date(f.updatedAt ?? f.createdAt) })),
    refunds: (o.refunds ?? []).map((r: Json) => ({ id: legacyId(r.id), at: new Date(r.createdAt), amount: money(r.totalRefundedSet) })),
    transactions: (o.transactions ?? []).map((t: Json) => ({ id: legacyId(t.id), kind: String(t.kind).toLowerCase(), status: String(t.status).toLowerCase(), amount: money(t.amountSet), at: new Date(t.processedAt ?? t.createdAt) })),
    fulfillmentOrders: (o.fulfillmentOrders?.nodes ?? []).map((f: Json) => ({ id: legacyId(f.id), status: String(f.status).toLowerCase() })),
    risk: o.risk?.assessments?.length ? { level: String(o.risk.assessments[0].riskLevel).toLowerCase(), recommendation: o.risk.recommendation ? String(o.risk.recommendation).toLowerCase() : null } : null,
  };
}

/** What the ticket's order context panel shows (the snapshot's `context`). */
export function orderContext(doc: OrderDocument) {
  const paid = doc.transactions.filter((t) => t.status === 'success' && (t.kind === 'sale' || t.kind === 'capture')).reduce((s, t) => s + t.amount, 0);
  const refunded = doc.refunds.reduce((s, r) => s + r.amount, 0);
  return {
    customer: { name: doc.customer?.name ?? null, email: doc.customer?.email ?? doc.email, shopifyCustomerId: doc.customer?.id ?? null },
    totals: { total: { amount: doc.total, currency: doc.currency }, refunded: { amount: refunded, currency: doc.currency }, ...(doc.transactions.length ? { captured: { amount: paid, currency: doc.currency } } : {}) },
    payment: { status: doc.financialStatus, transactions: doc.transactions.length },
    fulfillment: {
      status: doc.fulfillmentStatus,
      fulfillments: doc.fulfillments.length,
      cancelledFulfillments: doc.fulfillments.filter((f) => f.status === 'cancelled').length,
      fulfillmentOrders: doc.fulfillmentOrders,
    },
    shippingAddress: doc.shippingAddress,
    cancelled: doc.cancelledAt ? { at: doc.cancelledAt.toISOString(), reason: doc.cancelReason } : null,
    note: doc.note,
    tags: doc.tags,
    risk: doc.risk,
  };
}
