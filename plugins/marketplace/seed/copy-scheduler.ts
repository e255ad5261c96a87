// Loads generated chunks through a few connections at once. Each (chunk, table) is one COPY, which
// commits on its own; a COPY starts only once the tables it references for the same chunk have
// committed on whichever connection loaded them, so foreign key checks always find their parents.
// The generator runs ahead by a bounded number of chunks, which keeps memory flat at any size.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { RowBuffer } from './copy-text.js';

export type Chunk = {
  index: number;
  /** One buffer per table, in an order where parents come first. */
  buffers: RowBuffer[];
  /** Orders in this chunk, for progress reporting. */
  orders: number;
};

type Job = { chunk: Chunk; buffer: RowBuffer };

export async function loadChunks({
  clients,
  dependencies,
  produce,
  lookahead = 2,
  onChunkLoaded,
}: {
  clients: pg.PoolClient[];
  /** table -> tables whose rows of the same chunk must be committed first. */
  dependencies: Record<string, readonly string[]>;
  /** Returns the next chunk, or null when done; may yield to the event loop while generating. */
  produce: () => Promise<Chunk | null>;
  lookahead?: number;
  onChunkLoaded: (chunk: Chunk) => void;
}): Promise<void> {
  const pending: Chunk[] = [];
  const done = new Map<number, Set<string>>();
  const running = new Map<number, Set<string>>();
  let isProducing = true;
  let failure: unknown;
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  const isReady = (chunk: Chunk, table: string) =>
    (dependencies[table] ?? []).every((parent) => done.get(chunk.index)!.has(parent));

  // Oldest chunk first, so children follow their parents closely and chunks leave memory early.
  const takeJob = (): Job | null => {
    for (const chunk of pending) {
      for (const buffer of chunk.buffers) {
        const table = buffer.target.table;
        if (done.get(chunk.index)!.has(table) || running.get(chunk.index)!.has(table)) continue;
        if (!isReady(chunk, table)) continue;
        running.get(chunk.index)!.add(table);
        return { chunk, buffer };
      }
    }
    return null;
  };

  const finish = ({ chunk, buffer }: Job) => {
    running.get(chunk.index)!.delete(buffer.target.table);
    done.get(chunk.index)!.add(buffer.target.table);
    if (done.get(chunk.index)!.size === chunk.buffers.length) {
      pending.splice(pending.indexOf(chunk), 1);
      done.delete(chunk.index);
      running.delete(chunk.index);
      onChunkLoaded(chunk);
    }
    notify();
  };

  const producer = async () => {
    try {
      while (failure === undefined) {
        while (pending.length >= lookahead && failure === undefined) await changed;
        if (failure !== undefined) return;
        const chunk = await produce();
        if (!chunk) return;
        done.set(chunk.index, new Set());
        running.set(chunk.index, new Set());
        pending.push(chunk);
        notify();
      }
    } catch (err) {
      failure ??= err;
    } finally {
      isProducing = false;
      notify();
    }
  };

  const worker = async (client: pg.PoolClient) => {
    while (failure === undefined) {
      const job = takeJob();
      if (job) {
        try {
          await copyRows(client, job.buffer);
        } catch (err) {
          failure ??= err;
          notify();
          return;
        }
        finish(job);
        continue;
      }
      if (!isProducing && pending.length === 0) return;
      await changed;
    }
  };

  await Promise.all([producer(), ...clients.map(worker)]);
  if (failure !== undefined) throw failure;
}

async function copyRows(client: pg.PoolClient, buffer: RowBuffer): Promise<void> {
  if (buffer.rows === 0) return;
  const pieces = buffer.drain();
  await pipeline(Readable.from(pieces, { objectMode: false }), client.query(copyFrom(buffer.copySql())));
  // Let the chunk's text be collected as soon as it is in the database.
  pieces.length = 0;
}
