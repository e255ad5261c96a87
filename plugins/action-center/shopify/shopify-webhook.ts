// POST /api/webhooks/shopify: Shopify's order webhooks. Order of checks: the app secret must be
// configured (503, never a default), the HMAC over the raw body must match (401, nothing stored,
// not even the delivery id), then the delivery id claims the delivery (a re-delivery changes
// nothing) and the topic's payload is ingested. Unknown topics are acknowledged (Shopify would
// otherwise retry them for two days) and ignored.
import { AppError } from '../../../src/http/errors.js';
import { definePluginWebhook } from '../../../src/platform/plugin-webhooks.js';
import { createOrderIngestion, INGESTED_TOPICS } from '../orders/order-ingestion.js';
import { isValidShopifyHmac } from './shopify-hmac.js';
import { payloadSchema } from './webhook-payloads.js';
import { parseOr422 } from '../../../src/http/validation.js';
import { shopifySettings } from '../settings.js';

const problem = (status: number, code: string, title: string, detail: string) => new AppError({ status, code, title, detail });

export const shopifyWebhook = definePluginWebhook({
  path: '/shopify',
  summary: 'Shopify order, fulfillment and refund webhooks (HMAC-SHA256 signed), ingested into the Action Center cache',
  handler: async ({ rawBody, services, req, res }) => {
    const secret = shopifySettings(services.config).SHOPIFY_WEBHOOK_SECRET;
    if (!secret) throw problem(503, 'shopify_not_configured', 'Shopify is not configured', 'Set SHOPIFY_WEBHOOK_SECRET to accept Shopify webhooks.');
    if (!isValidShopifyHmac({ rawBody, header: req.get('X-Shopify-Hmac-Sha256'), secret })) {
      throw problem(401, 'invalid_signature', 'Invalid webhook signature', 'X-Shopify-Hmac-Sha256 is missing or does not match the body.');
    }
    const webhookId = req.get('X-Shopify-Webhook-Id') ?? '';
    const topic = req.get('X-Shopify-Topic') ?? '';
    if (!/^[\w.:-]{1,100}$/.test(webhookId) || !/^[a-z_]+\/[a-z_]+$/.test(topic)) {
      throw problem(422, 'validation_failed', 'Missing webhook headers', 'X-Shopify-Webhook-Id and X-Shopify-Topic are required.');
    }
    if (!INGESTED_TOPICS.includes(topic)) return { status: 'ignored', topic };
    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw problem(422, 'validation_failed', 'Body is not JSON', 'The signed body is not a JSON object.');
    }
    const payload = parseOr422(payloadSchema(topic), json, { where: 'body' }) as Record<string, unknown>;
    const result = await createOrderIngestion({ pool: services.pool }).ingestWebhook({ webhookId, topic, payload });
    res.status(result.status === 'duplicate' ? 200 : 202);
    return result;
  },
});
