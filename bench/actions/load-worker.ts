// The load generator's thread: `clients` concurrent HTTP/1.1 keep-alive clients, each sending the
// next request as soon as its previous answer has arrived, until the time is up or the ids run out.
// It runs in a worker thread so its own CPU does not queue behind the server's event loop.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadOptions, LoadResult } from './http-load.js';

const { base, cookie, clients, seconds, method, pathTemplate, bodyTemplate, ids, keyPrefix } = workerData as LoadOptions;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const url = new URL(base);
const fill = (template: string, id: number) => template.replaceAll('{id}', String(id));

function send(id: number): Promise<number> {
  const body = bodyTemplate === null ? null : Buffer.from(fill(bodyTemplate, id));
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: url.hostname, port: url.port, method, path: fill(pathTemplate, id),
      headers: {
        cookie, 'idempotency-key': `${keyPrefix}-${id}`,
        ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
      },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

const latencies: number[] = [];
const statuses: Record<number, number> = {};
let next = 0;
const started = performance.now();
const end = started + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async () => {
  while (performance.now() < end && next < ids.length) {
    const id = ids[next++]!;
    const t0 = performance.now();
    const status = await send(id).catch(() => 0);
    latencies.push(performance.now() - t0);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}));
const elapsedMs = performance.now() - started;
agent.destroy();
parentPort!.postMessage({ count: latencies.length, elapsedMs, latencies, statuses, idsUsed: next } satisfies LoadResult);
