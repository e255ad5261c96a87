// The order timeline on the core's entity timeline (src/timeline/, docs/adr/0016): the projector
// follows ac_order_timeline_events by id; each event is about its cached Shopify order. Shopify's
// time is the event's `occurredAt` (often long before we saw it), so the gap wait uses the row's
// insertion time (`recordedAt`). Tickets and their tasks link to their order, so a task created
// through the runner (audited on the ticket) shows on the order's timeline too.
import type { SqlExecutor } from '../../../src/audit/types.js';
import type { PluginTimeline, TimelineLinkResolver, TimelineSource } from '../../../src/timeline/timeline-types.js';

export const ORDER_EVENTS_SOURCE = 'action-center.order-events';

export const orderEventsSource: TimelineSource = {
  id: ORDER_EVENTS_SOURCE,
  read: async (db: SqlExecutor, { after, upTo, limit }) => {
    const { rows } = await db.query(
      // Ordered by the bigint column, not the text alias (text order puts 10 before 2).
      `SELECT id::text AS id, order_id, type, occurred_at, created_at, data FROM ac_order_timeline_events
       WHERE id > $1::bigint AND ($2::bigint IS NULL OR id <= $2::bigint) ORDER BY ac_order_timeline_events.id LIMIT $3`,
      [after, upTo, limit],
    );
    return rows.map((r) => {
      const data = r.data as Record<string, unknown>;
      return {
        sourceId: String(r.id),
        subject: { type: 'shopify_order', id: String(r.order_id) },
        occurredAt: r.occurred_at as Date,
        recordedAt: r.created_at as Date,
        kind: `ShopifyOrder.${String(r.type)}`,
        actorOperatorId: typeof data.operatorId === 'number' ? data.operatorId : null,
        data,
      };
    });
  },
};

const intIds = (ids: string[]) => ids.filter((id) => /^\d{1,9}$/.test(id)).map(Number);

const toOrder = (sql: string): TimelineLinkResolver => async (db, ids) => {
  const keys = intIds(ids);
  if (keys.length === 0) return [];
  const { rows } = await db.query(sql, [keys]);
  return rows.map((r) => ({ id: String(r.id), type: 'shopify_order', linkedId: String(r.order_id) }));
};

export const actionCenterTimeline: PluginTimeline = {
  links: {
    ac_ticket: toOrder('SELECT id, order_id FROM ac_tickets WHERE id = ANY($1::int[]) AND order_id IS NOT NULL'),
    ac_task: toOrder('SELECT k.id, t.order_id FROM ac_tasks k JOIN ac_tickets t ON t.id = k.ticket_id WHERE k.id = ANY($1::int[]) AND t.order_id IS NOT NULL'),
  },
  subjects: { ac_task: { read: 'ac_ticket.read' } },
  sources: [orderEventsSource],
};
