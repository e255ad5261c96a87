// The payout hold steps, shared by payout.hold (both target shapes) and org.contain. A hold is a
// PayoutHold row (payoutId set: that payout; null: all of the seller's payouts) plus the payout's
// status `held`, which is what stops the payout run.
import type { Payout, PayoutHold, Prisma } from '@prisma/client';
import { reasonText, type StepContext } from './action-support.js';

/**
 * Locks an organization's scheduled payouts and returns them. The status test is in the locking
 * statement itself: a payout paid out while we waited for its lock is re-checked and left out.
 * Call with the organization locked.
 */
export async function lockScheduledPayouts(tx: Prisma.TransactionClient, orgId: number): Promise<Payout[]> {
  const locked = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM payouts WHERE seller_org_id = ${orgId} AND status = 'scheduled' ORDER BY id FOR NO KEY UPDATE`;
  return tx.payout.findMany({ where: { id: { in: locked.map((row) => row.id) } }, orderBy: { id: 'asc' } });
}

async function createHold(ctx: StepContext, { orgId, payoutId }: { orgId: number; payoutId: number | null }): Promise<PayoutHold> {
  const hold = await ctx.tx.payoutHold.create({
    data: { payoutId, sellerOrgId: orgId, reason: reasonText(ctx), placedBy: ctx.actor.operatorId, placedAt: ctx.now },
  });
  ctx.changed({ entityType: 'payout_hold', entityId: String(hold.id), before: null, after: hold });
  return hold;
}

/** Marks locked payouts held (the hold row is the caller's). */
export async function markPayoutsHeld(ctx: StepContext, payouts: Payout[]): Promise<Payout[]> {
  if (payouts.length === 0) return [];
  await ctx.tx.payout.updateMany({ where: { id: { in: payouts.map((p) => p.id) } }, data: { status: 'held' } });
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
export const openOrganizationHolds = (tx: Prisma.TransactionClient, orgId: number) =>
  tx.payoutHold.findMany({ where: { sellerOrgId: orgId, payoutId: null, releasedAt: null }, orderBy: { id: 'asc' } });
