// Runs bench/actions/load-worker.ts in a worker thread and summarises what it measured.
import { quantiles, runTsWorker } from '../support/ts-worker.js';

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

export async function runHttpLoad(options: LoadOptions): Promise<LoadSummary> {
  const result = await runTsWorker<LoadResult>(new URL('./load-worker.ts', import.meta.url), options);
  const { at, max } = quantiles(result.latencies);
  return {
    count: result.count, perSecond: result.count / (result.elapsedMs / 1000), p50: at(0.5), p99: at(0.99), max,
    statuses: result.statuses, idsUsed: result.idsUsed,
  };
}
