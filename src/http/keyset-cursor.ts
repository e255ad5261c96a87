// Keyset pages, newest first or by any sort key: the cursor is the last row's key values as
// base64url JSON, opaque to clients, and the next page is what sorts strictly after it.
import { z } from 'zod/v4';
import { validationFailed } from './errors.js';

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

/**
 * Keyset pages over any sort key (a time and an integer id, a balance and an org id): the cursor is
 * the last row's key values; `decodeKey` with the list's schema reads it back. For SQL lists that
 * compare a row value, `(a, b) > ($1, $2)`.
 */
export function encodeKey(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A page of `limit` from `limit + 1` fetched rows, with the next page's cursor from the last row's key. */
export function keyPage<R>(rows: R[], limit: number, keyOf: (row: R) => readonly (string | number)[]): { items: R[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeKey(keyOf(last)) : null };
}

// ---- (time, id) keys, the common case: runs, approvals, sessions, timelines

/** The (time, id) a cursor names; 422 for a foreign cursor. Ids are uuids unless the list says otherwise (a bigint's digits). */
export function decodeCursor(cursor: string, id: z.ZodType<string> = z.uuid()): { at: Date; id: string } {
  const [at, key] = decodeKey(cursor, z.tuple([z.iso.datetime(), id]));
  return { at: new Date(at), id: key };
}

const intCursorSchema = z.tuple([z.iso.datetime(), z.number().int().positive()]);

/**
 * The (time, integer id) key of a cursor from a list over an integer-keyed table (the domain packs'
 * tables), for raw-SQL keyset conditions; 422 for a foreign cursor.
 */
export function decodeIntCursor(cursor: string): { at: Date; id: number } {
  const [at, id] = decodeKey(cursor, intCursorSchema);
  return { at: new Date(at), id };
}

export function encodeCursor(at: Date, id: string | number): string {
  return encodeKey([at.toISOString(), id]);
}

/** The Prisma condition for rows after the cursor, for a list ordered by [field desc, id desc]; 422 for a foreign cursor. */
export function afterCursor<F extends string>(field: F, cursor: string): { OR: Record<string, unknown>[] } {
  const { at, id } = decodeCursor(cursor);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: id } }] };
}

/** A page of `limit` from `limit + 1` fetched rows, with the cursor of the next page if there is one. */
export function keysetPage<R extends { id: string | number }>(rows: R[], limit: number, timeOf: (row: R) => Date): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null };
}
