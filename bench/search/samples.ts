// The queries bench/search times, sampled from the data itself: ids in the tables' ranges, and
// tracking numbers, payment and refund references, emails and names read from a block sample of
// their tables (TABLESAMPLE: no scan of 10 million rows to pick them). Partial queries are the
// start of a reference, a fragment of an email's local part, a word of an organization's name.
import type pg from 'pg';

export type Kind = {
  name: string;
  match: 'exact' | 'partial';
  /** `expand` of the search (links, events). */
  expand?: string;
  /** The type the first result should have. */
  expectType: string;
  queries: string[];
  /** The stock AdminJS search on the same values: its resource and the property it would search. */
  stock: { resource: string; property: string };
};

async function sample(pool: pg.Pool, sql: string, n: number): Promise<string[]> {
  const { rows } = await pool.query<{ v: string }>(sql, [n]);
  if (rows.length === 0) throw new Error(`bench: no sample from ${sql}`);
  return Array.from({ length: n }, (_, i) => rows[i % rows.length].v);
}

export async function sampleQueries(pool: pg.Pool, n: number): Promise<Kind[]> {
  const ids = (table: string) => sample(pool, `SELECT (1 + floor(random() * (SELECT max(id) FROM ${table})))::int::text AS v FROM generate_series(1, $1)`, n);
  const column = (table: string, col: string, percent = 0.05) =>
    sample(pool, `SELECT ${col} AS v FROM ${table} TABLESAMPLE SYSTEM (${percent}) WHERE ${col} IS NOT NULL LIMIT $1`, n);
  const [orderIds, tracking, intents, charges, refunds, emails, orgNames] = await Promise.all([
    ids('orders'),
    column('shipments', 'tracking_number'), column('payments', 'payment_intent_ref'), column('payments', 'charge_ref'),
    column('refunds', 'provider_ref', 0.5), column('customer_users', 'email', 2), column('organizations', 'name', 20),
  ]);
  const cut = (values: string[], length: number) => values.map((v) => v.slice(0, length));
  // "monroe.flatley.500060@formula.example" -> "flatley": a surname, shared by many customers.
  const emailWords = emails.map((e) => e.split('@')[0].split('.').find((w) => w.length >= 4 && !/\d/.test(w)) ?? e.slice(0, 5));
  const nameWords = orgNames.map((name) => name.split(/[ ,]+/).find((w) => w.length >= 4) ?? name.slice(0, 4));
  return [
    // Digits are looked up as every kind of id at once (order, checkout, customer, organization,
    // listing, case, dispute, operator) and as the start of a tracking number.
    { name: 'order id (all id lookups)', match: 'exact', expectType: 'order', queries: orderIds, stock: { resource: 'Order', property: 'id' } },
    { name: 'order id, expand=links', match: 'exact', expand: 'links', expectType: 'order', queries: orderIds.slice().reverse(), stock: { resource: 'Order', property: 'id' } },
    { name: 'tracking number', match: 'exact', expectType: 'shipment', queries: tracking, stock: { resource: 'Shipment', property: 'trackingNumber' } },
    { name: 'payment intent pi_', match: 'exact', expectType: 'payment', queries: intents, stock: { resource: 'Payment', property: 'paymentIntentRef' } },
    { name: 'charge ch_', match: 'exact', expectType: 'payment', queries: charges, stock: { resource: 'Payment', property: 'chargeRef' } },
    { name: 'refund re_', match: 'exact', expectType: 'refund', queries: refunds, stock: { resource: 'Refund', property: 'providerRef' } },
    { name: 'customer email', match: 'exact', expectType: 'customer_user', queries: emails, stock: { resource: 'CustomerUser', property: 'email' } },
    { name: 'tracking prefix (12 chars)', match: 'partial', expectType: 'shipment', queries: cut(tracking, 12), stock: { resource: 'Shipment', property: 'trackingNumber' } },
    { name: 'payment intent prefix (10 chars)', match: 'partial', expectType: 'payment', queries: cut(intents, 10), stock: { resource: 'Payment', property: 'paymentIntentRef' } },
    { name: 'email fragment (a surname)', match: 'partial', expectType: 'customer_user', queries: emailWords, stock: { resource: 'CustomerUser', property: 'email' } },
    { name: 'organization name word', match: 'partial', expectType: 'organization', queries: nameWords, stock: { resource: 'Organization', property: 'name' } },
  ];
}
