// Adapters from the two ways opsdeck holds a transaction to the SqlExecutor the audit service
// writes through: a Prisma interactive transaction and a pg client (a PoolClient after BEGIN).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { SqlExecutor } from './types.js';

/** The part of a Prisma interactive transaction client (`prisma.$transaction(async (tx) => ...)`) used here. */
export type PrismaRawClient = { $queryRawUnsafe: <T = unknown>(query: string, ...values: unknown[]) => Promise<T> };

export function prismaExecutor(tx: PrismaRawClient): SqlExecutor {
  return {
    query: async (sql, params) => ({ rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params) }),
  };
}

// Statements run on every append are prepared once per connection (named), which saves planning
// them on each call; other SQL goes through unnamed, so callers cannot grow the server's cache.
const PREPARED = new Map<string, string>();

export function registerPreparedStatement(sql: string): void {
  PREPARED.set(sql, `opsdeck_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`);
}

export function pgExecutor(client: Pick<pg.ClientBase, 'query'>): SqlExecutor {
  return {
    query: async (sql, params) => {
      const name = PREPARED.get(sql);
      const result = await client.query<Record<string, unknown>>(name ? { name, text: sql, values: params } : { text: sql, values: params });
      return { rows: result.rows };
    },
  };
}
