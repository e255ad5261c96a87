// Keyset pages over (time, uuid) newest first, as GET /api/runs and GET /api/approvals list: the
// cursor is the last row's key, opaque to clients, and the next page is what sorts strictly after it.
import { z } from 'zod/v4';
import { validationFailed } from './errors.js';

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** The (time, id) a cursor names; 422 for a foreign cursor. Ids are uuids unless the list says otherwise (a bigint's digits). */
export function decodeCursor(cursor: string, id: z.ZodType<string> = z.uuid()): { at: Date; id: string } {
  let decoded: unknown = null;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // not JSON: refused below
  }
  const parsed = z.tuple([z.iso.datetime(), id]).safeParse(decoded);
  if (!parsed.success) throw validationFailed('cursor: is not a cursor from this list');
  return { at: new Date(parsed.data[0]), id: parsed.data[1] };
}

/** The Prisma condition for rows after the cursor, for a list ordered by [field desc, id desc]; 422 for a foreign cursor. */
export function afterCursor<F extends string>(field: F, cursor: string): { OR: Record<string, unknown>[] } {
  const { at, id } = decodeCursor(cursor);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { lt: id } }] };
}

/** A page of `limit` from `limit + 1` fetched rows, with the cursor of the next page if there is one. */
export function keysetPage<R extends { id: string }>(rows: R[], limit: number, timeOf: (row: R) => Date): { rows: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(timeOf(last), last.id) : null };
}
