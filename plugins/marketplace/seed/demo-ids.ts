// The demo assigns its own ids, read once from the database, so it can wire every relation while
// building rows in memory and insert each table with one createMany (no per-row round trips).
import type { MarketplaceTable } from './sequences.js';

export type IdAllocator = { next: (table: MarketplaceTable) => number };

export function createIdAllocator(firstIds: Record<MarketplaceTable, number>): IdAllocator {
  const next = { ...firstIds };
  return { next: (table) => next[table]++ };
}
