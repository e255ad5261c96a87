// Runs bench/actions/load-worker.ts in a worker thread and summarises what it measured.
import { Worker } from 'node:worker_threads';

export type LoadOptions = {
  base: string;
  cookie: string;
  clients: number;
  seconds: number;
  method: 'POST' | 'GET';
  /** `{id}` is replaced by each request's id, in the path, the body and the Idempotency-Key. */
  pathTemplate: string;
  bodyTemplate: string | null;
  ids: number[];
  keyPrefix: string;
};

export type LoadResult = { count: number; elapsedMs: number; latencies: number[]; statuses: Record<number, number>; idsUsed: number };

export type LoadSummary = { count: number; perSecond: number; p50: number; p99: number; max: number; statuses: Record<number, number>; idsUsed: number };

export function runHttpLoad(options: LoadOptions): Promise<LoadSummary> {
  // A worker thread does not get this process's `--import tsx` hooks: it registers tsx itself,
  // then loads the TypeScript worker.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const script = JSON.stringify(new URL('./load-worker.ts', import.meta.url).href);
  const worker = new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${script}); })`, { eval: true, workerData: options });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (result: LoadResult) => {
      const sorted = Float64Array.from(result.latencies).sort();
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
      resolve({
        count: result.count, perSecond: result.count / (result.elapsedMs / 1000), p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN,
        statuses: result.statuses, idsUsed: result.idsUsed,
      });
      void worker.terminate();
    });
  });
}
