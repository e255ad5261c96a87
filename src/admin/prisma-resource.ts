// The @adminjs/prisma resource, plus what stock AdminJS lacks for tables of millions of rows:
// an estimated total instead of COUNT(*), keyset paging instead of a deep OFFSET, and text filters
// that match a value's start (its index) instead of anywhere in it. The stock list handler is
// unchanged; it asks for (offset, limit) and we answer from a cursor.
//
// Resources with `visibleTo` (row-level visibility) answer every read (list, count, show, search,
// bulk selections, related records) only within the operator's rows, from the action context's
// currentAdmin: a row outside does not exist for them, whatever the UI asks. Virtual filters
// (conditions that are not columns) are resolved here too. While an operator impersonates a
// customer, resources with a `tenantScope` answer within the customer's organization likewise.
import { Resource, convertFilter, convertParam } from '@adminjs/prisma';
import { BaseRecord, type ActionContext, type Filter } from 'adminjs';
import type { AuditedWriter } from '../hooks/audited-writes.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { RowFilter, VirtualFilter } from '../platform/plugin.js';
import { CursorCache } from './cursor-cache.js';
import { currentImpersonation } from '../impersonation/impersonation-context.js';
import { rowScope } from '../rbac/row-scope.js';
import { escapeLike } from '../db/like-pattern.js';
import { columnOf, listKey } from './list-anchors/large-lists.js';
import type { AscendingKeys, ListPositions } from './list-anchors/list-positions.js';

export type LargeTableOptions = {
  /** Postgres table name, for the planner's row estimate. */
  table: string;
  /** Properties that can be sorted by an index (the id always can). */
  sortable: string[];
  /** The lists' page anchors (src/admin/list-anchors/): a jump without a cursor starts there. */
  positions?: ListPositions;
};

type ResourceArgs = ConstructorParameters<typeof Resource>[0] & {
  large?: LargeTableOptions;
  secretFields?: string[];
  /** Runs every write in a transaction with its audit row (src/hooks/audited-writes.ts). */
  write: AuditedWriter;
  visibleTo?: (operator: OperatorPrincipal) => RowFilter;
  virtualFilters?: Record<string, VirtualFilter>;
  /** The rows of one organization, applied while the request impersonates one of its users. */
  tenantScope?: (orgId: number) => RowFilter;
};
type Sort = { sortBy?: string; direction?: 'asc' | 'desc' };
type KeysetSort = { column: string; direction: 'asc' | 'desc' };
type Row = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Below this many rows an exact count is cheap; above it, the planner's estimate is shown.
const EXACT_COUNT_CAP = 10_000;

export class PrismaResource extends Resource {
  readonly large?: LargeTableOptions;
  private readonly write: AuditedWriter;
  private readonly secretFields: string[];
  private readonly cursors = new CursorCache(5_000);
  private readonly visibleTo?: (operator: OperatorPrincipal) => RowFilter;
  private readonly virtualFilters: Record<string, VirtualFilter>;
  private readonly tenantScope?: (orgId: number) => RowFilter;

  constructor(args: ResourceArgs) {
    super(args);
    this.large = args.large;
    this.write = args.write;
    this.secretFields = args.secretFields ?? [];
    this.visibleTo = args.visibleTo;
    this.virtualFilters = args.virtualFilters ?? {};
    this.tenantScope = args.tenantScope;
    // Secret columns are dropped from the resource itself: hiding them in the UI (isVisible) would
    // still send them in every list and show response.
    for (const field of args.secretFields ?? []) delete (this.propertiesObject as Record<string, unknown>)[field];
  }

  // ---- Writes: never straight to the table, always through the audited writer.
  private key(id: string | number): Row {
    const idProperty = this.idProperty;
    return { [idProperty.path()]: convertParam(idProperty, this.model.fields, id) };
  }

  async create(params: Row, context?: ActionContext): Promise<Row> {
    const row = await this.write({
      kind: 'new', model: this.id(), idField: this.idProperty.path(), data: this.prepareParams(params),
      currentAdmin: context?.currentAdmin as never, secretFields: this.secretFields,
    });
    return this.prepareReturnValues(row);
  }

  async update(id: string, params: Row = {}, context?: ActionContext): Promise<Row> {
    const row = await this.write({
      kind: 'edit', model: this.id(), idField: this.idProperty.path(), where: this.key(id), data: this.prepareParams(params),
      currentAdmin: context?.currentAdmin as never, secretFields: this.secretFields,
    });
    return this.prepareReturnValues(row);
  }

  async delete(id: string, context?: ActionContext): Promise<void> {
    await this.write({
      kind: 'delete', model: this.id(), idField: this.idProperty.path(), where: this.key(id),
      currentAdmin: context?.currentAdmin as never, secretFields: this.secretFields,
    });
  }

  // ---- Reads: the filter's columns, its virtual filters, and the operator's rows. null: nothing.
  private where(filter: Filter | undefined, context?: ActionContext): Row | null {
    const columns = Object.fromEntries(Object.entries(filter?.filters ?? {}).filter(([, f]) => f.property));
    const conditions: Row[] = [this.textFiltersAsPrefixes(convertFilter(this.model.fields, filter ? ({ ...filter, filters: columns } as Filter) : undefined))];
    const operator = context?.currentAdmin as OperatorPrincipal | undefined;
    for (const { path, value } of Object.values(filter?.filters ?? {})) {
      if (columns[path]) continue;
      const virtual = this.virtualFilters[path];
      // A filter on something that is neither a column nor a virtual filter matches nothing.
      if (!virtual || !operator) return null;
      const condition = virtual.where(String(value), operator);
      if (!condition) return null;
      conditions.push(condition);
    }
    // The operator's rows; while impersonating, a tenant's resource shows that tenant's rows only.
    const scope = rowScope({ visibleTo: this.visibleTo, tenantScope: this.tenantScope }, operator, this.tenantScope ? currentImpersonation() : undefined);
    if (!scope) return null;
    conditions.push(...scope);
    const nonEmpty = conditions.filter((c) => Object.keys(c).length > 0);
    return nonEmpty.length <= 1 ? (nonEmpty[0] ?? {}) : { AND: nonEmpty };
  }

  // Stock AdminJS matches a text filter anywhere in the value (LIKE '%q%'): on a large table that
  // reads every row, whatever the index (a tracking number, a payment reference). A large table's
  // text filters match the value's start instead (LIKE 'q%'), which the column's btree answers.
  private textFiltersAsPrefixes(where: Row): Row {
    if (!this.large) return where;
    return Object.fromEntries(Object.entries(where).map(([key, condition]) => {
      const contains = (condition as { contains?: unknown } | null)?.contains;
      return [key, typeof contains === 'string' ? { startsWith: escapeLike(contains) } : condition];
    }));
  }

  /** The record's key within the operator's rows (null when the id cannot name a row of this model). */
  private keyWhere(id: string | number, context?: ActionContext): Row | null {
    const scope = this.where(undefined, context);
    if (!scope) return null;
    const key = this.key(id);
    return Object.keys(scope).length === 0 ? key : { AND: [key, scope] };
  }

  // A uuid key asked for "abc" (a hand-typed URL) names no row; PostgreSQL would refuse the query.
  private isPossibleId(id: string | number): boolean {
    const nativeType = (this.idProperty as unknown as { column?: { nativeType?: [string, unknown] | null } }).column?.nativeType?.[0];
    return nativeType !== 'Uuid' || UUID.test(String(id));
  }

  async findOne(id: string | number, context?: ActionContext): Promise<BaseRecord | null> {
    const where = this.isPossibleId(id) ? this.keyWhere(id, context) : null;
    if (!where) return null;
    const row = await this.manager.findFirst({ where });
    return row ? this.build(this.prepareReturnValues(row)) : null;
  }

  async findMany(ids: (string | number)[], context?: ActionContext): Promise<BaseRecord[]> {
    const scope = this.where(undefined, context);
    const possible = ids.filter((id) => this.isPossibleId(id));
    if (!scope || possible.length === 0) return [];
    const idPath = this.idProperty.path();
    const keys = { [idPath]: { in: possible.map((id) => convertParam(this.idProperty, this.model.fields, id)) } };
    const rows: Row[] = await this.manager.findMany({ where: Object.keys(scope).length === 0 ? keys : { AND: [keys, scope] } });
    return rows.map((row) => this.build(this.prepareReturnValues(row)));
  }

  async count(filter: Filter, context?: ActionContext): Promise<number> {
    const where = this.where(filter, context);
    if (!where) return 0;
    if (!this.large) return this.manager.count({ where });
    const isFiltered = Object.keys(where).length > 0;
    // An anchored list knows its size (src/admin/list-anchors/); tables too small for anchors are counted.
    const idSort: KeysetSort = { column: this.idProperty.path(), direction: 'asc' };
    const anchored = isFiltered ? null : await this.large.positions?.total(this.listKey(idSort), this.ascendingKeys(idSort));
    if (anchored) return anchored;
    const capped: number = await this.manager.count({ where, take: EXACT_COUNT_CAP + 1, orderBy: this.countOrder(where) });
    if (capped <= EXACT_COUNT_CAP || isFiltered) return capped;
    const [{ estimate } = { estimate: 0 }] = await this.client.$queryRawUnsafe<{ estimate: number }[]>(
      'SELECT GREATEST(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = to_regclass(quote_ident($1))',
      this.large.table,
    );
    return Math.max(capped, Math.round(estimate));
  }

  // Prisma orders every LIMITed query, by the id unless told otherwise; ordered by the id, Postgres
  // walks the primary key testing the filter on each row (60 ms for a status in 0.4% of 10 million
  // orders). Ordered by the first filtered column instead, the filter's own index serves the count.
  private countOrder(where: Row): Row[] | undefined {
    const column = Object.keys(where).find((key) => this.model.fields.some((f: { name: string; kind: string }) => f.name === key && f.kind !== 'object'));
    return column ? [{ [column]: 'asc' }] : undefined;
  }

  async find(filter: Filter, params: { limit?: number; offset?: number; sort?: Sort } = {}, context?: ActionContext): Promise<BaseRecord[]> {
    const where = this.where(filter, context);
    if (!where) return [];
    if (!this.large) {
      const { limit = 10, offset = 0, sort = {} } = params;
      const rows: Row[] = await this.manager.findMany({ where, skip: offset, take: limit, orderBy: this.buildSortBy(sort) });
      return rows.map((row) => new BaseRecord(this.prepareReturnValues(row), this));
    }
    const { limit = 10, offset = 0 } = params;
    const idPath = this.idProperty.path();
    const sort = this.keysetSort(params.sort);
    const cacheKey = JSON.stringify({ where, sort, limit });

    let cursor: Row | undefined;
    if (offset > 0) {
      cursor = this.cursors.get(cacheKey, offset) ?? (await this.rowBefore({ where, sort, offset }));
      if (!cursor) return [];
    }
    const rows: Row[] = await this.manager.findMany({
      where: cursor ? { AND: [where, this.after(cursor, sort, idPath)] } : where,
      orderBy: this.orderBy(sort),
      take: limit,
    });
    const last = rows[rows.length - 1];
    if (last && rows.length === limit) this.cursors.set(cacheKey, offset + limit, { [idPath]: last[idPath], [sort.column]: last[sort.column] });
    return rows.map((row) => this.build(this.prepareReturnValues(row)));
  }

  // A page reached without a known cursor (a jump, another instance): the row before it, from the
  // list's anchors when it has them (unfiltered lists of large tables), else by reading only the
  // keys up to it, which an index-only scan serves without touching the heap rows in between.
  private async rowBefore({ where, sort, offset }: { where: Row; sort: KeysetSort; offset: number }): Promise<Row | undefined> {
    if (Object.keys(where).length === 0 && this.large?.positions) {
      const anchored = await this.large.positions.rowBefore({ list: this.listKey(sort), keys: this.ascendingKeys(sort), offset, direction: sort.direction });
      if (anchored !== undefined) return anchored ?? undefined;
    }
    const [row] = await this.manager.findMany({ where, orderBy: this.orderBy(sort), skip: offset - 1, take: 1, select: this.keySelect(sort) });
    return row;
  }

  private listKey(sort: KeysetSort): string {
    const field = this.model.fields.find((f: { name: string }) => f.name === sort.column);
    return listKey(this.large!.table, field ? columnOf(field) : sort.column);
  }

  // The list's order ascending, over Prisma (src/admin/list-anchors/list-positions.ts).
  private ascendingKeys(sort: KeysetSort): AscendingKeys {
    const ascending: KeysetSort = { column: sort.column, direction: 'asc' };
    const [orderBy, select, idPath] = [this.orderBy(ascending), this.keySelect(ascending), this.idProperty.path()];
    return {
      keysOf: async (rowId) => (this.isPossibleId(rowId) ? this.manager.findUnique({ where: this.key(rowId), select }) : null),
      countAfter: (row, cap) => this.manager.count({ where: this.after(row, ascending, idPath), orderBy, take: cap + 1 }),
      nthAfter: async (row, skip) => (await this.manager.findMany({ where: this.after(row, ascending, idPath), orderBy, skip, take: 1, select }))[0] ?? null,
    };
  }

  private orderBy(sort: KeysetSort): Row[] {
    const idPath = this.idProperty.path();
    return [{ [sort.column]: sort.direction }, ...(sort.column === idPath ? [] : [{ [idPath]: sort.direction }])];
  }

  private keySelect(sort: KeysetSort): Row {
    return { [this.idProperty.path()]: true, [sort.column]: true };
  }

  private keysetSort(sort: Sort = {}): KeysetSort {
    const direction = sort.direction === 'asc' ? 'asc' : 'desc';
    const column = sort.sortBy && this.large!.sortable.includes(sort.sortBy) ? sort.sortBy : this.idProperty.path();
    return { column, direction };
  }

  // Rows strictly after the cursor in (column, id) order. The first conjunct bounds the index scan;
  // an OR alone would make Postgres walk the index from the top again.
  private after(cursor: Row, sort: KeysetSort, idPath: string): Row {
    const [strict, loose] = sort.direction === 'desc' ? ['lt', 'lte'] : ['gt', 'gte'];
    if (sort.column === idPath) return { [idPath]: { [strict]: cursor[idPath] } };
    const value = cursor[sort.column];
    if (value === null || value === undefined) return { [idPath]: { [strict]: cursor[idPath] } };
    return {
      AND: [
        { [sort.column]: { [loose]: value } },
        { OR: [{ [sort.column]: { [strict]: value } }, { [idPath]: { [strict]: cursor[idPath] } }] },
      ],
    };
  }
}
