// Seeders assign ids themselves (so children can reference parents without a round trip), then move
// each table's id sequence past the rows written, so later inserts through Prisma do not collide.

/**
 * Advisory lock key held while a seeder picks and writes ids: two seeders at once would pick the
 * same ranges. The second one waits, then appends after the first.
 */
export const SEED_LOCK_KEY = 7_310_594_113_981_540; // 'marketplace seed', any stable bigint

export type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** The tables the marketplace seeders write, parents before children. */
export const MARKETPLACE_TABLES = [
  'organizations', 'customer_users', 'catalog_items', 'listings', 'checkouts', 'orders',
  'order_items', 'shipments', 'payments', 'payment_allocations', 'refunds', 'payouts',
  'payout_holds', 'ledger_entries', 'disputes', 'dispute_evidence', 'support_cases',
  'support_case_notes', 'risk_flags', 'trust_cases', 'catalog_change_requests',
] as const;

export type MarketplaceTable = (typeof MARKETPLACE_TABLES)[number];

/** First free id per table: one above both the largest row and the sequence's last value. */
export async function firstFreeIds<T extends string>({ query, tables }: {
  query: Query;
  tables: readonly T[];
}): Promise<Record<T, number>> {
  // Table names come from the constant list above, never from input, so interpolation is safe.
  const selects = tables.map((table) => `SELECT '${table}' AS t,
    GREATEST((SELECT COALESCE(max(id), 0) FROM ${table}),
             (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END
                FROM ${sequenceOf(table)})) + 1 AS next`);
  const rows = await query(selects.join(' UNION ALL '));
  const result = {} as Record<T, number>;
  for (const row of rows) result[row.t as T] = Number(row.next);
  return result;
}

/** Moves each sequence to the table's largest id, so the next default id is max(id) + 1. */
export async function syncSequences({ query, tables }: { query: Query; tables: readonly string[] }) {
  const selects = tables.map((table) => `SELECT setval('${sequenceOf(table)}',
    GREATEST((SELECT COALESCE(max(id), 0) FROM ${table}),
             (SELECT last_value FROM ${sequenceOf(table)}), 1),
    (SELECT max(id) IS NOT NULL FROM ${table}) OR (SELECT is_called FROM ${sequenceOf(table)}))`);
  await query(selects.join(' UNION ALL '));
}

// Prisma names serial sequences <table>_id_seq; pg_get_serial_sequence would cost a lookup each.
function sequenceOf(table: string): string {
  return `${table}_id_seq`;
}
