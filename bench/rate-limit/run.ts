// node --import tsx bench/rate-limit/run.ts
// What the request checks add to a state-changing request (docs/adr/0009-request-security.md): the
// write limiter's upsert (one round trip to PostgreSQL, on the app's pool), beside a bare `SELECT 1`
// on the same pool, sequentially and at 32 concurrent requests, for one operator (every request on
// one row: the case of a single bench or script operator) and for 32 operators; the refusal from
// memory once an operator is over; and the Origin check (no I/O). For comparison, the same upsert on
// an ordinary (logged) copy of the table: what UNLOGGED saves (a WAL flush per counted request).
// Prints figures, asserts nothing.
import type { Request, Response } from 'express';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { createDatabase } from '../../src/db/database.js';
import { createWriteRateLimit } from '../../src/http/security/write-rate-limit.js';
import { createOriginCheck } from '../../src/http/security/origin-check.js';
import type { AuditService } from '../../src/audit/types.js';
import { createScratchDatabase } from '../actions/scratch-database.js';

const SEQUENTIAL = 3_000;
const CONCURRENT = 20_000;
const CLIENTS = 32;

const scratch = await createScratchDatabase('ratelimit');
const db = createDatabase({ url: scratch.url, max: 10 });
const noAudit: AuditService = { append: async () => ({ seq: '0' }), appendMany: async () => ({ seqs: [] }), appendStandalone: async () => ({ seq: '0' }) };

const fakeReq = (operatorId: number, headers: Record<string, string> = {}) =>
  ({ method: 'POST', path: '/actions/order.refund', baseUrl: '/api', protocol: 'http', session: { adminUser: { id: operatorId, roles: [] } }, get: (h: string) => headers[h.toLowerCase()] }) as unknown as Request;
const fakeRes = { setHeader: () => undefined } as unknown as Response;

type Step = () => Promise<unknown>;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function sequential(label: string, step: Step): Promise<void> {
  for (let i = 0; i < 200; i++) await step(); // warm-up: connections, prepared statements
  const times: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = process.hrtime.bigint();
    await step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} p50 ${quantile(times, 0.5).toFixed(3)} ms  p99 ${quantile(times, 0.99).toFixed(3)} ms`);
}

async function concurrent(label: string, step: (client: number) => Promise<unknown>): Promise<void> {
  let left = CONCURRENT;
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    while (left-- > 0) {
      const s = process.hrtime.bigint();
      await step(client);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} ${Math.round(CONCURRENT / seconds)}/s  p50 ${quantile(times, 0.5).toFixed(2)} ms  p99 ${quantile(times, 0.99).toFixed(2)} ms`);
}

try {
  const limit = createWriteRateLimit({ pool: db.pool, limitPerHour: 1_000_000_000, audit: noAudit }).middleware(() => false);
  const run = (operatorId: number) => new Promise<void>((resolve, reject) => {
    Promise.resolve(limit(fakeReq(operatorId), fakeRes, (err?: unknown) => (err ? reject(err) : resolve()))).catch(reject);
  });
  const select1 = () => db.pool.query('SELECT 1');

  console.log(`PostgreSQL ${scratch.serverVersion}, pool of 10; ${SEQUENTIAL} sequential calls, ${CONCURRENT} calls from ${CLIENTS} concurrent clients`);
  await sequential('SELECT 1 (the floor of any round trip)', select1);
  await sequential('write limiter, one operator', () => run(1));
  await concurrent('SELECT 1, 32 clients', select1);
  await concurrent('write limiter, 32 clients, one operator (one row)', () => run(1));
  await concurrent('write limiter, 32 clients, 32 operators', (client) => run(100 + client));

  await db.pool.query('CREATE TABLE rate_limits_logged (LIKE rate_limits INCLUDING ALL)');
  const logged = new RateLimiterPostgres({ storeClient: db.pool, storeType: 'pool', tableName: 'rate_limits_logged', tableCreated: true, keyPrefix: 'operator-writes', points: 1_000_000_000, duration: 3600 });
  await sequential('same upsert, logged table, one operator', () => logged.consume('1'));
  await concurrent('same upsert, logged table, 32 clients, one operator', () => logged.consume('1'));

  // Over the limit: the refusal comes from this process's memory.
  const tight = createWriteRateLimit({ pool: db.pool, limitPerHour: 1, audit: noAudit }).middleware(() => false);
  const refusal = () => new Promise<void>((resolve) => {
    Promise.resolve(tight(fakeReq(7), fakeRes, () => resolve())).catch(() => resolve());
  });
  await refusal();
  await refusal();
  await sequential('write limiter, operator over the limit (memory)', refusal);

  const origin = createOriginCheck({ publicUrl: 'https://ops.example.com', trustRequestHost: false, recordDenial: async () => undefined });
  const headers = { origin: 'https://ops.example.com', host: 'ops.example.com', 'sec-fetch-site': 'same-origin' };
  await sequential('Origin check', () => new Promise<void>((resolve) => origin(fakeReq(1, headers), fakeRes, () => resolve())));
} finally {
  await db.close();
  await scratch.drop();
}
