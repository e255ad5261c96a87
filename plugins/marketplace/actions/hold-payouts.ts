// The payout hold steps, shared by payout.hold (both target shapes) and org.contain. A hold is a
// PayoutHold row (payoutId set: that payout; null: all of the seller's payouts) plus the payout's
// status `held`, which is what stops the payout run.
import type { Payout, PayoutHold } from '@prisma/client';
import type { SqlTag } from '../../../src/actions/define-action.js';
import { reasonText, type StepContext } from './action-support.js';
import { payoutColumns, payoutHoldColumns, withSqlText } from './sql-rows.js';

/**
 * Locks an organization's scheduled payouts and returns them. The status test is in the locking
 * statement itself: a payout paid out while we waited for its lock is re-checked and left out.
 * Call with the organization locked.
 */
export function lockScheduledPayouts(sql: SqlTag, orgId: number): Promise<Payout[]> {
  return withSqlText(sql)<Payout>`
    SELECT ${payoutColumns()} FROM payouts WHERE seller_org_id = ${orgId} AND status = 'scheduled' ORDER BY id FOR NO KEY UPDATE`;
}

async function createHold(ctx: StepContext, { orgId, payoutId }: { orgId: number; payoutId: number | null }): Promise<PayoutHold> {
  const [hold] = await withSqlText(ctx.sql)<PayoutHold>`
    INSERT INTO payout_holds (payout_id, seller_org_id, reason, placed_by, placed_at)
    VALUES (${payoutId}::int, ${orgId}, ${reasonText(ctx)}, ${ctx.actor.operatorId}, ${ctx.now})
    RETURNING ${payoutHoldColumns()}`;
  ctx.changed({ entityType: 'payout_hold', entityId: String(hold.id), before: null, after: hold });
  return hold;
}

/** Marks locked payouts held (the hold row is the caller's). */
export async function markPayoutsHeld(ctx: StepContext, payouts: Payout[]): Promise<Payout[]> {
  if (payouts.length === 0) return [];
  await ctx.sql`UPDATE payouts SET status = 'held'::"PayoutStatus" WHERE id = ANY(${payouts.map((p) => p.id)}::int[])`;
  return payouts.map((before) => {
    const after: Payout = { ...before, status: 'held' };
    ctx.changed({ entityType: 'payout', entityId: String(before.id), before, after });
    return after;
  });
}

/** Holds one locked, scheduled payout. */
export async function holdPayout(ctx: StepContext, payout: Payout): Promise<{ hold: PayoutHold; payout: Payout }> {
  const hold = await createHold(ctx, { orgId: payout.sellerOrgId, payoutId: payout.id });
  const [after] = await markPayoutsHeld(ctx, [payout]);
  ctx.emit({
    name: 'PayoutHoldApplied', entityType: 'payout', entityId: String(payout.id),
    payload: { holdId: hold.id, scope: 'payout', sellerOrgId: payout.sellerOrgId, payoutIds: [payout.id] },
  });
  return { hold, payout: after };
}

/** Places an organization-wide hold and holds its scheduled payouts (from lockScheduledPayouts). */
export async function holdOrganizationPayouts(ctx: StepContext, { orgId, payouts }: { orgId: number; payouts: Payout[] }): Promise<{ hold: PayoutHold; payouts: Payout[] }> {
  const hold = await createHold(ctx, { orgId, payoutId: null });
  const held = await markPayoutsHeld(ctx, payouts);
  ctx.emit({
    name: 'PayoutHoldApplied', entityType: 'organization', entityId: String(orgId),
    payload: { holdId: hold.id, scope: 'organization', sellerOrgId: orgId, payoutIds: held.map((p) => p.id) },
  });
  return { hold, payouts: held };
}

/** The organization's open organization-wide holds. */
/** The read models' form of the same rule: the id of `org`'s open organization-wide hold (a scalar subquery). */
export const OPEN_ORGANIZATION_HOLD = (org: string) =>
  `SELECT h.id FROM payout_holds h WHERE h.seller_org_id = ${org} AND h.payout_id IS NULL AND h.released_at IS NULL ORDER BY h.id LIMIT 1`;

export const openOrganizationHolds = (sql: SqlTag, orgId: number): Promise<PayoutHold[]> => withSqlText(sql)<PayoutHold>`
  SELECT ${payoutHoldColumns()} FROM payout_holds WHERE seller_org_id = ${orgId} AND payout_id IS NULL AND released_at IS NULL ORDER BY id`;
