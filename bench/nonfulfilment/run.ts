// npm run bench:nonfulfilment — the seller non-fulfilment sweep's two queries (detect, escalate;
// plugins/marketplace/workflows/non-fulfilment-sweep.ts) timed on the database `npm start` uses
// (e.g. after `npm run seed -- --orders 10000000`), "now" being the newest order's time, beside the
// same queries with index scans switched off (what the sweep would cost without its indexes).
// Read-only: every statement runs in a transaction that is rolled back.
import pg from 'pg';
import { loadConfig } from '../../src/config/config.js';
import { loadSecrets } from '../../src/config/secrets.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createLogger } from '../../src/platform/logger.js';
import { DETECT_SQL, DUE_SQL } from '../../plugins/marketplace/workflows/non-fulfilment-sweep.js';
import { supportSettings } from '../../plugins/marketplace/support/support-settings.js';

const RUNS = 7;
const config = loadConfig();
const logger = createLogger({ level: 'warn' });
const secrets = await loadSecrets(config);
const { databaseUrl, embedded } = await openDatabase({ config, secrets, logger });
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();

const HOUR = 3_600_000;
const { slaHours, lookbackDays, batch } = supportSettings(config).nonFulfilment;
try {
  const { rows: [{ estimate }] } = await client.query(`SELECT reltuples::bigint AS estimate FROM pg_class WHERE oid = 'orders'::regclass`);
  const { rows: [{ newest }] } = await client.query('SELECT max(created_at) AS newest FROM orders');
  const now = new Date(newest ?? Date.now());
  const cutoff = new Date(now.getTime() - slaHours * HOUR);
  const since = new Date(cutoff.getTime() - lookbackDays * 24 * HOUR);
  const { rows: [{ window }] } = await client.query(
    `SELECT count(*) AS window FROM orders WHERE status = 'paid' AND created_at > $1 AND created_at <= $2`, [since, cutoff]);
  console.log(`orders (planner estimate): ${Number(estimate).toLocaleString('en')}; paid orders in the sweep's window: ${Number(window).toLocaleString('en')}; batch ${batch}; ${RUNS} runs, ms (EXPLAIN ANALYZE execution time)`);

  const time = async (sql: string, params: unknown[], withIndexes: boolean): Promise<{ ms: number; rows: number }> => {
    await client.query('BEGIN');
    try {
      if (!withIndexes) await client.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const plan = (rows[0]['QUERY PLAN'] as [{ 'Execution Time': number; Plan: { 'Actual Rows': number } }])[0];
      return { ms: plan['Execution Time'], rows: plan.Plan['Actual Rows'] };
    } finally {
      await client.query('ROLLBACK');
    }
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const scenarios: [string, string, unknown[]][] = [
    ['detect (paid, no label, past the SLA)', DETECT_SQL, [since, cutoff, batch]],
    ['escalate (grace over)', DUE_SQL, [now, batch]],
  ];
  console.log(`${'query'.padEnd(40)} ${'indexed p50'.padStart(12)} ${'no index p50'.padStart(13)}   ratio   rows`);
  for (const [name, sql, params] of scenarios) {
    const indexed: number[] = [];
    const naive: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = await time(sql, params, true);
      indexed.push(a.ms);
      rows = a.rows;
      if (i < 3) naive.push((await time(sql, params, false)).ms);
    }
    const [a, b] = [median(indexed), median(naive)];
    console.log(`${name.padEnd(40)} ${a.toFixed(2).padStart(12)} ${b.toFixed(2).padStart(13)} ${(b / a).toFixed(0).padStart(6)}x ${String(rows).padStart(6)}`);
  }
} finally {
  await client.end();
  if (embedded?.isOwner) await embedded.stop();
}
