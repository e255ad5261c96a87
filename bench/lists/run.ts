// npm run bench:lists — every large resource's backoffice list (the AdminJS API its list page
// calls: estimated total, keyset paging, docs/adr/0003-large-table-lists.md) on the database
// `npm start` uses (e.g. after `npm run seed -- --orders 10000000`): the first page, the next page
// (keyset from the first), a deep page reached without a cursor, and the first page of each filter
// the list offers, with the index that serves it (or none); beside the stock list (COUNT(*) plus
// ORDER BY id DESC OFFSET, SQL only) for the ratio. Target: first and deep page at most 50 ms.
// Page anchors (src/admin/list-anchors/) missing or drifted are built first, as the app's start
// does, and their build time printed.
// Replaces bench/admin-list (Order only); `npm run bench:admin-list` runs this with LISTS=Order.
// LISTS=Order,Shipment limits the resources; LIST_RUNS (9) the runs per scenario.
import os from 'node:os';
import { bootBenchApp } from '../support/bench-app.js';
import { quantiles } from '../support/ts-worker.js';
import { buildRbacModel } from '../../src/rbac/rbac-model.js';
import { loadClientModule } from '../../src/admin/create-admin.js';
import { plugins } from '../../plugins/index.js';
import { filterColumns } from './filter-columns.js';
import { largeListsOf } from '../../src/admin/list-anchors/large-lists.js';
import { buildListAnchors } from '../../src/admin/list-anchors/list-anchor-builder.js';
import { describeAnchorBuild } from '../../src/admin/list-anchors/anchors-cli.js';

const RUNS = Number(process.env.LIST_RUNS ?? 9);
const only = process.env.LISTS?.split(',');
const large = buildRbacModel({ plugins }).resources.filter((r) => r.isLarge && (!only || only.includes(r.model)));
const bench = await bootBenchApp({ role: 'platform_admin' });
const fmt = (n: number) => n.toFixed(1).padStart(8);
const models = loadClientModule().Prisma.dmmf.datamodel.models as never;

async function timeList(model: string, query: string, runs = RUNS): Promise<{ p50: number; p95: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await fetch(`${bench.base}/admin/api/resources/${model}/actions/list?perPage=20&${query}`, { headers: { cookie: bench.adminCookie } });
    const body = (await res.json()) as { records?: unknown[] };
    if (res.status !== 200) throw new Error(`${model} ${query}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
    rows = body.records?.length ?? 0;
  }
  const q = quantiles(times);
  return { p50: q.at(0.5), p95: q.at(0.95), rows };
}

async function stock(table: string, offset: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await bench.db.pool.query(`SELECT count(*) FROM ${table}`);
    await bench.db.pool.query(`SELECT * FROM ${table} ORDER BY id DESC OFFSET $1 LIMIT 20`, [offset]);
    times.push(performance.now() - t0);
  }
  return quantiles(times).at(0.5);
}

try {
  console.log(`load average: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs; ${RUNS} runs per scenario (stock: 3); ms`);
  const over: string[] = [];
  for (const resource of large) {
    const columns = filterColumns({ resource, models, pool: bench.db.pool });
    const table = await columns.table();
    const { rows: [{ estimate }] } = await bench.db.pool.query<{ estimate: string }>(`SELECT GREATEST(reltuples, 0)::bigint AS estimate FROM pg_class WHERE oid = $1::regclass`, [table]);
    const deepPage = Math.max(2, Math.floor(Number(estimate) / 20 / 2));
    console.log(`\n${resource.model} (${table}, ~${Number(estimate).toLocaleString('en')} rows)`);
    for (const list of largeListsOf([resource])) console.log(`  page anchors ${describeAnchorBuild(await buildListAnchors({ pool: bench.db.pool, list }))}`);
    const first = await timeList(resource.model, 'page=1');
    const next = await timeList(resource.model, 'page=2');
    const deep = await timeList(resource.model, `page=${deepPage}`, Math.min(RUNS, 3));
    const [stockFirst, stockDeep] = [await stock(table, 0), await stock(table, (deepPage - 1) * 20)];
    console.log(`  ${'page 1'.padEnd(44)} ${fmt(first.p50)} ${fmt(first.p95)}   stock ${fmt(stockFirst)}  ${(stockFirst / first.p50).toFixed(0)}x`);
    console.log(`  ${'page 2 (keyset)'.padEnd(44)} ${fmt(next.p50)} ${fmt(next.p95)}`);
    console.log(`  ${`page ${deepPage.toLocaleString('en')} (no cursor)`.padEnd(44)} ${fmt(deep.p50)} ${fmt(deep.p95)}   stock ${fmt(stockDeep)}  ${(stockDeep / deep.p50).toFixed(0)}x`);
    if (first.p95 > 50) over.push(`${resource.model} page 1 p95 ${first.p95.toFixed(0)} ms`);
    if (deep.p95 > 50) over.push(`${resource.model} deep page p95 ${deep.p95.toFixed(0)} ms`);
    for (const filter of await columns.filters()) {
      const label = `filter ${filter.property}=${filter.value ?? '(no value)'}`;
      if (filter.value === null) {
        console.log(`  ${label.padEnd(44)}  index: ${filter.index ?? 'NONE'}`);
        continue;
      }
      const t = await timeList(resource.model, `page=1&filters.${filter.property}=${encodeURIComponent(filter.value)}`, 3);
      console.log(`  ${label.slice(0, 44).padEnd(44)} ${fmt(t.p50)} ${fmt(t.p95)}   index: ${filter.index ?? 'NONE'}${filter.isContains ? ' (text filter: prefix, LIKE q%)' : ''}`);
      if (t.p95 > 50) over.push(`${resource.model} ${label} p95 ${t.p95.toFixed(0)} ms`);
    }
  }
  console.log(`\nload average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(over.length === 0 ? 'every list within 50 ms (p95)' : `over 50 ms: ${over.join('; ')}`);
} finally {
  await bench.close();
}
