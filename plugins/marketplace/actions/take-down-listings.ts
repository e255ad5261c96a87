// The takedown step, shared by listing.takedown and org.contain (which takes down every active
// listing of an organization at once: one UPDATE, but still one audit row and one event per
// listing, so each listing's history stays complete).
import type { Listing } from '@prisma/client';
import { reasonText, type StepContext } from './action-support.js';

/** Takes down locked listings that are not taken down yet; returns them as they now are. */
export async function takeDownListings(ctx: StepContext, listings: Listing[]): Promise<Listing[]> {
  if (listings.length === 0) return [];
  const data = { status: 'taken_down' as const, takedownAt: ctx.now, takedownBy: ctx.actor.operatorId, takedownReason: reasonText(ctx) };
  // Nothing is read back: the rows are locked and their new state is known.
  ctx.send`
    UPDATE listings SET status = 'taken_down'::"ListingStatus", takedown_at = ${data.takedownAt}, takedown_by = ${data.takedownBy}, takedown_reason = ${data.takedownReason}
    WHERE id = ANY(${listings.map((l) => l.id)}::int[])`;
  return listings.map((before) => {
    const after: Listing = { ...before, ...data };
    ctx.changed({ entityType: 'listing', entityId: String(before.id), before, after });
    ctx.emit({
      name: 'ListingTakedownApplied', entityType: 'listing', entityId: String(before.id),
      payload: { listingId: before.id, sellerOrgId: before.sellerOrgId, previousStatus: before.status },
    });
    return after;
  });
}
