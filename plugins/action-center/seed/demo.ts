// The Action Center's demo data: the recorded Shopify webhooks of two orders ingested through the
// same ingestion the webhook route uses, and a few tickets about them, so `npm start` shows the
// ticket page with a full order timeline.
import type { SeedContext } from '../../../src/platform/plugin.js';
import { createOrderIngestion } from '../orders/order-ingestion.js';
import { recordedWebhooks } from '../fixtures/recorded.js';

export async function seedDemo({ pool, log }: SeedContext): Promise<void> {
  const ingestion = createOrderIngestion({ pool });
  for (const order of ['order-1001', 'order-1002'] as const) {
    for (const delivery of recordedWebhooks(order)) await ingestion.ingestWebhook(delivery);
  }
  const { rows: [agent] } = await pool.query<{ id: number }>(
    `SELECT o.id FROM operators o JOIN operator_roles orl ON orl.operator_id = o.id JOIN roles r ON r.id = orl.role_id WHERE r.key = 'support_agent' ORDER BY o.id LIMIT 1`,
  );
  const hour = 3_600_000;
  const now = Date.now();
  const tickets = [
    { subject: 'Where is my gift-wrapped poster? (#1001)', status: 'open', assignee: agent?.id ?? null, order: '5500000001001', at: new Date(now - 2 * hour) },
    { subject: 'Refund not showing on card (#1001)', status: 'pending', assignee: null, order: '5500000001001', at: new Date(now - 30 * hour) },
    { subject: 'Change of delivery address (#1002)', status: 'open', assignee: null, order: '5500000001002', at: new Date(now - 5 * hour) },
    { subject: 'Invoice copy requested (#1002)', status: 'solved', assignee: agent?.id ?? null, order: '5500000001002', at: new Date(now - 72 * hour) },
  ];
  for (const t of tickets) {
    await pool.query(
      `INSERT INTO ac_tickets (subject, status, assignee_operator_id, order_id, created_at, updated_at)
       SELECT $1, $2, $3, id, $5, $5 FROM ac_orders WHERE shopify_id = $4`,
      [t.subject, t.status, t.assignee, t.order, t.at],
    );
  }
  // One earlier internal note on the first ticket, as if an agent had added it (demo data: no run).
  const { rows: [author] } = await pool.query<{ id: number }>('SELECT id FROM operators ORDER BY id LIMIT 1');
  if (author) {
    await pool.query(
      `INSERT INTO ac_tasks (ticket_id, title, external_ref, created_by_operator_id, created_at)
       SELECT id, 'Check the cancelled fulfillment with the carrier', 'TASK-DEMO0001', $1, $2 FROM ac_tickets ORDER BY id LIMIT 1`,
      [agent?.id ?? author.id, new Date(now - hour)],
    );
  }
  log.info({ tickets: tickets.length }, 'action center demo: 2 Shopify orders ingested from recorded webhooks, tickets opened');
}
