// A search source's `include` (Prisma's shape: relations, `take`, `orderBy`, nested `include`) as
// correlated subqueries of one statement, for search-sql.ts: Prisma loads each relation with a
// statement of its own and compiles each (an order with its checkout, payments, shipments, refunds,
// buyer, seller, disputes and cases: nine statements, 7 ms at the median); here they are one,
// with each related row in Prisma's field names (to-one: an object or null; to-many: an array).
import pg from 'pg';

type Field = { name: string; dbName?: string | null; kind: string; type: string; isList?: boolean; relationName?: string | null; relationFromFields?: string[]; relationToFields?: string[] };
export type IncludeModel = { name: string; dbName: string | null; fields: Field[] };
export type Include = { [relation: string]: true | { include?: Include; take?: number; orderBy?: Record<string, 'asc' | 'desc'> } };

export const ident = (name: string) => pg.escapeIdentifier(name);

const columnOf = (model: IncludeModel, fieldName: string) => {
  const field = model.fields.find((f) => f.name === fieldName);
  if (!field) throw new Error(`${model.name}.${fieldName}: no such field`);
  return ident(field.dbName ?? field.name);
};

/** The model's scalar columns in Prisma's names (enums as text), as a SELECT list. */
export function scalarSelect(model: IncludeModel): string {
  return model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')
    .map((f) => `${ident(f.dbName ?? f.name)}${f.kind === 'enum' ? '::text' : ''} AS ${ident(f.name)}`).join(', ');
}

/**
 * The SELECT items (`, (subquery) AS "relation"` each) that load `include` for the rows of `model`
 * aliased `alias`. Throws on a relation the model does not have: sources are checked at start.
 */
export function includeSelect({ models, model, alias, include, depth = 1 }: { models: Map<string, IncludeModel>; model: IncludeModel; alias: string; include: Include; depth?: number }): string {
  return Object.entries(include).map(([name, options]) => {
    const field = model.fields.find((f) => f.name === name && f.kind === 'object');
    const target = field && models.get(field.type);
    if (!field || !target) throw new Error(`${model.name}.${name}: not a relation`);
    const inner = `r${depth}`;
    const joins = field.relationFromFields?.length
      // This model holds the key (order.checkout): the target's referenced columns equal ours.
      ? field.relationFromFields.map((from, i) => `${inner}.${columnOf(target, field.relationToFields![i]!)} = ${alias}.${columnOf(model, from)}`)
      // The target holds it (order.shipments): its foreign key equals our referenced columns.
      : backRelationJoins({ target, model, field, inner, alias });
    const nested = options === true || !options.include ? '' : `, ${includeSelect({ models, model: target, alias: inner, include: options.include, depth: depth + 1 })}`;
    const rows = `SELECT ${scalarSelect(target)}${nested} FROM ${ident(target.dbName ?? target.name)} ${inner} WHERE ${joins.join(' AND ')}`;
    if (!field.isList) return `(SELECT row_to_json(x) FROM (${rows} LIMIT 1) x) AS ${ident(name)}`;
    const order = options === true || !options.orderBy ? [] : Object.entries(options.orderBy);
    const take = options === true ? undefined : options.take;
    const orderBy = order.length ? ` ORDER BY ${order.map(([f, dir]) => `${inner}.${columnOf(target, f)} ${dir === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}` : '';
    const aggOrder = order.length ? ` ORDER BY ${order.map(([f, dir]) => `x.${ident(f)} ${dir === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}` : '';
    return `(SELECT COALESCE(json_agg(x${aggOrder}), '[]'::json) FROM (${rows}${orderBy}${take ? ` LIMIT ${Number(take)}` : ''}) x) AS ${ident(name)}`;
  }).join(', ');
}

function backRelationJoins({ target, model, field, inner, alias }: { target: IncludeModel; model: IncludeModel; field: Field; inner: string; alias: string }): string[] {
  const back = target.fields.find((f) => f.kind === 'object' && f.relationName === field.relationName && f.type === model.name && f.relationFromFields?.length);
  if (!back) throw new Error(`${model.name}.${field.name}: no foreign key on ${target.name}`);
  return back.relationFromFields!.map((from, i) => `${inner}.${columnOf(target, from)} = ${alias}.${columnOf(model, back.relationToFields![i]!)}`);
}
