// The marketplace's read models folded by the dashboard's minute job (src/dashboard/): seller
// balances from the ledger and seller activity per hour (orders, refunds, disputes). Triggers on the
// source tables append deltas (prisma/migrations/20261122110600_disputes_risk_dashboard); folding
// moves them into the models in one statement each: DELETE ... RETURNING takes only committed
// deltas, so one still in flight is folded by the next run, never lost or counted twice.
import type { ReadModelRefresh } from '../../../src/dashboard/dashboard-types.js';

/** How far back activity is kept: the velocity window (7 days) plus its 28-day baseline. */
export const ACTIVITY_RETENTION_HOURS = 35 * 24;

export const orgBalancesReadModel: ReadModelRefresh = {
  id: 'marketplace.org_balances',
  refresh: async (client, now) => {
    await client.query(
      `WITH moved AS (DELETE FROM read_models.org_balance_deltas RETURNING org_id, currency, amount, entries)
       INSERT INTO read_models.org_balances AS b (org_id, currency, balance, entries, updated_at)
       SELECT org_id, currency, sum(amount), sum(entries), $1 FROM moved GROUP BY org_id, currency
       ON CONFLICT (org_id, currency) DO UPDATE
         SET balance = b.balance + excluded.balance, entries = b.entries + excluded.entries, updated_at = excluded.updated_at`,
      [now],
    );
  },
};

export const sellerActivityReadModel: ReadModelRefresh = {
  id: 'marketplace.seller_activity',
  refresh: async (client, now) => {
    // Deltas older than the window (back-dated imports, the scale seed) are dropped with the fold.
    const cutoff = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - (ACTIVITY_RETENTION_HOURS - 1) * 3_600_000);
    await client.query(
      `WITH moved AS (DELETE FROM read_models.seller_activity_deltas RETURNING org_id, hour, orders, refunds, disputes)
       INSERT INTO read_models.seller_activity_hourly AS a (org_id, hour, orders, refunds, disputes)
       SELECT org_id, hour, sum(orders), sum(refunds), sum(disputes) FROM moved WHERE hour >= $1 GROUP BY org_id, hour
       ON CONFLICT (org_id, hour) DO UPDATE
         SET orders = a.orders + excluded.orders, refunds = a.refunds + excluded.refunds, disputes = a.disputes + excluded.disputes`,
      [cutoff],
    );
    await client.query('DELETE FROM read_models.seller_activity_hourly WHERE hour < $1', [cutoff]);
  },
};

export const MARKETPLACE_READ_MODELS: ReadModelRefresh[] = [orgBalancesReadModel, sellerActivityReadModel];
