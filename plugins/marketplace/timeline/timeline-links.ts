// Which entities an entry about a marketplace subject also belongs on: an order's entries reach
// its seller, buyer (user and organization) and payments; a refund's or a shipment's reach its
// order and the order's parties; a listing's and a payout's reach the seller. Links point from a
// thing to those it concerns, never down to every child: an organization's freeze stays on the
// organization, it is not copied onto its million orders. Ledger entries are left out: each
// refund writes two, and the refund's own entries already tell the story. One statement per
// subject type per projector batch.
import type { SqlExecutor } from '../../../src/audit/types.js';
import type { TimelineLinkResolver } from '../../../src/timeline/timeline-types.js';

type LinkRow = { id: string; type: string; linkedId: string };

// Subjects are named by text ids; the marketplace's keys are integers, anything else names nothing.
const intIds = (ids: string[]) => ids.filter((id) => /^\d{1,10}$/.test(id) && Number(id) <= 2_147_483_647).map(Number);

/** A resolver running `sql` with the subjects' integer ids as $1; it answers `id, type, linked_id` rows. */
const resolver = (sql: string): TimelineLinkResolver => async (db: SqlExecutor, ids: string[]): Promise<LinkRow[]> => {
  const keys = intIds(ids);
  if (keys.length === 0) return [];
  const { rows } = await db.query(sql, [keys]);
  return rows.map((r) => ({ id: String(r.id), type: String(r.type), linkedId: String(r.linked_id) }));
};

// The order and its parties, for subjects given as `subjects(id, order_id)`.
const ORDER_PARTIES = `
  SELECT s.id::text AS id, x.type, x.linked_id FROM subjects s
  JOIN orders o ON o.id = s.order_id JOIN checkouts c ON c.id = o.checkout_id
  CROSS JOIN LATERAL (VALUES ('order', o.id::text), ('organization', o.seller_org_id::text),
    ('customer_user', o.buyer_user_id::text), ('organization', c.buyer_org_id::text)) AS x(type, linked_id)`;

const orderLinks = resolver(`
  WITH subjects AS (SELECT id, id AS order_id FROM orders WHERE id = ANY($1::int[]))
  ${ORDER_PARTIES}
  UNION ALL
  SELECT o.id::text, 'payment', p.id::text FROM orders o JOIN payments p ON p.checkout_id = o.checkout_id WHERE o.id = ANY($1::int[])`);

const refundLinks = resolver(`
  WITH subjects AS (SELECT id, order_id, payment_id FROM refunds WHERE id = ANY($1::int[]))
  ${ORDER_PARTIES}
  UNION ALL
  SELECT s.id::text, 'payment', s.payment_id::text FROM subjects s`);

const shipmentLinks = resolver(`
  WITH subjects AS (SELECT id, order_id FROM shipments WHERE id = ANY($1::int[]))
  ${ORDER_PARTIES}`);

// A payment is the buyer's: its changes reach the buyer, not every seller of the checkout.
const paymentLinks = resolver(`
  SELECT p.id::text AS id, x.type, x.linked_id FROM payments p JOIN checkouts c ON c.id = p.checkout_id
  CROSS JOIN LATERAL (VALUES ('customer_user', c.buyer_user_id::text), ('organization', c.buyer_org_id::text)) AS x(type, linked_id)
  WHERE p.id = ANY($1::int[])`);

const customerUserLinks = resolver(`SELECT id::text AS id, 'organization' AS type, organization_id::text AS linked_id FROM customer_users WHERE id = ANY($1::int[])`);
const listingLinks = resolver(`SELECT id::text AS id, 'organization' AS type, seller_org_id::text AS linked_id FROM listings WHERE id = ANY($1::int[])`);
const payoutLinks = resolver(`SELECT id::text AS id, 'organization' AS type, seller_org_id::text AS linked_id FROM payouts WHERE id = ANY($1::int[])`);

const payoutHoldLinks = resolver(`
  SELECT h.id::text AS id, x.type, x.linked_id FROM payout_holds h
  CROSS JOIN LATERAL (VALUES ('organization', h.seller_org_id::text), ('payout', h.payout_id::text)) AS x(type, linked_id)
  WHERE h.id = ANY($1::int[]) AND x.linked_id IS NOT NULL`);

// A risk flag belongs on what it flags and on that thing's organization.
const riskFlagLinks = resolver(`
  SELECT f.id::text AS id, x.type, x.linked_id FROM risk_flags f
  CROSS JOIN LATERAL (VALUES (f.entity_type::text, f.entity_id), ('organization', f.org_id::text)) AS x(type, linked_id)
  WHERE f.id = ANY($1::int[]) AND x.linked_id IS NOT NULL`);

// A support case (its notes, its edits) belongs on the order, organization and customer it is about.
const supportCaseLinks = resolver(`
  SELECT c.id::text AS id, x.type, x.linked_id FROM support_cases c
  CROSS JOIN LATERAL (VALUES ('order', c.order_id::text), ('organization', c.organization_id::text), ('customer_user', c.customer_user_id::text)) AS x(type, linked_id)
  WHERE c.id = ANY($1::int[]) AND x.linked_id IS NOT NULL`);

/** By subject type: the action runner's entity types, and model names where backoffice writes log those. */
export const MARKETPLACE_TIMELINE_LINKS: Record<string, TimelineLinkResolver> = {
  order: orderLinks,
  refund: refundLinks,
  shipment: shipmentLinks,
  Shipment: shipmentLinks,
  payment: paymentLinks,
  customer_user: customerUserLinks,
  listing: listingLinks,
  payout: payoutLinks,
  payout_hold: payoutHoldLinks,
  risk_flag: riskFlagLinks,
  support_case: supportCaseLinks,
  SupportCase: supportCaseLinks,
};
