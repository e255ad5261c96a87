// The Action Center's screens as data: the ticket list (filters status, assignee, age; newest
// first, keyset-paginated) and one ticket with everything support needs on one screen: the order
// context from our cached snapshot, the order timeline, the ticket's tasks. Nothing here calls
// Shopify: the cache is the source of truth.
import type pg from 'pg';
import { decodeKey, keyPage, timeKeys } from '../../../src/http/keyset-cursor.js';

export type TicketFilters = { status?: string; assignee?: number | 'me' | 'none'; minAgeHours?: number; maxAgeHours?: number; limit: number; cursor?: string };

type TicketRow = { id: number; subject: string; status: string; assigneeOperatorId: number | null; assigneeEmail: string | null; orderId: number | null; orderName: string | null; createdAt: Date };

const TICKET_COLUMNS = `t.id, t.subject, t.status, t.assignee_operator_id AS "assigneeOperatorId", op.email AS "assigneeEmail",
  t.order_id AS "orderId", o.name AS "orderName", t.created_at AS "createdAt"`;

const view = (row: TicketRow, now: Date) => ({ ...row, createdAt: row.createdAt.toISOString(), ageHours: Math.floor((now.getTime() - row.createdAt.getTime()) / 3_600_000) });

export function createTicketReadModel({ pool }: { pool: pg.Pool }) {
  async function list({ filters, operatorId, now = new Date() }: { filters: TicketFilters; operatorId: number; now?: Date }) {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (v: unknown) => `$${values.push(v)}`;
    if (filters.status) where.push(`t.status = ${param(filters.status)}`);
    if (filters.assignee === 'none') where.push('t.assignee_operator_id IS NULL');
    else if (filters.assignee !== undefined) where.push(`t.assignee_operator_id = ${param(filters.assignee === 'me' ? operatorId : filters.assignee)}`);
    // Age: a ticket at least minAgeHours old was created at or before now - minAgeHours.
    if (filters.minAgeHours !== undefined) where.push(`t.created_at <= ${param(new Date(now.getTime() - filters.minAgeHours * 3_600_000))}`);
    if (filters.maxAgeHours !== undefined) where.push(`t.created_at >= ${param(new Date(now.getTime() - filters.maxAgeHours * 3_600_000))}`);
    if (filters.cursor) {
      const { at, id } = decodeKey(filters.cursor, timeKeys.int);
      where.push(`(t.created_at, t.id) < (${param(at)}, ${param(id)})`);
    }
    const { rows } = await pool.query<TicketRow>(
      `SELECT ${TICKET_COLUMNS} FROM ac_tickets t LEFT JOIN operators op ON op.id = t.assignee_operator_id LEFT JOIN ac_orders o ON o.id = t.order_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.created_at DESC, t.id DESC LIMIT ${param(filters.limit + 1)}`,
      values,
    );
    const page = keyPage(rows, filters.limit, (r) => [r.createdAt, r.id]);
    return { items: page.items.map((r) => view(r, now)), nextCursor: page.nextCursor };
  }

  async function detail({ id, now = new Date() }: { id: number; now?: Date }) {
    const { rows: [ticket] } = await pool.query<TicketRow>(
      `SELECT ${TICKET_COLUMNS} FROM ac_tickets t LEFT JOIN operators op ON op.id = t.assignee_operator_id LEFT JOIN ac_orders o ON o.id = t.order_id WHERE t.id = $1`, [id],
    );
    if (!ticket) return null;
    const [order, tasks] = await Promise.all([
      ticket.orderId === null ? null : orderPanel(ticket.orderId),
      pool.query(`SELECT id, title, body, external_ref AS "externalRef", created_by_operator_id AS "createdByOperatorId", run_id AS "runId", created_at AS "createdAt"
                  FROM ac_tasks WHERE ticket_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100`, [id]).then((r) => r.rows),
    ]);
    return { ticket: view(ticket, now), order, tasks };
  }

  /** The order context panel and the order's timeline (newest first, the latest 200 events). */
  async function orderPanel(orderId: number) {
    const [{ rows: [order] }, { rows: timeline }] = await Promise.all([
      pool.query(
        `SELECT o.id, o.shopify_id AS "shopifyId", o.name, o.currency, o.total_amount AS "totalAmount", o.financial_status AS "financialStatus",
                o.fulfillment_status AS "fulfillmentStatus", o.shopify_created_at AS "createdAt", o.shopify_updated_at AS "updatedAt",
                s.context, s.source AS "snapshotSource", s.captured_at AS "snapshotCapturedAt"
         FROM ac_orders o LEFT JOIN ac_order_context_snapshots s ON s.order_id = o.id WHERE o.id = $1`, [orderId],
      ),
      pool.query(
        `SELECT id::text, type, occurred_at AS "occurredAt", data FROM ac_order_timeline_events WHERE order_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 200`, [orderId],
      ),
    ]);
    return order ? { ...order, timeline } : null;
  }

  return { list, detail, orderPanel };
}
