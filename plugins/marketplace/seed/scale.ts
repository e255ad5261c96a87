// Bulk generator behind `npm run seed -- --orders N`: streams generated rows into PostgreSQL with
// COPY over two connections, ids assigned here (from max(id) + 1, so a second run appends), then
// moves the sequences past them and refreshes planner statistics. Memory stays flat at any N.
import type pg from 'pg';
import type { SeedContext } from '../../../src/platform/plugin.js';
import { loadChunks, type Chunk } from './copy-scheduler.js';
import { deriveSeed, createRandom } from './random.js';
import { DIMENSION_TABLES, generateDimensions } from './scale-dimensions.js';
import { createOrderGenerator, ORDER_DEPENDENCIES, ORDER_TABLES, type OrderTable } from './scale-orders.js';
import { buildPools } from './scale-pools.js';
import { firstFreeIds, SEED_LOCK_KEY, syncSequences, type Query } from './sequences.js';

const CHUNK_ORDERS = 50_000;
const PROGRESS_EVERY = 500_000;
const CONNECTIONS = 2;

const DIMENSION_DEPENDENCIES = {
  organizations: [],
  customer_users: ['organizations'],
  catalog_items: [],
  listings: ['organizations', 'catalog_items'],
};

export async function seedScale(ctx: SeedContext & { orders: number }): Promise<Record<string, number>> {
  const { pool, log, seed, orders } = ctx;
  if (!Number.isInteger(orders) || orders <= 0) throw new Error(`orders must be a positive integer, got ${orders}`);
  const tables = [...Object.keys(DIMENSION_TABLES), ...Object.keys(ORDER_TABLES)] as
    Array<keyof typeof DIMENSION_TABLES | OrderTable>;
  const rows: Record<string, number> = Object.fromEntries(tables.map((table) => [table, 0]));
  const count = (chunk: Chunk) => {
    for (const buffer of chunk.buffers) rows[buffer.target.table] += buffer.rows;
  };
  const nowMs = Date.now();
  const startedAt = performance.now();

  const clients: pg.PoolClient[] = [];
  // Bookkeeping goes through the first loading connection, so a pool of two is enough.
  const query: Query = async (sql) => (await clients[0].query(sql)).rows;
  let failure: unknown;
  try {
    for (let i = 0; i < CONNECTIONS; i++) clients.push(await pool.connect());
    await clients[0].query(`SELECT pg_advisory_lock(${SEED_LOCK_KEY})`);
    const firstIds = await firstFreeIds({ query, tables });

    // ---- dimensions: organizations, users, catalog, listings
    const pools = buildPools(seed);
    const { buffers, dimensions } = generateDimensions({
      rng: createRandom(deriveSeed(seed, 0xd1)), pools, orders, firstIds, nowMs,
    });
    const dimensionChunks: Chunk[] = [{ index: 0, buffers, orders: 0 }];
    await loadChunks({
      clients,
      dependencies: DIMENSION_DEPENDENCIES,
      produce: async () => dimensionChunks.pop() ?? null,
      onChunkLoaded: count,
    });
    log.info({ rows: { ...rows }, seconds: elapsed(startedAt) }, 'marketplace scale seed: dimensions loaded');

    // ---- checkouts and orders with their items, shipments, payments, refunds, ledger
    const ordersStartedAt = performance.now();
    const generator = createOrderGenerator({
      seed: deriveSeed(seed, 0x0d),
      pools,
      dimensions,
      firstIds: pick(firstIds, Object.keys(ORDER_TABLES) as OrderTable[]),
      totalOrders: orders,
      chunkOrders: CHUNK_ORDERS,
      nowMs,
    });
    let loadedOrders = 0;
    let nextReport = PROGRESS_EVERY;
    await loadChunks({
      clients,
      dependencies: ORDER_DEPENDENCIES,
      produce: generator.nextChunk,
      onChunkLoaded: (chunk) => {
        count(chunk);
        loadedOrders += chunk.orders;
        if (loadedOrders >= nextReport || loadedOrders === orders) {
          nextReport = (Math.floor(loadedOrders / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
          const seconds = elapsed(ordersStartedAt);
          log.info({
            orders: loadedOrders, of: orders, seconds,
            ordersPerSecond: Math.round(loadedOrders / seconds),
            rowsPerSecond: Math.round(totalRows(rows) / elapsed(startedAt)),
          }, 'marketplace scale seed: progress');
        }
      },
    });
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    if (failure === undefined) {
      await syncSequences({ query, tables });
      await clients[0].query(`SELECT pg_advisory_unlock(${SEED_LOCK_KEY})`);
      for (const client of clients) client.release();
    } else {
      // A connection that failed mid-COPY is in an unknown protocol state: destroy it (which also
      // drops its advisory lock). Rows that did commit must still not collide with later inserts.
      for (const client of clients) client.release(true);
      await syncSequences({ query: async (sql) => (await pool.query(sql)).rows, tables })
        .catch((err: unknown) => log.error({ err }, 'marketplace scale seed: sequence sync after failure failed'));
    }
  }

  // ---- statistics, so the consoles' first queries get good plans at the new size
  const analyzeStartedAt = performance.now();
  await pool.query(`ANALYZE ${tables.join(', ')}`);
  const seconds = elapsed(startedAt);
  log.info({
    rows, seconds, analyzeSeconds: elapsed(analyzeStartedAt),
    ordersPerSecond: Math.round(orders / seconds), rowsPerSecond: Math.round(totalRows(rows) / seconds),
  }, 'marketplace scale seed: done');
  return rows;
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}

function totalRows(rows: Record<string, number>): number {
  return Object.values(rows).reduce((sum, n) => sum + n, 0);
}

function pick<K extends string>(record: Record<string, number>, keys: K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, record[key]])) as Record<K, number>;
}
