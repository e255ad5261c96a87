// Runs bench/experiments/load-worker.ts in a worker thread and summarises what it measured.
import { Worker } from 'node:worker_threads';

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

export function runBatchLoad(options: BatchLoadOptions): Promise<BatchLoadSummary> {
  // A worker thread does not get this process's `--import tsx` hooks: it registers tsx itself.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const script = JSON.stringify(new URL('./load-worker.ts', import.meta.url).href);
  const worker = new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${script}); })`, { eval: true, workerData: options });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (result: BatchLoadResult) => {
      const sorted = Float64Array.from(result.latencies).sort();
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
      const ok = result.statuses[200] ?? 0;
      resolve({
        batches: result.batches, events: ok * options.size, accepted: result.accepted, eventsPerSecond: (ok * options.size) / (result.elapsedMs / 1000),
        p50: at(0.5), p99: at(0.99), statuses: result.statuses, nextBatch: result.nextBatch,
      });
      void worker.terminate();
    });
  });
}
