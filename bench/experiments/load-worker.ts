// The load generator's thread: `clients` concurrent HTTP/1.1 keep-alive clients, each POSTing the
// next batch (bench/experiments/event-stream.ts) as soon as its previous answer has arrived, until
// the time is up. It runs in a worker thread so its own CPU does not queue behind the server's.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { makeBatch } from './event-stream.js';
import type { BatchLoadOptions, BatchLoadResult } from './http-load.js';

const { base, cookie, clients, seconds, path, prefix, size, variants, firstBatch } = workerData as BatchLoadOptions;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const url = new URL(base);

function send(body: Buffer): Promise<{ status: number; accepted: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, host: url.hostname, port: url.port, method: 'POST', path,
      headers: { cookie, 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const accepted = status === 200 ? Number(JSON.parse(Buffer.concat(chunks).toString('utf8')).accepted) : 0;
        resolve({ status, accepted });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const latencies: number[] = [];
const statuses: Record<number, number> = {};
let next = firstBatch;
let accepted = 0;
const started = performance.now();
const end = started + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async () => {
  while (performance.now() < end) {
    const body = Buffer.from(JSON.stringify({ events: makeBatch({ prefix, batch: next++, size, variants }) }));
    const t0 = performance.now();
    const answer = await send(body).catch(() => ({ status: 0, accepted: 0 }));
    latencies.push(performance.now() - t0);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    accepted += answer.accepted;
  }
}));
const elapsedMs = performance.now() - started;
agent.destroy();
parentPort!.postMessage({ batches: latencies.length, accepted, elapsedMs, latencies, statuses, nextBatch: next } satisfies BatchLoadResult);
