// For bench:lists: a large resource's table, and each filter its list offers with the column it
// compares, the index whose first column that is (or null), and a value to filter by (the newest
// row's). Relations filter on their foreign key; text columns by prefix (docs/adr/0003).
import type pg from 'pg';
import type { ResourceDefinition } from '../../src/platform/plugin.js';

type Field = { name: string; dbName?: string | null; kind: string; type: string; relationFromFields?: string[] };
type Model = { name: string; dbName: string | null; fields: Field[] };

export type ListFilter = { property: string; column: string; index: string | null; value: string | null; isContains: boolean };

export function filterColumns({ resource, models, pool }: { resource: ResourceDefinition; models: Model[]; pool: pg.Pool }) {
  const model = models.find((m) => m.name === resource.model)!;
  const table = model.dbName ?? model.name;
  const field = (name: string) => model.fields.find((f) => f.name === name);
  const columnOf = (f: Field): Field => (f.kind === 'object' && f.relationFromFields?.[0] ? field(f.relationFromFields[0])! : f);
  return {
    table: async () => table,
    async filters(): Promise<ListFilter[]> {
      const properties = (resource.options?.filterProperties as string[] | undefined) ?? [];
      const { rows: [newest] } = await pool.query<Record<string, unknown>>(`SELECT * FROM "${table}" ORDER BY id DESC LIMIT 1`);
      const out: ListFilter[] = [];
      for (const property of properties) {
        const f = field(property);
        if (!f) continue;
        const target = columnOf(f);
        const column = target.dbName ?? target.name;
        const { rows } = await pool.query<{ name: string }>(
          `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
            WHERE x.indrelid = $1::regclass AND a.attname = $2 ORDER BY x.indisunique DESC LIMIT 1`,
          [table, column],
        );
        const value = newest?.[column];
        const isDate = value instanceof Date;
        out.push({
          property, column, index: rows[0]?.name ?? null,
          // Date filters take a range; the bench leaves them out (their index is still listed).
          value: value === null || value === undefined || isDate ? null : String(value),
          isContains: target.kind === 'scalar' && target.type === 'String' && f.kind !== 'object' && property !== 'id',
        });
      }
      return out;
    },
  };
}
