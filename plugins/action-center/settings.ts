// The Action Center's Shopify app (its own settings, src/config/pack-settings.ts): the webhook
// secret signs deliveries; the shop domain and Admin API token pull orders. Unset, those routes
// answer 503 (never a default); in production the webhook secret is required.
import { z } from 'zod';
import { httpUrl, type Config } from '../../src/config/config.js';
import { definePackSettings, packSettings } from '../../src/config/pack-settings.js';

const schema = z.object({
  SHOPIFY_WEBHOOK_SECRET: z.string().min(16).optional(),
  SHOPIFY_SHOP_DOMAIN: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must look like <shop>.myshopify.com').optional(),
  SHOPIFY_ADMIN_TOKEN: z.string().min(8).optional(),
  // Where the Admin API is reached (default https://<SHOPIFY_SHOP_DOMAIN>): a proxy, or a recorded-fixture server in tests.
  SHOPIFY_ADMIN_API_URL: httpUrl.optional(),
  SHOPIFY_API_VERSION: z.string().regex(/^\d{4}-\d{2}$/).default('2025-01'),
});

export const SHOPIFY_SETTINGS = definePackSettings({
  schema,
  check: (settings, config) =>
    config.isProduction && !settings.SHOPIFY_WEBHOOK_SECRET ? 'SHOPIFY_WEBHOOK_SECRET is required when NODE_ENV=production and the action-center plugin is enabled' : null,
});

export type ShopifySettings = z.infer<typeof schema>;

export const shopifySettings = (config: Config): ShopifySettings => packSettings(config, SHOPIFY_SETTINGS);
