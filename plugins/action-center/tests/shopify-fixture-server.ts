// A local HTTP server answering the Admin GraphQL API with the recorded payloads (fixtures/shopify):
// the refresh under test talks HTTP to it exactly as to Shopify, without the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordedGraphqlOrder } from '../fixtures/recorded.js';

export type FixtureRequest = { path: string; token: string | undefined; query: string; variables: Record<string, unknown> };

export async function startShopifyFixtureServer({ token }: { token: string }) {
  const requests: FixtureRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const parsed = JSON.parse(body || '{}') as { query: string; variables: { id?: string } };
      requests.push({ path: req.url ?? '', token: req.headers['x-shopify-access-token'] as string | undefined, query: parsed.query, variables: parsed.variables });
      res.setHeader('Content-Type', 'application/json');
      if (req.headers['x-shopify-access-token'] !== token) {
        res.statusCode = 401;
        res.end(JSON.stringify({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }));
        return;
      }
      const id = String(parsed.variables?.id ?? '').replace('gid://shopify/Order/', '');
      res.end(JSON.stringify(recordedGraphqlOrder(id) ?? { data: { order: null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
