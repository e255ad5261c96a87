// org.contain: seed 000's emergency containment in one step and one reason code: take down every
// active listing, freeze the organization, and hold its payouts (an organization-wide hold, so
// payouts scheduled later are held too). Each part reuses the single action's step, so a contained
// organization looks exactly like one frozen, taken down and held by hand, with the same events;
// EmergencyContainmentApplied ties them together. Parts already in place are skipped, not refused.
import type { Listing } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { freezeOrganization, lockOrganization } from './freeze-organization.js';
import { holdOrganizationPayouts, lockScheduledPayouts, markPayoutsHeld, openOrganizationHolds } from './hold-payouts.js';
import { listingColumns, withSqlText } from './sql-rows.js';
import { takeDownListings } from './take-down-listings.js';

export const orgContainAction = defineAction({
  id: 'org.contain',
  title: 'Emergency containment',
  description: 'Take down all of an organization\'s active listings, freeze it and hold its payouts, at once.',
  permission: 'org.contain',
  target: 'organization',
  input: z.strictObject({}),
  reasonCodes: ['fraud_ring', 'account_takeover', 'legal_order', 'counterfeit_wave', 'payment_fraud'],
  isEmergency: true,

  load: async ({ sql, target }) => {
    // The organization first, then its listings and payouts: the order every org-level action locks in.
    const org = await lockOrganization(sql, target);
    const orgId = org.id;
    const listings = await withSqlText(sql)<Listing>`
      SELECT ${listingColumns()} FROM listings WHERE seller_org_id = ${orgId} AND status = 'active' ORDER BY id FOR NO KEY UPDATE`;
    // Only sellers have payouts; a closed organization stays closed rather than becoming frozen.
    const isSeller = org.kind === 'seller';
    const needsHold = isSeller && (await openOrganizationHolds(sql, orgId)).length === 0;
    const payouts = isSeller ? await lockScheduledPayouts(sql, orgId) : [];
    const needsFreeze = org.status === 'active';
    if (!needsFreeze && !needsHold && listings.length === 0 && payouts.length === 0) {
      throw actionRefused('already_contained', `Organization ${org.id} is already ${org.status}, with no active listing and its payouts held.`);
    }
    return { org, listings, payouts, needsFreeze, needsHold };
  },

  run: async (ctx) => {
    const { org, listings, payouts, needsFreeze, needsHold } = ctx.state;
    // ---- listings first: what buyers can see and pay for is the most urgent exposure
    const takenDown = await takeDownListings(ctx, listings);
    // ---- the organization
    const status = needsFreeze ? (await freezeOrganization(ctx, org)).status : org.status;
    // ---- money: an organization-wide hold, or (when one already stands) hold the stragglers
    let holdId: number | null = null;
    let heldPayoutIds: number[] = [];
    if (needsHold) {
      const placed = await holdOrganizationPayouts(ctx, { orgId: org.id, payouts });
      holdId = placed.hold.id;
      heldPayoutIds = placed.payouts.map((p) => p.id);
    } else if (payouts.length > 0) {
      // Scheduled payouts under an open org-wide hold (created after it was placed): hold them under it.
      heldPayoutIds = (await markPayoutsHeld(ctx, payouts)).map((p) => p.id);
    }
    const summary = {
      orgId: org.id, status, isNewlyFrozen: needsFreeze, takenDownListingIds: takenDown.map((l) => l.id), payoutHoldId: holdId, heldPayoutIds,
    };
    ctx.emit({ name: 'EmergencyContainmentApplied', entityType: 'organization', entityId: String(org.id), payload: summary });
    return summary;
  },
});
