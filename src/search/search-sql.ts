// The lookups of operators whose rows of a type are not limited (no `visibleTo`, not
// impersonating: the common case) go to PostgreSQL as one plain statement for all of them, over
// the pg pool: Prisma's query compiler costs about ten times the CPU of the statement itself, and a
// query of digits runs nine lookups at once (one round trip instead of nine). Each subquery is what
// Prisma would send, on the same columns, with the row in Prisma's field names, so the sources'
// `present` reads either alike. Limited rows (a scope of Prisma conditions) go through Prisma
// (search-rows.ts), like the entity pages.
import type pg from 'pg';
import { escapeLike } from '../db/like-pattern.js';
import type { Lookup } from './search-plan.js';
import { ident, includeSelect, scalarSelect, type Include, type IncludeModel } from './search-sql-include.js';

type Row = Record<string, unknown>;

export type SqlLookups = ReturnType<typeof createSqlLookups>;

export function createSqlLookups({ pool, models }: { pool: pg.Pool; models: IncludeModel[] }) {
  // ---- per model: its table and its scalar columns as Prisma names them (enums as text)
  const byName = new Map(models.map((model) => [model.name, model]));
  const tables = new Map(models.map((model) => {
    const scalars = model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
    const columnOf = new Map(scalars.map((f) => [f.name, f.dbName ?? f.name]));
    return [model.name, { table: ident(model.dbName ?? model.name), select: scalarSelect(model), columnOf }] as const;
  }));
  const byIdStatements = new Map<string, string>();

  return {
    /** Whether this model's field is known (a source on a model the DMMF lacks stays on Prisma). */
    knows: (model: string, field: string) => Boolean(tables.get(model)?.columnOf.has(field)),

    /**
     * The rows of each lookup, all in ONE statement (UNION ALL of bounded subqueries): one round
     * trip whatever the query fanned out to. Rows come back as JSON (timestamps as ISO strings).
     */
    async lookupAll(lookups: { lookup: Lookup; limit: number }[]): Promise<Row[][]> {
      if (lookups.length === 0) return [];
      const values: unknown[] = [];
      const parts = lookups.map(({ lookup: { source, identifier, mode, value }, limit }, i) => {
        const { table, select, columnOf } = tables.get(source.model)!;
        const column = ident(columnOf.get(identifier.field)!);
        values.push(mode === 'exact' ? value : mode === 'prefix' ? `${escapeLike(String(value))}%` : `%${escapeLike(String(value))}%`);
        const p = `$${values.length}`;
        // A prefix walks the btree in order (without the ORDER BY the planner may scan the table).
        const where = mode === 'exact' ? `${column} = ${p}` : mode === 'prefix' ? `${column} LIKE ${p} ORDER BY ${column}` : `${column} ILIKE ${p}`;
        return `SELECT ${i} AS i, row_to_json(t) AS r FROM (SELECT ${select} FROM ${table} WHERE ${where} LIMIT ${Number(limit)}) t`;
      });
      // Unnamed, so it is planned with its values: a generic plan cannot use a LIKE prefix's range.
      const { rows } = await pool.query<{ i: number; r: Row }>(parts.join('\nUNION ALL\n'), values);
      const found: Row[][] = lookups.map(() => []);
      for (const { i, r } of rows) found[i].push(r);
      return found;
    },

    /** One row by key with its `include`d relations, in one statement (search-sql-include.ts). */
    async byId({ model, idField, id, include }: { model: string; idField: string; id: string | number; include?: Include }): Promise<Row | null> {
      const key = `${model}:${idField}:${JSON.stringify(include ?? {})}`;
      let statement = byIdStatements.get(key);
      if (!statement) {
        const { table, select, columnOf } = tables.get(model)!;
        const related = include ? `, ${includeSelect({ models: byName, model: byName.get(model)!, alias: 't0', include })}` : '';
        statement = `SELECT row_to_json(r) AS r FROM (SELECT ${select}${related} FROM ${table} t0 WHERE t0.${ident(columnOf.get(idField)!)} = $1 LIMIT 1) r`;
        byIdStatements.set(key, statement);
      }
      const { rows: [found] } = await pool.query<{ r: Row }>(statement, [id]);
      return found?.r ?? null;
    },
  };
}
