// The lookups of operators whose rows of a type are not limited (no `visibleTo`, not
// impersonating: the common case) go to PostgreSQL as one plain statement each, over the pg pool:
// Prisma's query compiler costs about ten times the CPU of the statement itself, and a query of
// digits runs eight lookups at once. The statement is what Prisma would send, on the same columns,
// with the row in Prisma's field names, so the sources' `present` reads either alike. Limited
// rows (a scope of Prisma conditions) go through Prisma (search-rows.ts), like the entity pages.
import type pg from 'pg';
import type { Lookup } from './search-plan.js';

type Row = Record<string, unknown>;
type DmmfModel = { name: string; dbName: string | null; fields: { name: string; dbName?: string | null; kind: string }[] };

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** LIKE's wildcards and escape typed by the operator match themselves. */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

export type SqlLookups = ReturnType<typeof createSqlLookups>;

export function createSqlLookups({ pool, models }: { pool: pg.Pool; models: DmmfModel[] }) {
  // ---- per model: its table and its scalar columns as Prisma names them (enums as text)
  const tables = new Map(models.map((model) => {
    const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const columnOf = new Map(scalars.map((f) => [f.name, f.dbName ?? f.name]));
    const select = scalars.map((f) => `${ident(f.dbName ?? f.name)}${f.kind === 'enum' ? '::text' : ''} AS ${ident(f.name)}`).join(', ');
    return [model.name, { table: ident(model.dbName ?? model.name), select, columnOf }] as const;
  }));

  return {
    /** Whether this model's fields are known (a source on a model the DMMF lacks stays on Prisma). */
    knows: (model: string, field: string) => Boolean(tables.get(model)?.columnOf.has(field)),

    async lookup({ source, identifier, mode, value }: Lookup, limit: number): Promise<Row[]> {
      const { table, select, columnOf } = tables.get(source.model)!;
      const column = ident(columnOf.get(identifier.field)!);
      const sql = `SELECT ${select} FROM ${table} WHERE `;
      if (mode === 'exact') {
        // Named: prepared once per connection; an equality plans the same for every value.
        return (await pool.query({ name: `search:${source.type}:${identifier.name}`, text: `${sql}${column} = $1 LIMIT ${limit}`, values: [value] })).rows;
      }
      // Unnamed, so each is planned with its pattern: a generic plan cannot use the prefix's range.
      // A prefix walks the btree in order (without the ORDER BY the planner may scan the table).
      if (mode === 'prefix') return (await pool.query(`${sql}${column} LIKE $1 ORDER BY ${column} LIMIT ${limit}`, [`${escapeLike(String(value))}%`])).rows;
      return (await pool.query(`${sql}${column} ILIKE $1 LIMIT ${limit}`, [`%${escapeLike(String(value))}%`])).rows;
    },
  };
}
