// The shipping console's read model: carrier x status counts and four investigation queues, each a
// keyset-paginated read of a partial index made for it (migration 20261122110500_consoles_shipping).
// Nothing here counts or sorts the whole shipments table: at 10 million rows, a page is an index
// range read of limit + 1 entries, and the counts read small partial indexes or a recent window.
import type pg from 'pg';
import { decodeKey, keyPage, timeKeys } from '../../../src/http/keyset-cursor.js';

export const SHIPPING_QUEUES = ['label_purchase_failed', 'address_validation_failed', 'tracking_stale', 'delivered_not_received'] as const;
export type ShippingQueue = (typeof SHIPPING_QUEUES)[number];

export const QUEUE_TITLES: Record<ShippingQueue, string> = {
  label_purchase_failed: 'Label purchase failed',
  address_validation_failed: 'Address validation failed',
  tracking_stale: 'Tracking stale',
  delivered_not_received: 'Delivered but not received',
};

/** Statuses on the move: counted exactly (a partial index holds only them); the others over a window. */
const OPEN_STATUSES = ['label_purchased', 'in_transit', 'exception'];

export type QueueItem = {
  id: number;
  orderId: number;
  /** The order's status (whether anything may still change about its label). */
  orderStatus: string;
  carrier: string;
  trackingNumber: string | null;
  status: string;
  failureKind: string | null;
  labelCost: number | null;
  shippingCredit: number;
  currency: string;
  createdAt: string;
  shippedAt: string | null;
  deliveredAt: string | null;
  /** The last carrier event, or the ship (or creation) time before the first: what "stale" measures. */
  trackedAt: string;
  addressNote: string | null;
  /** A re-attempted label purchase is waiting for the carrier since then. */
  labelRequestedAt: string | null;
  openInvestigationId: number | null;
  /** The open not-received dispute that put the shipment in that queue, if any. */
  disputeId: number | null;
};

// The columns every queue returns; `s` is the shipment, `tracked` the stale-tracking key.
const TRACKED = `COALESCE(s.last_tracking_update_at, s.shipped_at, s.created_at)`;
const COLUMNS = `s.id, s.order_id AS "orderId", s.carrier, s.tracking_number AS "trackingNumber", s.status::text AS status,
  s.failure_kind::text AS "failureKind", s.label_cost_amount AS "labelCost", s.shipping_credit_amount AS "shippingCredit", s.currency,
  s.created_at AS "createdAt", s.shipped_at AS "shippedAt", s.delivered_at AS "deliveredAt", ${TRACKED} AS "trackedAt",
  s.address_note AS "addressNote", s.label_requested_at AS "labelRequestedAt",
  (SELECT o.status::text FROM orders o WHERE o.id = s.order_id) AS "orderStatus"`;
// The open investigation of each row of a page: the partial unique index, one probe per row.
const INVESTIGATION = `(SELECT i.id FROM shipment_investigations i WHERE i.shipment_id = s.id AND i.status = 'open') AS "openInvestigationId"`;
// The queue predicates, exactly as the partial indexes state them (so the planner can use them).
const FAILED = (kind: string) => `s.failure_kind = '${kind}'`;
const IN_FLIGHT = `s.status IN ('label_purchased', 'in_transit', 'exception') AND s.delivered_at IS NULL AND s.tracking_number IS NOT NULL`;
/** "Tracking stale", the one definition (the queue, its count, the dashboard's figure): `threshold` names the parameter holding now minus the stale hours. */
export const trackingStaleSql = (threshold: string) => `${IN_FLIGHT} AND ${TRACKED} < ${threshold}`;
const OPEN_NOT_RECEIVED = `d.kind = 'not_received' AND d.status IN ('open', 'awaiting_evidence', 'under_review')`;

type Row = Omit<QueueItem, 'createdAt' | 'shippedAt' | 'deliveredAt' | 'trackedAt' | 'labelRequestedAt'> & {
  createdAt: Date; shippedAt: Date | null; deliveredAt: Date | null; trackedAt: Date; labelRequestedAt: Date | null;
};
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const view = (r: Row): QueueItem => ({
  ...r, createdAt: r.createdAt.toISOString(), shippedAt: iso(r.shippedAt), deliveredAt: iso(r.deliveredAt), trackedAt: r.trackedAt.toISOString(), labelRequestedAt: iso(r.labelRequestedAt),
});

export type QueueQuery = { queue: ShippingQueue; carrier?: string; limit: number; cursor?: string; staleHours: number; now: Date };

export function createShippingReadModel({ pool }: { pool: pg.Pool }) {
  /** One page of a queue: newest first (stale tracking: stalest first), `limit + 1` rows read. */
  async function queuePage({ queue, carrier, limit, cursor, staleHours, now }: QueueQuery): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    const after = cursor ? decodeKey(cursor, timeKeys.int) : null;
    const values: unknown[] = [limit + 1];
    const param = (value: unknown) => `$${values.push(value)}`;
    const byCarrier = carrier ? ` AND s.carrier = ${param(carrier)}` : '';
    let sql: string;
    if (queue === 'tracking_stale') {
      const threshold = param(new Date(now.getTime() - staleHours * 3_600_000));
      const keyset = after ? ` AND (${TRACKED}, s.id) > (${param(after.at)}::timestamptz, ${param(after.id)}::int)` : '';
      sql = `SELECT ${COLUMNS}, ${INVESTIGATION}, NULL::int AS "disputeId" FROM shipments s
        WHERE ${IN_FLIGHT} AND ${TRACKED} < ${threshold}${byCarrier}${keyset} ORDER BY ${TRACKED}, s.id LIMIT $1`;
    } else {
      const keyset = after ? ` AND (s.created_at, s.id) < (${param(after.at)}::timestamptz, ${param(after.id)}::int)` : '';
      const flagged = `SELECT ${COLUMNS}, NULL::int AS "disputeId" FROM shipments s WHERE ${FAILED(queue)}${byCarrier}${keyset} ORDER BY s.created_at DESC, s.id DESC LIMIT $1`;
      // Delivered but not received: flagged on the shipment, or disputed by the buyer (an open
      // not_received dispute on its order while the carrier says delivered). Each source reads its
      // own partial index up to a page; the union keeps one row per shipment (the dispute's if any).
      const body = queue === 'delivered_not_received'
        ? `SELECT DISTINCT ON (u."createdAt", u.id) u.* FROM (
             (${flagged})
             UNION ALL
             (SELECT ${COLUMNS}, d.id AS "disputeId" FROM disputes d JOIN shipments s ON s.order_id = d.order_id AND s.status = 'delivered'
               WHERE ${OPEN_NOT_RECEIVED}${byCarrier}${keyset} ORDER BY s.created_at DESC, s.id DESC LIMIT $1)
           ) u ORDER BY u."createdAt" DESC, u.id DESC, u."disputeId" NULLS LAST LIMIT $1`
        : flagged;
      sql = `SELECT q.*, (SELECT i.id FROM shipment_investigations i WHERE i.shipment_id = q.id AND i.status = 'open') AS "openInvestigationId"
        FROM (${body}) q ORDER BY q."createdAt" DESC, q.id DESC`;
    }
    const { rows } = await pool.query<Row>(sql, values);
    const page = keyPage(rows, limit, (r) => [queue === 'tracking_stale' ? r.trackedAt : r.createdAt, r.id]);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  }

  /**
   * Carrier x status: exact for shipments on the move (a partial index), and for those waiting for
   * a label, delivered or returned, over the ones created in the last `days` (the status/created_at
   * index). Plus each queue's size, read from its own partial index.
   */
  async function summary({ days, staleHours, now }: { days: number; staleHours: number; now: Date }) {
    const since = new Date(now.getTime() - days * 86_400_000);
    const threshold = new Date(now.getTime() - staleHours * 3_600_000);
    const [counts, queues] = await Promise.all([
      pool.query<{ carrier: string; status: string; count: number; isWindowed: boolean }>(
        `SELECT carrier, status::text AS status, count(*)::int AS count, false AS "isWindowed" FROM shipments WHERE status IN ('label_purchased', 'in_transit', 'exception') GROUP BY 1, 2
         UNION ALL
         SELECT carrier, status::text, count(*)::int, true FROM shipments WHERE status IN ('label_pending', 'delivered', 'returned') AND created_at >= $1 GROUP BY 1, 2
         ORDER BY 1, 2`,
        [since],
      ),
      pool.query<{ label: number; address: number; stale: number; notReceived: number }>(
        `SELECT (SELECT count(*)::int FROM shipments s WHERE ${FAILED('label_purchase_failed')}) AS label,
                (SELECT count(*)::int FROM shipments s WHERE ${FAILED('address_validation_failed')}) AS address,
                (SELECT count(*)::int FROM shipments s WHERE ${IN_FLIGHT} AND ${TRACKED} < $1) AS stale,
                (SELECT count(*)::int FROM (SELECT s.id FROM shipments s WHERE ${FAILED('delivered_not_received')}
                   UNION SELECT s.id FROM disputes d JOIN shipments s ON s.order_id = d.order_id AND s.status = 'delivered' WHERE ${OPEN_NOT_RECEIVED}) n) AS "notReceived"`,
        [threshold],
      ),
    ]);
    const q = queues.rows[0];
    const sizes: Record<ShippingQueue, number> = {
      label_purchase_failed: q.label, address_validation_failed: q.address, tracking_stale: q.stale, delivered_not_received: q.notReceived,
    };
    return {
      openStatuses: OPEN_STATUSES,
      windowedSince: since.toISOString(),
      trackingStaleHours: staleHours,
      carriers: [...new Set(counts.rows.map((r) => r.carrier))].sort(),
      counts: counts.rows,
      queues: SHIPPING_QUEUES.map((queue) => ({ queue, title: QUEUE_TITLES[queue], count: sizes[queue] })),
    };
  }

  return { queuePage, summary };
}

export type ShippingReadModel = ReturnType<typeof createShippingReadModel>;
