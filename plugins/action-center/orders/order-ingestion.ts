// Ingestion into our cache, the Action Center's source of truth (the UI never calls Shopify live).
// One transaction per delivery: the delivery id is claimed first (a re-delivered webhook stops
// there and changes nothing), the order row and its context snapshot move forward only (an older
// state arriving late never overwrites a newer one), and timeline events are appended by key.
import type pg from 'pg';
import { fromRestOrder, orderContext, restRefund, type OrderDocument } from '../shopify/order-document.js';
import { fulfillmentEvents, orderEvents, refundEvent, type OrderEvent } from './order-events.js';
import { appendEvents } from './order-events-store.js';
import { sqlTag } from '../../../src/actions/action-runner.js';
import { inTransaction as withTransaction } from '../../../src/db/transaction-scope.js';

export type IngestResult =
  | { status: 'ingested'; orderId: number; newEvents: number }
  | { status: 'duplicate' }
  | { status: 'order_not_cached'; shopifyId: string };

type Client = pg.PoolClient;

async function upsertOrder(client: Client, doc: OrderDocument, source: string): Promise<{ orderId: number; newEvents: number }> {
  await client.query(
    `INSERT INTO ac_orders (shopify_id, name, email, customer_name, currency, total_amount, financial_status, fulfillment_status, cancelled_at, shopify_created_at, shopify_updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (shopify_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, customer_name = EXCLUDED.customer_name, currency = EXCLUDED.currency,
       total_amount = EXCLUDED.total_amount, financial_status = EXCLUDED.financial_status, fulfillment_status = EXCLUDED.fulfillment_status,
       cancelled_at = EXCLUDED.cancelled_at, shopify_updated_at = EXCLUDED.shopify_updated_at, ingested_at = now()
     WHERE ac_orders.shopify_updated_at < EXCLUDED.shopify_updated_at`,
    [doc.shopifyId, doc.name, doc.email, doc.customer?.name ?? null, doc.currency, doc.total, doc.financialStatus, doc.fulfillmentStatus, doc.cancelledAt, doc.createdAt, doc.updatedAt],
  );
  const { rows: [order] } = await client.query<{ id: number }>('SELECT id FROM ac_orders WHERE shopify_id = $1 FOR UPDATE', [doc.shopifyId]);
  const { rows: [previous] } = await client.query<{ address: unknown; updatedAt: Date }>(
    `SELECT context->'shippingAddress' AS address, shopify_updated_at AS "updatedAt" FROM ac_order_context_snapshots WHERE order_id = $1`, [order.id],
  );
  const isNewer = !previous || previous.updatedAt.getTime() < doc.updatedAt.getTime();
  if (isNewer) {
    await client.query(
      `INSERT INTO ac_order_context_snapshots (order_id, shopify_updated_at, source, context) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO UPDATE SET shopify_updated_at = EXCLUDED.shopify_updated_at, source = EXCLUDED.source, context = EXCLUDED.context, captured_at = now()`,
      [order.id, doc.updatedAt, source, JSON.stringify(orderContext(doc))],
    );
  }
  // An address differing from an OLDER snapshot's is a change; compared with a newer one it is not.
  const newEvents = await appendEvents(sqlTag(client), order.id, orderEvents(doc, { previousAddress: isNewer ? previous?.address ?? null : null }));
  return { orderId: order.id, newEvents };
}

/** Events of a webhook that carries a part of an order (a fulfillment, a refund), not the order. */
async function appendPartEvents(client: Client, shopifyId: string, events: (currency: string) => OrderEvent[]): Promise<IngestResult> {
  const { rows: [order] } = await client.query<{ id: number; currency: string }>('SELECT id, currency FROM ac_orders WHERE shopify_id = $1 FOR UPDATE', [shopifyId]);
  // Not cached yet: the order's own webhook or a refresh brings the fulfillment and refund with it.
  if (!order) return { status: 'order_not_cached', shopifyId };
  return { status: 'ingested', orderId: order.id, newEvents: await appendEvents(sqlTag(client), order.id, events(order.currency)) };
}

export function createOrderIngestion({ pool }: { pool: pg.Pool }) {
  const inTransaction = <T,>(work: (client: Client) => Promise<T>) => withTransaction(pool, work);

  /** One verified webhook delivery (`X-Shopify-Webhook-Id`, `X-Shopify-Topic`, the parsed body). */
  async function ingestWebhook({ webhookId, topic, payload }: { webhookId: string; topic: string; payload: Record<string, any> }): Promise<IngestResult> {
    return inTransaction(async (client) => {
      const shopifyId = String(topic.startsWith('orders/') ? payload.id : payload.order_id ?? '');
      const { rowCount } = await client.query(
        'INSERT INTO ac_webhook_deliveries (webhook_id, topic, shopify_id) VALUES ($1, $2, $3) ON CONFLICT (webhook_id) DO NOTHING', [webhookId, topic, shopifyId || null],
      );
      if (rowCount === 0) return { status: 'duplicate' } as const;
      if (topic.startsWith('orders/')) {
        return { status: 'ingested', ...(await upsertOrder(client, fromRestOrder(payload), `webhook:${topic}`)) } as const;
      }
      if (topic.startsWith('fulfillments/')) {
        return appendPartEvents(client, shopifyId, () => fulfillmentEvents({ id: String(payload.id), status: String(payload.status), at: new Date(payload.updated_at ?? payload.created_at) }));
      }
      // refunds/create
      return appendPartEvents(client, shopifyId, (currency) => [refundEvent(restRefund(payload), currency)]);
    });
  }

  /**
   * An order as the Admin GraphQL API answered it (a refresh). `alongside` runs in the same
   * transaction (the operator's audit row: the cache change and its record commit together).
   */
  async function ingestDocument({ doc, source, alongside }: { doc: OrderDocument; source: string; alongside?: (client: Client, result: { orderId: number; newEvents: number }) => Promise<void> }) {
    return inTransaction(async (client) => {
      const result = await upsertOrder(client, doc, source);
      await alongside?.(client, result);
      return result;
    });
  }

  return { ingestWebhook, ingestDocument };
}

export type OrderIngestion = ReturnType<typeof createOrderIngestion>;

/** The webhook topics ingested; others are acknowledged and ignored. */
export const INGESTED_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/partially_fulfilled', 'orders/fulfilled', 'orders/cancelled', 'fulfillments/create', 'fulfillments/update', 'refunds/create'];
