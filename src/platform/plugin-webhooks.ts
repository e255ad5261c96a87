// Inbound webhooks of domain packs (Shopify, a carrier, a payment provider): routes under
// /api/webhooks/<path> that an outside system calls, authenticated by the caller's SIGNATURE, not
// by an operator session. That is why they are a separate extension point from PluginRoute:
//   - they are mounted before the API's session, JSON parser and request security (Origin check,
//     operator write limit): no cookie is involved, so there is no CSRF to guard against, and an
//     operator limit would throttle the provider's retries;
//   - the handler gets the RAW body bytes (express.raw), because a signature is computed over the
//     exact bytes sent and a re-serialised JSON body would not match;
//   - they are not in the operator route table (no permission: the handler verifies the signature
//     first and answers 401 before storing anything).
// A disabled pack's webhooks are not mounted: its path is a 404 like any unknown one.
import express, { Router, type Request, type Response } from 'express';
import type { PluginRouteServices } from './plugin-routes.js';
import type { Plugin } from './plugin.js';

export type PluginWebhookContext = {
  /** The request body exactly as sent (empty when none). */
  rawBody: Buffer;
  services: PluginRouteServices;
  req: Request;
  res: Response;
};

export type PluginWebhook = {
  /** Below /api/webhooks, e.g. `/shopify`. */
  path: string;
  summary: string;
  /** Largest body accepted (default 1 MB): larger is a 413 before the handler runs. */
  maxBytes?: number;
  /** Verifies the signature, then acts; returns the JSON body (200) or answers through `res`. */
  handler: (ctx: PluginWebhookContext) => Promise<unknown>;
};

export const WEBHOOK_PREFIX = '/api/webhooks';

export function definePluginWebhook(webhook: PluginWebhook): PluginWebhook {
  return webhook;
}

/** Every enabled pack's webhooks (POST only), paths checked at start (malformed or twice: refused). */
export function createPluginWebhookRouter({ plugins, services }: { plugins: readonly Plugin[]; services: PluginRouteServices }): Router {
  const router = Router();
  const seen = new Set<string>();
  for (const plugin of plugins) {
    for (const webhook of plugin.webhooks ?? []) {
      if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(webhook.path)) throw new Error(`plugin ${plugin.id} webhook ${webhook.path} has a malformed path`);
      if (seen.has(webhook.path)) throw new Error(`plugin ${plugin.id} webhook ${webhook.path} is declared twice`);
      seen.add(webhook.path);
      router.post(webhook.path, express.raw({ type: () => true, limit: webhook.maxBytes ?? 1024 * 1024 }), async (req, res) => {
        const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const result = await webhook.handler({ rawBody, services, req, res });
        if (result !== undefined && !res.headersSent) res.json(result);
      });
    }
  }
  return router;
}

/** The OpenAPI path items of the enabled packs' webhooks: no session (signature-authenticated). */
export function webhookPaths(plugins: readonly Plugin[]): Record<string, Record<string, Record<string, unknown>>> {
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  return Object.fromEntries(plugins.flatMap((p) => (p.webhooks ?? []).map((w) => [`${WEBHOOK_PREFIX}${w.path}`, {
    post: {
      summary: w.summary,
      description: 'Called by the outside system, not by operators: authenticated by its signature over the raw body (no session, no Origin check, no operator write limit).',
      security: [],
      'x-permission': 'none (signature-authenticated webhook)',
      responses: {
        200: { description: 'Acknowledged (a re-delivery, or a topic that is not ingested): nothing changed.' },
        202: { description: 'Ingested.' },
        401: problem('`invalid_signature`: missing or wrong signature; nothing stored.'),
        413: problem('Body too large.'),
        422: problem('`validation_failed`: missing delivery headers or a body that is not JSON.'),
        503: problem('The webhook secret is not configured.'),
      },
    },
  }])));
}
