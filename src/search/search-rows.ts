// The omnibox's reads through Prisma, so a resource's `visibleTo` and `tenantScope` (Prisma
// conditions) apply exactly as on its backoffice pages (unscoped lookups: search-sql.ts). Each
// lookup is one bounded statement on
// one index: equality for exact matches, LIKE 'q%' ordered by the column for prefixes (the btree
// walks in order and stops at the LIMIT; without the ORDER BY the planner may prefer a sequential
// scan), ILIKE '%q%' for contains (a pg_trgm GIN bitmap).
import type { PrismaClient } from '@prisma/client';
import type { RowFilter } from '../platform/plugin.js';
import { scopedWhere } from '../rbac/row-scope.js';
import type { Lookup } from './search-plan.js';
import type { RegisteredSource } from './search-registry.js';
import { escapeLike } from '../db/like-pattern.js';

type Row = Record<string, unknown>;
type Delegate = {
  findMany: (args: Record<string, unknown>) => Promise<Row[]>;
  findFirst: (args: Record<string, unknown>) => Promise<Row | null>;
};

export type SearchRows = ReturnType<typeof createSearchRows>;

export function createSearchRows({ prisma }: { prisma: PrismaClient }) {
  const delegate = (model: string): Delegate => (prisma as unknown as Record<string, Delegate>)[model[0].toLowerCase() + model.slice(1)];

  const condition = ({ identifier, mode, value }: Lookup): RowFilter => {
    if (mode === 'exact') return { [identifier.field]: value };
    // Prisma passes these into LIKE as they are: the operator's wildcards are escaped here.
    if (mode === 'prefix') return { [identifier.field]: { startsWith: escapeLike(String(value)) } };
    return { [identifier.field]: { contains: escapeLike(String(value)), mode: 'insensitive' } };
  };

  return {
    /** The rows one lookup finds within the scope. */
    lookup(lookup: Lookup, scope: RowFilter[], limit: number): Promise<Row[]> {
      const { source, identifier, mode } = lookup;
      return delegate(source.model).findMany({
        where: scopedWhere(condition(lookup), scope),
        take: limit,
        ...(mode === 'prefix' ? { orderBy: { [identifier.field]: 'asc' } } : {}),
      });
    },

    /** One row by key within the scope, with its related rows. */
    byId(source: RegisteredSource, id: string | number, scope: RowFilter[]): Promise<Row | null> {
      return delegate(source.model).findFirst({
        where: scopedWhere({ [source.idField]: id }, scope),
        ...(source.include ? { include: source.include } : {}),
      });
    },

    /** Which of these keys name rows within the scope (for links to scoped resources). */
    async visibleIds(source: RegisteredSource, ids: unknown[], scope: RowFilter[]): Promise<Set<string>> {
      const rows = await delegate(source.model).findMany({
        where: scopedWhere({ [source.idField]: { in: ids } }, scope),
        select: { [source.idField]: true },
      });
      return new Set(rows.map((r) => String(r[source.idField])));
    },
  };
}
