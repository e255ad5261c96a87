// A load generator runs in a worker thread so its own CPU does not queue behind the server's event
// loop. A worker thread does not get this process's `--import tsx` hooks: it registers tsx itself,
// then loads the TypeScript module, which posts one message with what it measured.
import { Worker } from 'node:worker_threads';

export function runTsWorker<R>(module: URL, workerData: unknown): Promise<R> {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const script = JSON.stringify(module.href);
  const worker = new Worker(`import(${tsx}).then(({ register }) => { register(); return import(${script}); })`, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (result: R) => {
      resolve(result);
      void worker.terminate();
    });
  });
}

/** The q-quantile of a list of latencies (nearest rank), and the largest. */
export function quantiles(latencies: number[]): { at: (q: number) => number; max: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { at: (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}
