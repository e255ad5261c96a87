// The pull of ONE order through Shopify's Admin GraphQL API (seed 002 step 7): order basics,
// fulfillmentOrders (order-scoped) and transactions, plus fulfillments, refunds and risk, in one
// query. The shop domain and token come from configuration; without them the pull is refused (503).
import { AppError } from '../../../src/http/errors.js';
import type { Config } from '../../../src/config/config.js';
import { shopifySettings } from '../settings.js';

export const ORDER_QUERY = `query ActionCenterOrder($id: ID!) {
  order(id: $id) {
    id name email createdAt updatedAt cancelledAt cancelReason note tags
    displayFinancialStatus displayFulfillmentStatus
    totalPriceSet { shopMoney { amount currencyCode } }
    customer { id firstName lastName email }
    shippingAddress { name address1 city zip countryCodeV2 }
    fulfillmentOrders(first: 20) { nodes { id status } }
    fulfillments(first: 20) { id status createdAt updatedAt }
    transactions(first: 50) { id kind status processedAt amountSet { shopMoney { amount currencyCode } } }
    refunds(first: 20) { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
    risk { recommendation assessments { riskLevel } }
  }
}`;

const unavailable = (detail: string) => new AppError({ status: 503, code: 'shopify_not_configured', title: 'Shopify is not configured', detail });
const upstream = (detail: string) => new AppError({ status: 502, code: 'shopify_upstream_error', title: 'Shopify answered with an error', detail });

/** The order as the API answered it (null: Shopify has no such order), as raw GraphQL JSON. */
export async function fetchShopifyOrder({ config, shopifyId }: { config: Config; shopifyId: string }): Promise<Record<string, unknown> | null> {
  const settings = shopifySettings(config);
  if (!settings.SHOPIFY_ADMIN_TOKEN || !(settings.SHOPIFY_SHOP_DOMAIN || settings.SHOPIFY_ADMIN_API_URL)) {
    throw unavailable('Set SHOPIFY_SHOP_DOMAIN and SHOPIFY_ADMIN_TOKEN to pull orders from Shopify.');
  }
  const base = settings.SHOPIFY_ADMIN_API_URL ?? `https://${settings.SHOPIFY_SHOP_DOMAIN}`;
  let response: Response;
  try {
    response = await fetch(`${base}/admin/api/${settings.SHOPIFY_API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': settings.SHOPIFY_ADMIN_TOKEN },
      body: JSON.stringify({ query: ORDER_QUERY, variables: { id: `gid://shopify/Order/${shopifyId}` } }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw upstream(`Shopify could not be reached: ${(err as Error).message}`);
  }
  if (!response.ok) throw upstream(`Shopify answered HTTP ${response.status}.`);
  const body = await response.json() as { data?: { order?: Record<string, unknown> | null }; errors?: { message: string }[] };
  if (body.errors?.length) throw upstream(body.errors.map((e) => e.message).join('; ').slice(0, 500));
  return body.data?.order ?? null;
}
