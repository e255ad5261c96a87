// Verifies a range of the chain in a few parallel slices, all in the snapshot of the caller's
// REPEATABLE READ transaction (pg_export_snapshot). Producing the rows is PostgreSQL's share of the
// work and the larger one, so two backends stream at once while Node hashes both streams; each
// slice starts from the stored hash of the row before it, exactly as a single stream would.
import type pg from 'pg';
import { verifyChainSegment, type ChainProblem } from './chain-segment.js';

// Below this many rows a second connection costs more than it saves.
const MIN_ROWS_PER_SLICE = 100_000;

export type RangeResult = { checked: number; lastSeq: number; lastHash: Buffer; problem: ChainProblem | null };

export async function verifyChainRange({
  pool,
  client,
  fromSeq,
  headSeq,
  anchorHash,
  checkpoints,
  lastGoodCheckpoint,
  stopAtSeq,
  parallel,
}: {
  pool: pg.Pool;
  /** In a REPEATABLE READ transaction: its snapshot is the one every slice reads. */
  client: pg.PoolClient;
  fromSeq: number;
  headSeq: number;
  anchorHash: Buffer;
  checkpoints: Map<number, string[]>;
  lastGoodCheckpoint: number;
  stopAtSeq: number;
  parallel: number;
}): Promise<RangeResult & { isClientAbandoned: boolean }> {
  const rows = headSeq - fromSeq + 1;
  const count = Math.max(1, Math.min(parallel, Math.floor(rows / MIN_ROWS_PER_SLICE)));
  const size = Math.ceil(rows / count);
  const starts = Array.from({ length: count }, (_, i) => fromSeq + i * size);
  const snapshot = count > 1 ? (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0].id : '';

  // The first slice runs on the caller's client; the others on their own, in the same snapshot.
  const slices = starts.map(async (start, i) => {
    const isFirst = i === 0;
    // The last slice reads past the head, so rows added outside the sealer are seen.
    const toSeq = i === count - 1 ? undefined : start + size - 1;
    const own = isFirst ? client : await pool.connect();
    let isAbandoned = false;
    try {
      if (!isFirst) {
        await own.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await own.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, '')}'`);
      }
      let sliceAnchor = anchorHash;
      if (!isFirst) {
        const { rows: before } = await own.query<{ hash: Buffer }>('SELECT hash FROM audit.events WHERE seq = $1', [start - 1]);
        // A missing or doubled row there is reported by the slice before, which reads it.
        if (before.length !== 1) return { result: null, toSeq };
        sliceAnchor = before[0].hash;
      }
      const vouched = Math.max(lastGoodCheckpoint, ...[...checkpoints.keys()].filter((seq) => seq < start));
      const result = await verifyChainSegment({ client: own, fromSeq: start, toSeq, anchorHash: sliceAnchor, checkpoints, lastGoodCheckpoint: vouched, stopAtSeq });
      isAbandoned = result.isAbandoned;
      return { result, toSeq };
    } catch (err) {
      isAbandoned = true;
      throw err;
    } finally {
      if (!isFirst) {
        if (!isAbandoned) await own.query('ROLLBACK').catch(() => (isAbandoned = true));
        (own as pg.PoolClient).release(isAbandoned);
      }
    }
  });
  const results = await Promise.all(slices);

  // ---- Stitch the slices in order: counts add up to the first problem
  let checked = 0;
  let lastSeq = fromSeq - 1;
  let lastHash = anchorHash;
  let isClientAbandoned = false;
  for (const [i, { result, toSeq }] of results.entries()) {
    if (!result) break;
    if (i === 0) isClientAbandoned = result.isAbandoned;
    checked += result.checked;
    if (result.checked > 0) {
      lastSeq = result.lastSeq;
      lastHash = result.lastHash;
    }
    if (result.problem) return { checked, lastSeq, lastHash, problem: result.problem, isClientAbandoned };
    if (result.isAbandoned) break;
    if (toSeq !== undefined && lastSeq < toSeq) {
      return { checked, lastSeq, lastHash, problem: { kind: 'missing', seq: lastSeq + 1, detail: `rows from ${lastSeq + 1} are missing` }, isClientAbandoned };
    }
  }
  return { checked, lastSeq, lastHash, problem: null, isClientAbandoned };
}
