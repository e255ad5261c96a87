// Runs bench/experiments/load-worker.ts in a worker thread and summarises what it measured.
import { quantiles, runTsWorker } from '../support/ts-worker.js';

export type BatchLoadOptions = {
  base: string;
  cookie: string;
  clients: number;
  seconds: number;
  /** The events endpoint, e.g. /api/experiments/bench/events. */
  path: string;
  prefix: string;
  /** Events per batch. */
  size: number;
  variants: string[];
  /** Batch numbers continue across loads, so no batch is sent twice by accident. */
  firstBatch: number;
};

export type BatchLoadResult = { batches: number; accepted: number; elapsedMs: number; latencies: number[]; statuses: Record<number, number>; nextBatch: number };

export type BatchLoadSummary = { batches: number; events: number; accepted: number; eventsPerSecond: number; p50: number; p99: number; statuses: Record<number, number>; nextBatch: number };

export async function runBatchLoad(options: BatchLoadOptions): Promise<BatchLoadSummary> {
  const result = await runTsWorker<BatchLoadResult>(new URL('./load-worker.ts', import.meta.url), options);
  const { at } = quantiles(result.latencies);
  const ok = result.statuses[200] ?? 0;
  return {
    batches: result.batches, events: ok * options.size, accepted: result.accepted, eventsPerSecond: (ok * options.size) / (result.elapsedMs / 1000),
    p50: at(0.5), p99: at(0.99), statuses: result.statuses, nextBatch: result.nextBatch,
  };
}
