// POST /api/action-center/orders/:shopifyId/refresh: pulls one order through the Admin GraphQL API
// into the cache (seed 002 step 7), audited as the operator's. The same ingestion as the webhooks:
// a refresh of an unchanged order adds nothing.
import { z } from 'zod/v4';
import { definePluginRoute } from '../../../src/platform/plugin-routes.js';
import { notFound } from '../../../src/http/errors.js';
import { actorOf } from '../../../src/actions/action-runner.js';
import { fetchShopifyOrder } from '../shopify/admin-graphql.js';
import { fromGraphqlOrder } from '../shopify/order-document.js';
import { createOrderIngestion } from './order-ingestion.js';

export const orderRefreshRoute = definePluginRoute({
  method: 'POST',
  path: '/action-center/orders/:shopifyId/refresh',
  permission: 'shopify_order.refresh',
  summary: 'Pull one Shopify order (basics, fulfillmentOrders, transactions) through the Admin GraphQL API into the Action Center cache',
  params: z.strictObject({ shopifyId: z.string().regex(/^\d{1,20}$/, 'must be a Shopify numeric order id') }),
  sample: { path: '/api/action-center/orders/1/refresh', status: 503 },
  isRefusedDuringImpersonation: true,
  handler: async ({ params, operator, services }) => {
    const raw = await fetchShopifyOrder({ config: services.config, shopifyId: params.shopifyId });
    if (!raw) throw notFound(`Shopify has no order ${params.shopifyId}.`);
    const result = await createOrderIngestion({ pool: services.pool }).ingestDocument({
      doc: fromGraphqlOrder(raw), source: 'graphql',
      alongside: (client, { orderId, newEvents }) => services.audit.append(client, {
        actor: actorOf(operator), action: 'shopify_order.refresh', entityType: 'shopify_order', entityId: String(orderId),
        after: { shopifyId: params.shopifyId, newEvents }, outcome: 'succeeded',
      }).then(() => undefined),
    });
    return { orderId: result.orderId, shopifyId: params.shopifyId, newEvents: result.newEvents };
  },
});
