// Keyset pages: a list sorts by a key (a time and an id, a balance and an org id), reads `limit + 1`
// rows, and its cursor is the last row's key values as base64url JSON, opaque to clients; the next
// page is what sorts strictly after it. Three pieces serve every list: keyPage cuts the page and
// makes the cursor, decodeKey reads a cursor back with the list's key schema (timeKeys for the
// common (time, id) keys), and afterCursor is the Prisma condition for (time desc, id desc) lists.
// For SQL lists, compare a row value: `(created_at, id) < ($1, $2)`.
import { z } from 'zod/v4';
import { validationFailed } from './errors.js';

/** A row's sort key. Dates are written as ISO times (JSON's own form of a Date). */
export type CursorKey = readonly (string | number | Date)[];

/** A page of `limit` from `limit + 1` fetched rows, with the next page's cursor from the last row's key (null on the last page). */
export function keyPage<R>(rows: R[], limit: number, keyOf: (row: R) => CursorKey): { items: R[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? Buffer.from(JSON.stringify(keyOf(last))).toString('base64url') : null };
}

/** The cursor's key as `schema` says, or 422 for anything else (not base64url JSON, another list's). */
export function decodeKey<T>(cursor: string, schema: z.ZodType<T>): T {
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not JSON: refused below
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw validationFailed('cursor: is not a cursor from this list');
  return parsed.data;
}

const timeKey = <I>(id: z.ZodType<I>): z.ZodType<{ at: Date; id: I }> =>
  z.tuple([z.iso.datetime(), id]).transform(([at, key]) => ({ at: new Date(at), id: key }));

/**
 * The keys of lists ordered by a time and an id (runs, approvals, sessions, timelines, the packs'
 * queues), by the id's kind: written `[row.createdAt, row.id]`, read back as `{ at, id }`.
 */
export const timeKeys = {
  uuid: timeKey(z.uuid()),
  /** An integer-keyed table's (the domain packs'). */
  int: timeKey(z.number().int().positive()),
  /** A bigint key, as its digits. */
  bigint: timeKey(z.string().regex(/^\d{1,19}$/)),
};

/** The Prisma condition for rows after the cursor, for a list ordered by [field desc, id desc] over uuid ids; 422 for a foreign cursor. */
export function afterCursor<F extends string>(field: F, cursor: string): { OR: Record<string, unknown>[] } {
  const { at, id } = decodeKey(cursor, timeKeys.uuid);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: id } }] };
}
