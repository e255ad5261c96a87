// Shopify signs each webhook with HMAC-SHA256 over the raw request body, keyed by the app's secret,
// base64 in `X-Shopify-Hmac-Sha256`. The check must see the bytes Shopify sent (a re-serialised
// JSON body differs), and compares in constant time so the signature cannot be guessed byte by byte.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function shopifyHmac(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

export function isValidShopifyHmac({ rawBody, header, secret }: { rawBody: Buffer; header: string | undefined; secret: string }): boolean {
  if (!header || !/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return false;
  const expected = Buffer.from(shopifyHmac(rawBody, secret), 'base64');
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
