// One transaction on one pg connection that both our SQL and Prisma use. Prisma's interactive
// transactions cost CPU of their own and cannot share a connection with plain pg. Instead, the
// pool Prisma is given routes `query` to the connection of the transaction the caller is in (an
// AsyncLocalStorage scope), so inside `inTransaction` a Prisma call and a plain `client.query` are
// in the same transaction; a transaction Prisma opens inside the scope becomes a savepoint.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

const scope = new AsyncLocalStorage<pg.PoolClient>();

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
        return (...args: Parameters<pg.Pool['query']>) => ((scope.getStore() ?? target).query as (...a: unknown[]) => unknown)(...args);
      }
      if (property === 'connect') {
        return (...args: unknown[]) => {
          const client = scope.getStore();
          return client ? Promise.resolve(nestedConnection(client)) : (target.connect as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Runs `work` in a transaction on one connection; Prisma calls inside it join the transaction. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, { begin = 'BEGIN' }: { begin?: string } = {}): Promise<T> {
  const client = await pool.connect();
  let isBroken = false;
  try {
    await client.query(begin);
    const result = await scope.run(client, () => work(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (isBroken = true));
    throw err;
  } finally {
    // A connection that could not roll back is not given back to the pool.
    client.release(isBroken);
  }
}

/** Runs `work` in a savepoint of the transaction `client` is in (one failure undoes only its writes). */
export async function inSavepoint<T>(client: pg.PoolClient, name: string, work: () => Promise<T>): Promise<T> {
  await client.query(`SAVEPOINT ${name}`);
  try {
    const result = await scope.run(client, work);
    await client.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}
