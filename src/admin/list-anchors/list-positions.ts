// Where a list page starts, from the list's anchors (list-anchor-builder.ts) instead of an OFFSET:
// the nearest anchor at or before the position, then a walk of fewer than `every` index entries.
// Rows appended after the build (beyond its last row in ascending order: new ids, new creation
// times) are counted at read time, so positions stay exact as a table grows at its end; rows
// deleted or inserted in the middle since the build shift them until the refresh rebuilds.
import type { PrismaClient } from '@prisma/client';
import { APPENDED_CAP } from './list-anchor-builder.js';

type Row = Record<string, unknown>;

/** Reads of a row's keys in the list's ascending (sort column, id) order; implemented over Prisma by the resource. */
export type AscendingKeys = {
  /** The row's keys (id and sort column), or null when it is gone. */
  keysOf(rowId: string): Promise<Row | null>;
  /** How many rows follow `row`, counting at most `cap` + 1. */
  countAfter(row: Row, cap: number): Promise<number>;
  /** The keys of the row `skip` rows after the one following `row` (0: the next one). */
  nthAfter(row: Row, skip: number): Promise<Row | null>;
};

type AnchorSet = { total: number; lastRowId: string; builtAt: Date };

export type ListPositions = ReturnType<typeof createListPositions>;

export function createListPositions({ prisma }: { prisma: PrismaClient }) {
  async function anchorSet(list: string): Promise<AnchorSet | null> {
    const [set] = await prisma.$queryRaw<{ total: bigint; last_row_id: string; built_at: Date }[]>`
      SELECT total, last_row_id, built_at FROM read_models.list_anchor_sets WHERE list = ${list}`;
    return set ? { total: Number(set.total), lastRowId: set.last_row_id, builtAt: set.built_at } : null;
  }

  /** The list's row count now: the build's plus rows appended since; null without usable anchors. */
  async function total(list: string, keys: AscendingKeys): Promise<{ set: AnchorSet; total: number } | null> {
    const set = await anchorSet(list);
    if (!set) return null;
    const last = await keys.keysOf(set.lastRowId);
    if (!last) return null;
    const appended = await keys.countAfter(last, APPENDED_CAP);
    if (appended > APPENDED_CAP) return null;
    return { set, total: set.total + appended };
  }

  /**
   * The keys of the row just before the page at `offset` (> 0) in the list's `direction`: null when
   * the page is past the end, undefined when the list has no usable anchors (the caller falls back).
   */
  async function rowBefore({ list, keys, offset, direction }: { list: string; keys: AscendingKeys; offset: number; direction: 'asc' | 'desc' }): Promise<Row | null | undefined> {
    const counted = await total(list, keys);
    if (!counted) return undefined;
    // The row before the page, as a position in ascending order.
    const position = direction === 'asc' ? offset - 1 : counted.total - offset;
    if (position < 0 || position >= counted.total) return null;
    // The anchor of the same build (a rebuild committed in between: fall back).
    const [anchor] = await prisma.$queryRaw<{ ordinal: bigint; row_id: string }[]>`
      SELECT a.ordinal, a.row_id FROM read_models.list_anchors a JOIN read_models.list_anchor_sets s USING (list)
       WHERE a.list = ${list} AND s.built_at = ${counted.set.builtAt} AND a.ordinal <= ${position}
       ORDER BY a.ordinal DESC LIMIT 1`;
    if (!anchor) return undefined;
    const anchorKeys = await keys.keysOf(anchor.row_id);
    if (!anchorKeys) return undefined;
    const skip = position - Number(anchor.ordinal);
    return skip === 0 ? anchorKeys : ((await keys.nthAfter(anchorKeys, skip - 1)) ?? null);
  }

  return { total: async (list: string, keys: AscendingKeys) => (await total(list, keys))?.total ?? null, rowBefore };
}
