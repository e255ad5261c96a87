// npm run bench:search — the omnibox (GET /api/search) on the database `npm start` uses (e.g. after
// `npm run seed -- --orders 10000000`): per identifier kind, a few hundred queries sampled from the
// data, timed as the server reports it (Server-Timing) and as the HTTP round trip on loopback;
// beside the stock AdminJS search on the same values (its search action with searchProperty: LIKE
// '%q%' on that column through @adminjs/prisma, see stock()), with the ratio. Prints the machine's
// load average and a SELECT 1 floor: on a shared machine the figures move with them. Targets:
// exact p95 <= 10 ms, partial p95 <= 200 ms (server time). SEARCH_BENCH_RUNS (200) sets the
// queries per kind; the stock search runs STOCK_RUNS (5) per kind: each can scan a table.
import os from 'node:os';
import { bootBenchApp } from '../support/bench-app.js';
import { quantiles } from '../support/ts-worker.js';
import { sampleQueries, type Kind } from './samples.js';

const RUNS = Number(process.env.SEARCH_BENCH_RUNS ?? 200);
const STOCK_RUNS = Number(process.env.STOCK_RUNS ?? 5);
// support_admin sees every type unmasked (partial matches on emails need pii.read).
const bench = await bootBenchApp({ role: 'support_admin' });
const fmt = (n: number) => n.toFixed(1).padStart(7);

async function ours(q: string, expand = ''): Promise<{ server: number; http: number; types: string[]; first?: { type: string; matchKind: string } }> {
  const t0 = performance.now();
  const res = await fetch(`${bench.base}/api/search?q=${encodeURIComponent(q)}&expand=${expand}`, { headers: { cookie: bench.apiCookie } });
  const body = (await res.json()) as { items: { type: string; matchKind: string }[] };
  const http = performance.now() - t0;
  if (res.status !== 200) throw new Error(`search ${q}: HTTP ${res.status} ${JSON.stringify(body)}`);
  const server = Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]);
  return { server, http, types: body.items.map((i) => i.type), first: body.items[0] };
}

// The stock AdminJS search on that column, as @adminjs/prisma runs it: `contains` (LIKE '%q%') for
// text, equality for the id, newest first (the resources' sort), 50 rows. Run through Prisma here:
// the app's own resources now match large tables' text filters by prefix (docs/adr/0003).
async function stock(kind: Kind, q: string): Promise<number> {
  const delegate = (bench.db.prisma as unknown as Record<string, { findMany: (args: object) => Promise<unknown[]> }>)[kind.stock.resource[0].toLowerCase() + kind.stock.resource.slice(1)];
  const where = kind.stock.property === 'id' ? { id: Number(q) } : { [kind.stock.property]: { contains: q } };
  const t0 = performance.now();
  await delegate.findMany({ where, orderBy: { id: 'desc' }, take: 50 });
  return performance.now() - t0;
}

try {
  const { rows: [{ orders }] } = await bench.db.pool.query<{ orders: string }>(`SELECT reltuples::bigint AS orders FROM pg_class WHERE oid = 'orders'::regclass`);
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
  console.log(`orders (planner estimate): ${Number(orders).toLocaleString('en')}; ${RUNS} queries per kind (ours), ${STOCK_RUNS} (stock); ms`);
  const kinds = await sampleQueries(bench.db.pool, RUNS);
  // Warm the pool and the plans' caches once: the first query of a process pays its connections.
  for (const kind of kinds) await ours(kind.queries[0], kind.expand);

  // The floor on this machine: a round trip that does nothing (the same pool, SELECT 1).
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await bench.db.pool.query('SELECT 1');
    floor.push(performance.now() - t0);
  }
  const f = quantiles(floor);
  console.log(`floor (SELECT 1 round trip from this process): p50 ${f.at(0.5).toFixed(1)} ms, p95 ${f.at(0.95).toFixed(1)} ms`);
  console.log(`${'kind'.padEnd(34)} ${'target'.padStart(6)} | ours server p50     p95 |   HTTP p50     p95 | found*| stock p50  ratio (stock/ours p50)`);
  const failures: string[] = [];
  for (const kind of kinds) {
    const server: number[] = [];
    const http: number[] = [];
    let found = 0;
    for (const q of kind.queries) {
      const r = await ours(q, kind.expand);
      server.push(r.server);
      http.push(r.http);
      if (kind.match === 'exact' ? r.first?.type === kind.expectType && r.first.matchKind === 'exact' : r.types.includes(kind.expectType)) found += 1;
    }
    const stockTimes: number[] = [];
    for (const q of kind.queries.slice(0, STOCK_RUNS)) stockTimes.push(await stock(kind, q));
    const s = quantiles(server);
    const h = quantiles(http);
    const st = quantiles(stockTimes);
    const target = kind.match === 'exact' ? 10 : 200;
    if (s.at(0.95) > target) failures.push(`${kind.name}: p95 ${s.at(0.95).toFixed(1)} ms > ${target} ms`);
    console.log(`${kind.name.padEnd(34)} ${String(target).padStart(6)} |     ${fmt(s.at(0.5))} ${fmt(s.at(0.95))} | ${fmt(h.at(0.5))} ${fmt(h.at(0.95))} | ${String(Math.round((found / kind.queries.length) * 100)).padStart(4)}% | ${fmt(st.at(0.5))} ${(st.at(0.5) / s.at(0.5)).toFixed(0).padStart(6)}x`);
  }
  console.log('* exact: the first result is the sampled entity\'s type, matched exactly; partial: a result of that type is among the answers');
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(failures.length === 0 ? 'all kinds within target (server time p95)' : `over target: ${failures.join('; ')}`);
} finally {
  await bench.close();
}
