// The omnibox (issue 7, seed 000 "unified entity lookup"): one query, recognised by shape, looked
// up in parallel in every entity type the operator may read, within the rows they may see (their
// `visibleTo`, and the customer's organization while impersonating), masked as on the entity
// pages. Exact matches come first, with their related entities and recent events; then prefix and
// partial matches. Hidden rows are never looked at, so a result cannot betray their existence.
import type { PrismaClient } from '@prisma/client';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActiveImpersonation } from '../impersonation/impersonation-types.js';
import { can } from '../rbac/access.js';
import { canSeePii, maskFor } from '../rbac/masking.js';
import { rowScope } from '../rbac/row-scope.js';
import { MATCH_RANK, planLookups } from './search-plan.js';
import { shapeValue } from './identifier-shapes.js';
import type { RegisteredSource, SearchRegistry } from './search-registry.js';
import { createSearchRows } from './search-rows.js';
import type { SqlLookups } from './search-sql.js';
import type { Include } from './search-sql-include.js';
import type { Lookup } from './search-plan.js';
import type { RowFilter } from '../platform/plugin.js';
import type { EntityDetails, EntityLink, EntitySummary, RecentEvents, SearchItem } from './search-types.js';

type Row = Record<string, unknown>;

export type SearchExpansion = 'links' | 'events';

export type SearchViewer = { operator: OperatorPrincipal; impersonation: Pick<ActiveImpersonation, 'targetOrgId'> | null };

/** Rows per lookup: exact lookups are on unique keys (one row), partial ones show the first few. */
const EXACT_TAKE = 5;
const PARTIAL_TAKE = 5;
const RECENT_EVENTS = 5;

export type SearchService = ReturnType<typeof createSearchService>;

export function createSearchService({ prisma, sql, registry, recentEvents }: {
  prisma: PrismaClient;
  /** Plain statements for unscoped lookups (search-sql.ts); without it every lookup goes through Prisma. */
  sql?: SqlLookups;
  registry: SearchRegistry;
  /** The timeline's newest events of an entity (src/timeline/); without it results carry none. */
  recentEvents?: RecentEvents;
}) {
  const rows = createSearchRows({ prisma });

  // ---- who may see what: the type (its read permission) and the rows (its scope)
  const readable = (viewer: SearchViewer) => registry.sources.flatMap((source) => {
    if (!can(viewer.operator, source.resource.access.read)) return [];
    const scope = rowScope(source.resource, viewer.operator, viewer.impersonation);
    return scope ? [{ source, scope }] : [];
  });

  const summarize = (source: RegisteredSource, row: Row, viewer: SearchViewer): EntitySummary => {
    const id = String(row[source.idField]);
    const { title, summary } = source.present(maskFor(viewer.operator, row, source.resource.pii));
    return { type: source.type, id, title, summary, href: source.href(id) };
  };

  // The related entities the viewer may open: types they may read, rows within those types' scope.
  async function linksOf(source: RegisteredSource, row: Row, viewer: SearchViewer): Promise<EntityLink[]> {
    const related = source.related?.(row) ?? [];
    const byType = new Map<string, typeof related>();
    for (const r of related) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    const groups = await Promise.all([...byType].map(async ([type, items]) => {
      const target = registry.byType.get(type);
      if (!target || !can(viewer.operator, target.resource.access.read)) return [];
      const scope = rowScope(target.resource, viewer.operator, viewer.impersonation);
      if (!scope) return [];
      const visible = scope.length === 0 ? null : await rows.visibleIds(target, items.map((i) => i.row[target.idField]), scope);
      return items
        .filter((i) => !visible || visible.has(String(i.row[target.idField])))
        .map((i) => ({ relation: i.relation, ...summarize(target, i.row, viewer) }));
    }));
    return groups.flat();
  }

  // Unlimited rows: every such lookup in one plain statement; limited ones: Prisma with the scope's
  // conditions, as the entity pages read them. Both at once.
  async function lookupRows(lookups: Lookup[], scopes: Map<string, RowFilter[]>): Promise<Row[][]> {
    const limitOf = (lookup: Lookup) => (lookup.mode === 'exact' ? EXACT_TAKE : PARTIAL_TAKE);
    const isPlain = (lookup: Lookup) => scopes.get(lookup.source.type)!.length === 0 && Boolean(sql?.knows(lookup.source.model, lookup.identifier.field));
    const plain = lookups.filter(isPlain);
    const [plainRows, scopedRows] = await Promise.all([
      sql ? sql.lookupAll(plain.map((lookup) => ({ lookup, limit: limitOf(lookup) }))) : [],
      Promise.all(lookups.filter((l) => !isPlain(l)).map((lookup) => rows.lookup(lookup, scopes.get(lookup.source.type)!, limitOf(lookup)))),
    ]);
    let p = 0;
    let s = 0;
    return lookups.map((lookup) => (isPlain(lookup) ? plainRows[p++] : scopedRows[s++]));
  }

  // A row with its related rows: one plain statement when the viewer's rows of its type are not
  // limited, else Prisma with the scope's conditions.
  const fullRow = (source: RegisteredSource, id: string | number, scope: RowFilter[]): Promise<Row | null> =>
    scope.length === 0 && sql?.knows(source.model, source.idField)
      ? sql.byId({ model: source.model, idField: source.idField, id, include: source.include as Include | undefined })
      : rows.byId(source, id, scope);

  const eventsOf = async (type: string, id: string, viewer: SearchViewer) =>
    recentEvents ? { recentEvents: await recentEvents({ type, id, limit: RECENT_EVENTS, operator: viewer.operator }) } : {};

  return {
    /**
     * Exact matches first, then prefix, then contains; `expand` adds to each exact match its related
     * entities (`links`, loaded with the type's `include`) and its timeline's newest events.
     */
    async search({ query, viewer, limit, expand = [] }: { query: string; viewer: SearchViewer; limit: number; expand?: SearchExpansion[] }): Promise<SearchItem[]> {
      const visible = readable(viewer);
      const scopes = new Map(visible.map((v) => [v.source.type, v.scope]));
      const lookups = planLookups({ query, sources: visible.map((v) => v.source), canSeePii: canSeePii(viewer.operator) });
      // ---- every recognised shape at once, each bounded
      const matched = await lookupRows(lookups, scopes);
      const found = lookups.map((lookup, i) => ({ lookup, rows: matched[i] }));
      // ---- rank: exact first, then prefix, then contains; one entry per entity
      const seen = new Set<string>();
      const ranked = found
        .flatMap(({ lookup, rows: matched }) => matched.map((row) => ({ lookup, row })))
        .sort((a, b) => MATCH_RANK[a.lookup.mode] - MATCH_RANK[b.lookup.mode])
        .filter(({ lookup, row }) => {
          const key = `${lookup.source.type}:${String(row[lookup.source.idField])}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .slice(0, limit);
      return Promise.all(ranked.map(async ({ lookup, row }): Promise<SearchItem> => {
        const item = { ...summarize(lookup.source, row, viewer), typeLabel: lookup.source.label, matchKind: lookup.mode, matchedOn: lookup.identifier.name };
        if (lookup.mode !== 'exact' || expand.length === 0) return item;
        const scope = scopes.get(lookup.source.type)!;
        const [links, events] = await Promise.all([
          expand.includes('links') ? fullRow(lookup.source, row[lookup.source.idField] as string | number, scope).then((full) => (full ? linksOf(lookup.source, full, viewer) : [])) : undefined,
          expand.includes('events') ? eventsOf(item.type, item.id, viewer) : {},
        ]);
        return { ...item, ...(links ? { links } : {}), ...events };
      }));
    },

    /**
     * One entity's canonical details: `unknown_type` (no such type), `forbidden` (the type's read
     * permission is missing), `not_found` (no such row, or one outside the viewer's scope: the same
     * answer, so a hidden row does not show).
     */
    async entity({ type, id, viewer }: { type: string; id: string; viewer: SearchViewer }): Promise<EntityDetails | 'unknown_type' | 'forbidden' | 'not_found'> {
      const source = registry.byType.get(type);
      if (!source) return 'unknown_type';
      if (!can(viewer.operator, source.resource.access.read)) return 'forbidden';
      const scope = rowScope(source.resource, viewer.operator, viewer.impersonation);
      if (!scope || !source.idShape.test(id)) return 'not_found';
      const row = await rows.byId(source, shapeValue(source.idShape, id), scope);
      if (!row) return 'not_found';
      const [links, events] = await Promise.all([linksOf(source, row, viewer), eventsOf(type, String(row[source.idField]), viewer)]);
      return { ...summarize(source, row, viewer), fields: ownFields(source, maskFor(viewer.operator, row, source.resource.pii)), links, ...events };
    },
  };
}

// The row's own columns: not the related rows its `include` loaded, never its secret columns.
function ownFields(source: RegisteredSource, row: Row): Row {
  const hidden = new Set([...Object.keys(source.include ?? {}), ...(source.resource.secretFields ?? [])]);
  return Object.fromEntries(Object.entries(row).filter(([key]) => !hidden.has(key)).map(([key, value]) => [key, typeof value === 'bigint' ? String(value) : value]));
}
