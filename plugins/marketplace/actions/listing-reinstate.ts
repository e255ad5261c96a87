// listing.reinstate: puts a taken-down listing back on sale. Always four eyes (seed 000: reinstating
// a taken-down listing is policy-gated, dual approval proposed).
import type { Listing } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockUnderOrganization } from './action-support.js';
import { listingColumns } from './sql-rows.js';

export const listingReinstateAction = defineAction({
  id: 'listing.reinstate',
  title: 'Reinstate listing',
  description: 'Put a taken-down listing back on sale. Always needs another operator\'s approval.',
  permission: 'listing.reinstate',
  target: 'listing',
  input: z.strictObject({}),
  reasonCodes: ['appeal_upheld', 'taken_down_in_error', 'issue_resolved'],
  // Undoing a containment: the requester proves a fresh TOTP code too (src/auth/action-step-up.ts).
  policy: { approval: { approvals: 1, approverPermission: 'listing.reinstate' }, stepUp: true },

  load: async ({ sql, target }) => {
    // The seller is locked too (shared), so a freeze or containment cannot slip in meanwhile.
    const { row: listing } = await lockUnderOrganization<Listing>(sql, { table: 'listings', target, columns: listingColumns });
    if (listing.status !== 'taken_down') throw actionRefused('not_taken_down', `Listing ${listing.id} is ${listing.status}, not taken down.`);
    // Reinstating one listing of a frozen seller would undo a containment piece by piece; the
    // organization is unfrozen first (itself four eyes).
    const [seller] = await sql<{ status: string }>`SELECT status FROM organizations WHERE id = ${listing.sellerOrgId}`;
    if (seller.status !== 'active') {
      throw actionRefused('seller_not_active', `Listing ${listing.id}'s seller organization ${listing.sellerOrgId} is ${seller.status}; unfreeze it first.`);
    }
    return { listing };
  },

  run: async (ctx) => {
    const { listing } = ctx.state;
    await ctx.sql`
      UPDATE listings SET status = 'active'::"ListingStatus", takedown_at = NULL, takedown_by = NULL, takedown_reason = NULL WHERE id = ${listing.id}`;
    const after: Listing = { ...listing, status: 'active', takedownAt: null, takedownBy: null, takedownReason: null };
    ctx.changed({ entityType: 'listing', entityId: String(listing.id), before: listing, after });
    ctx.emit({
      name: 'ListingReinstated', entityType: 'listing', entityId: String(listing.id),
      payload: { listingId: listing.id, sellerOrgId: listing.sellerOrgId, takedownReason: listing.takedownReason },
    });
    return { listingId: after.id, status: after.status };
  },
});
