// One transaction on one pg connection that both our SQL and Prisma use. Prisma's interactive
// transactions cost CPU of their own and cannot share a connection with plain pg. Instead, the
// pool Prisma is given routes `query` to the connection of the transaction the caller is in (an
// AsyncLocalStorage scope), so inside `inTransaction` a Prisma call and a plain `client.query` are
// in the same transaction; a transaction Prisma opens inside the scope becomes a savepoint.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { setPipelineMode } from './coalescing-client.js';

// The transaction (or savepoint) the caller is in: its connection, and the statements sent in it
// whose answers are awaited together with its COMMIT (or RELEASE).
type Frame = { client: pg.PoolClient; pending: Promise<unknown>[] };
const scope = new AsyncLocalStorage<Frame>();

type QueryArg = string | { text: string };
const sqlText = (arg: QueryArg) => (typeof arg === 'string' ? arg : arg.text).trim().toUpperCase();
let savepoints = 0;

/**
 * The scope's connection as a "new" connection for Prisma's own transactions (nested writes,
 * upserts open one): its BEGIN, COMMIT and ROLLBACK become a savepoint of the scope's transaction,
 * and releasing it gives nothing back to the pool. Without this, Prisma would take a second
 * connection and wait on the rows the scope's transaction has locked, for ever.
 */
function nestedConnection(client: pg.PoolClient): pg.PoolClient {
  const name = `prisma_${(savepoints = (savepoints + 1) % 1_000_000)}`;
  const translate: Record<string, string> = { BEGIN: `SAVEPOINT ${name}`, COMMIT: `RELEASE SAVEPOINT ${name}`, ROLLBACK: `ROLLBACK TO SAVEPOINT ${name}` };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query') {
        return (arg: QueryArg, ...rest: unknown[]) => {
          const savepoint = translate[sqlText(arg)];
          return (target.query as (...a: unknown[]) => unknown)(savepoint ?? arg, ...(savepoint ? [] : rest));
        };
      }
      if (property === 'release') return () => undefined;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The pool as Prisma's adapter sees it: inside a scope, everything goes to the scope's transaction. */
export function scopedPool(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, property) {
      if (property === 'query') {
        return (...args: Parameters<pg.Pool['query']>) => ((scope.getStore()?.client ?? target).query as (...a: unknown[]) => unknown)(...args);
      }
      if (property === 'connect') {
        return (...args: unknown[]) => {
          const client = scope.getStore()?.client;
          return client ? Promise.resolve(nestedConnection(client)) : (target.connect as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Hands the enclosing transaction a statement already sent and not yet answered: its answer is
 * awaited with the transaction's COMMIT (or the savepoint's RELEASE), which the pool's pipeline
 * mode sends right behind it, so the tail of a transaction costs one round trip. If it fails, the
 * transaction is aborted, the COMMIT only rolls back, and the failure is what the caller gets.
 */
export function settleAtCommit(statement: Promise<unknown>): void {
  const frame = scope.getStore();
  if (!frame) throw new Error('settleAtCommit outside inTransaction or inSavepoint');
  statement.catch(() => undefined); // awaited (and thrown) at commit, not unhandled meanwhile
  frame.pending.push(statement);
}

/** Sends `end` (COMMIT, RELEASE) behind the frame's pending statements; throws the first failure. */
async function settle(frame: Frame, end: string): Promise<void> {
  const results = await Promise.allSettled([...frame.pending, frame.client.query(end)]);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Runs `work` in a transaction on one connection; Prisma calls inside it join the transaction. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, { begin = 'BEGIN' }: { begin?: string } = {}): Promise<T> {
  const client = await pool.connect();
  // Pipeline mode for this transaction only: statements issued together are sent without waiting
  // for each answer (settleAtCommit, inSavepoint). The pool's other users keep the plain mode,
  // which streams (pg-query-stream, COPY) need. Switching is safe while the connection is idle,
  // as it is here and again in `finally`, after the last answer.
  setPipelineMode(client, true);
  let isBroken = false;
  try {
    await client.query(begin);
    const frame: Frame = { client, pending: [] };
    const result = await scope.run(frame, () => work(client));
    await settle(frame, 'COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (isBroken = true));
    throw err;
  } finally {
    setPipelineMode(client, false);
    // A connection that could not roll back is not given back to the pool.
    client.release(isBroken);
  }
}

/** Runs `work` in a savepoint of the transaction `client` is in (one failure undoes only its writes). */
export async function inSavepoint<T>(client: pg.PoolClient, name: string, work: () => Promise<T>): Promise<T> {
  // Not awaited: the savepoint goes out with the work's first statements (the pool pipelines them).
  // Were it to fail, the enclosing transaction is aborted, so every statement after it fails too,
  // the ROLLBACK TO below fails, and the caller's transaction rolls back whole.
  const saved = client.query(`SAVEPOINT ${name}`);
  const frame: Frame = { client, pending: [saved] };
  saved.catch(() => undefined);
  try {
    const result = await scope.run(frame, work);
    await settle(frame, `RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
