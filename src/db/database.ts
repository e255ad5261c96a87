// Prisma and our raw SQL share one pg pool; Prisma runs on the pg driver adapter
// (no native query engine, see ../shared/STACK.md), and joins `inTransaction` scopes.
import pg from 'pg';
import { PrismaClient } from '@prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { scopedPool } from './transaction-scope.js';
import { CoalescingClient } from './coalescing-client.js';

export type Database = {
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
  close: () => Promise<void>;
};

export function createDatabase({ url, max = 10, onIdleError }: { url: string; max?: number; onIdleError?: (err: Error) => void }): Database {
  // Idle connections are kept five minutes (pg's default is 10 s): a new one costs the SCRAM
  // handshake plus PostgreSQL's per-connection catalog caches (the omnibox's first statement on a
  // fresh connection plans in 17 ms instead of 0.7 ms), which an operator clicking every few
  // seconds would otherwise pay again and again. Idle connections alone do not keep a process alive.
  const pool = new pg.Pool({
    connectionString: url, max, application_name: 'opsdeck', connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 5 * 60_000, allowExitOnIdle: true, Client: CoalescingClient,
  });
  // An idle client losing its connection (server restart) must not crash the process; the next
  // query reconnects, and readiness reports the outage.
  pool.on('error', (err) => onIdleError?.(err));
  // Prisma joins the transaction of src/db/transaction-scope.ts when called inside one.
  const prisma = new PrismaClient({ adapter: new PrismaPg(scopedPool(pool)) });
  return {
    url,
    pool,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
