// The one entry through which a domain pack extends a deployment: its resources (AdminJS over its
// Prisma models) and its demo/scale data. Later capabilities (actions, flags, timeline and search
// sources) hang off the same definition, so adding to a deployment stays configuration.
import type pg from 'pg';
import type { PrismaClient } from '@prisma/client';
import type { ResourceOptions } from 'adminjs';
import type { Logger } from './logger.js';

export type ResourceDefinition = {
  /** Prisma model name, e.g. 'Order'. */
  model: string;
  /** Navigation group shown in the backoffice sidebar. */
  navigation: string;
  /** Tables that can hold millions of rows get estimated totals and keyset paging. */
  isLarge?: boolean;
  /** For large tables: indexed properties a list may sort by (the id always can). */
  sortable?: string[];
  /** Columns that never leave the server (password hashes, secrets): not even in API responses. */
  secretFields?: string[];
  /** AdminJS resource options (list columns, filters, sort); configuration only. */
  options?: ResourceOptions;
};

export type SeedContext = {
  pool: pg.Pool;
  prisma: PrismaClient;
  log: Logger;
  /** Seed for the deterministic generator: the same seed gives the same data. */
  seed: number;
};

export type Plugin = {
  id: string;
  resources: ResourceDefinition[];
  /** A small realistic data set, run once on a first start. */
  seedDemo?: (ctx: SeedContext) => Promise<void>;
  /** Bulk generator for `npm run seed -- --orders N`; returns rows written per table. */
  seedScale?: (ctx: SeedContext & { orders: number }) => Promise<Record<string, number>>;
};

export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
