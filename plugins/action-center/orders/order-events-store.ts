// Appending to the order timeline (ac_order_timeline_events): by key, so an event already there
// is not added again. Used by ingestion (a pg client) and by actions (their transaction's `sql`).
// Known keys are filtered out BEFORE the insert, so a re-delivery takes no id from the sequence:
// the entity timeline follows this table by id (timeline/order-events-source.ts), and every gap
// there is a wait for a transaction that might still commit.
import type { SqlTag } from '../../../src/actions/define-action.js';
import type { OrderEvent } from './order-events.js';

const recordset = (events: OrderEvent[]) => JSON.stringify(events.map((e) => ({ key: e.key, type: e.type, at: e.occurredAt.toISOString(), data: e.data })));

/** Appends the events not yet on the order's timeline; returns how many were new. */
export async function appendEvents(sql: SqlTag, orderId: number, events: OrderEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await sql<{ id: string }>`
    INSERT INTO ac_order_timeline_events (order_id, event_key, type, occurred_at, data)
    SELECT ${orderId}, e.key, e.type, e.at, e.data FROM jsonb_to_recordset(${recordset(events)}::jsonb) AS e(key text, type text, at timestamptz, data jsonb)
    WHERE NOT EXISTS (SELECT 1 FROM ac_order_timeline_events x WHERE x.order_id = ${orderId} AND x.event_key = e.key)
    ON CONFLICT (order_id, event_key) DO NOTHING RETURNING id`;
  return rows.length;
}
