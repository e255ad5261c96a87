// Bench data made in bulk SQL (the ORM would take minutes for tens of thousands of orders): paid
// orders each with its own captured payment, as tests/support/commerce-fixtures.ts makes one, and
// active listings spread over a few sellers.
import type pg from 'pg';

/** `count` paid orders of `amount` USD cents, one checkout, payment and allocation each; their ids. */
export async function createPaidOrders(pool: pg.Pool, { count, amount }: { count: number; amount: number }): Promise<number[]> {
  const { rows: [{ seller, buyer_org: buyerOrg }] } = await pool.query(`
    WITH s AS (INSERT INTO organizations (kind, name) VALUES ('seller', 'Bench Seller') RETURNING id),
         b AS (INSERT INTO organizations (kind, name) VALUES ('buyer', 'Bench Buyer') RETURNING id)
    SELECT s.id AS seller, b.id AS buyer_org FROM s, b`);
  // The seller's staff account receives the refund notifications, as the seed's sellers have one.
  await pool.query(`INSERT INTO customer_users (email, name, organization_id) VALUES ('staff@seller.bench', 'Seller staff', $1)`, [seller]);
  const { rows: [{ id: buyer }] } = await pool.query(`INSERT INTO customer_users (email, name, organization_id) VALUES ('buyer@buyer.bench', 'Buyer', $1) RETURNING id`, [buyerOrg]);
  const { rows } = await pool.query<{ id: number }>(`
    WITH c AS (
      INSERT INTO checkouts (buyer_user_id, buyer_org_id, total_amount, currency, status)
      SELECT $1, $2, $4, 'USD', 'completed' FROM generate_series(1, $5) RETURNING id),
    o AS (
      INSERT INTO orders (checkout_id, seller_org_id, buyer_user_id, status, subtotal_amount, shipping_credit_amount, total_amount, currency)
      SELECT id, $3, $1, 'paid', $4, 0, $4, 'USD' FROM c RETURNING id, checkout_id),
    p AS (
      INSERT INTO payments (checkout_id, payment_intent_ref, charge_ref, amount, currency, status)
      SELECT id, 'pi_bench_' || id, 'ch_bench_' || id, $4, 'USD', 'succeeded' FROM c RETURNING id, checkout_id),
    a AS (
      INSERT INTO payment_allocations (payment_id, order_id, amount) SELECT p.id, o.id, $4 FROM p JOIN o USING (checkout_id)),
    l AS (
      INSERT INTO ledger_entries (org_id, order_id, kind, amount, currency) SELECT $3, o.id, 'sale', $4, 'USD' FROM o)
    SELECT id FROM o ORDER BY id`, [buyer, buyerOrg, seller, amount, count]);
  await pool.query('ANALYZE');
  return rows.map((r) => r.id);
}

/** `count` active listings over `sellers` seller organizations; their ids. */
export async function createListings(pool: pg.Pool, { count, sellers = 10 }: { count: number; sellers?: number }): Promise<number[]> {
  const { rows } = await pool.query<{ id: number }>(`
    WITH s AS (INSERT INTO organizations (kind, name) SELECT 'seller', 'Bench listing seller ' || g FROM generate_series(1, $2) g RETURNING id),
    ordered AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM s)
    INSERT INTO listings (seller_org_id, title, price_amount, currency, status)
    SELECT ordered.id, 'Bench listing ' || g, 1000 + g, 'USD', 'active' FROM generate_series(1, $1) g JOIN ordered ON ordered.k = g % $2
    RETURNING id`, [count, sellers]);
  await pool.query('ANALYZE listings');
  return rows.map((r) => r.id).sort((a, b) => a - b);
}
