// The @adminjs/prisma resource, plus what stock AdminJS lacks for tables of millions of rows:
// an estimated total instead of COUNT(*), and keyset paging instead of a deep OFFSET. The stock
// list handler is unchanged; it asks for (offset, limit) and we answer from a cursor.
import { Resource, convertFilter, convertParam } from '@adminjs/prisma';
import type { ActionContext, BaseRecord, Filter } from 'adminjs';
import type { AuditedWriter } from '../hooks/audited-writes.js';
import { CursorCache } from './cursor-cache.js';

export type LargeTableOptions = {
  /** Postgres table name, for the planner's row estimate. */
  table: string;
  /** Properties that can be sorted by an index (the id always can). */
  sortable: string[];
};

type ResourceArgs = ConstructorParameters<typeof Resource>[0] & {
  large?: LargeTableOptions;
  secretFields?: string[];
  /** Runs every write in a transaction with its audit row (src/hooks/audited-writes.ts). */
  write: AuditedWriter;
};
type Sort = { sortBy?: string; direction?: 'asc' | 'desc' };
type Row = Record<string, unknown>;

// Below this many rows an exact count is cheap; above it, the planner's estimate is shown.
const EXACT_COUNT_CAP = 10_000;

export class PrismaResource extends Resource {
  readonly large?: LargeTableOptions;
  private readonly write: AuditedWriter;
  private readonly secretFields: string[];
  private readonly cursors = new CursorCache(5_000);

  constructor(args: ResourceArgs) {
    super(args);
    this.large = args.large;
    this.write = args.write;
    this.secretFields = args.secretFields ?? [];
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

  private where(filter?: Filter): Row {
    return convertFilter(this.model.fields, filter);
  }

  async count(filter: Filter): Promise<number> {
    if (!this.large) return super.count(filter);
    const where = this.where(filter);
    const capped: number = await this.manager.count({ where, take: EXACT_COUNT_CAP + 1 });
    if (capped <= EXACT_COUNT_CAP) return capped;
    if (Object.keys(where).length > 0) return capped;
    const [{ estimate } = { estimate: 0 }] = await this.client.$queryRawUnsafe<{ estimate: number }[]>(
      'SELECT GREATEST(reltuples, 0)::float8 AS estimate FROM pg_class WHERE oid = to_regclass(quote_ident($1))',
      this.large.table,
    );
    return Math.max(capped, Math.round(estimate));
  }

  async find(filter: Filter, params: { limit?: number; offset?: number; sort?: Sort } = {}): Promise<BaseRecord[]> {
    if (!this.large) return super.find(filter, params);
    const { limit = 10, offset = 0 } = params;
    const idPath = this.idProperty.path();
    const sort = this.keysetSort(params.sort);
    const where = this.where(filter);
    const orderBy = [{ [sort.column]: sort.direction }, ...(sort.column === idPath ? [] : [{ [idPath]: sort.direction }])];
    const cacheKey = JSON.stringify({ where, sort, limit });

    let cursor: Row | undefined;
    if (offset > 0) {
      cursor = this.cursors.get(cacheKey, offset);
      // A jump without a known cursor: locate the row before the page by reading only the keys,
      // which an index-only scan serves without touching the heap rows in between.
      cursor ??= (
        await this.manager.findMany({
          where,
          orderBy,
          skip: offset - 1,
          take: 1,
          select: { [idPath]: true, [sort.column]: true },
        })
      )[0];
      if (!cursor) return [];
    }
    const rows: Row[] = await this.manager.findMany({
      where: cursor ? { AND: [where, this.after(cursor, sort, idPath)] } : where,
      orderBy,
      take: limit,
    });
    const last = rows[rows.length - 1];
    if (last && rows.length === limit) this.cursors.set(cacheKey, offset + limit, { [idPath]: last[idPath], [sort.column]: last[sort.column] });
    return rows.map((row) => this.build(this.prepareReturnValues(row)));
  }

  private keysetSort(sort: Sort = {}): { column: string; direction: 'asc' | 'desc' } {
    const direction = sort.direction === 'asc' ? 'asc' : 'desc';
    const column = sort.sortBy && this.large!.sortable.includes(sort.sortBy) ? sort.sortBy : this.idProperty.path();
    return { column, direction };
  }

  // Rows strictly after the cursor in (column, id) order. The first conjunct bounds the index scan;
  // an OR alone would make Postgres walk the index from the top again.
  private after(cursor: Row, sort: { column: string; direction: 'asc' | 'desc' }, idPath: string): Row {
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
