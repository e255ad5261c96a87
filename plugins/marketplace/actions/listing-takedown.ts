// listing.takedown: removes a listing from sale (counterfeit, prohibited item, ...). Reversible
// with listing.reinstate, which needs a second person.
import type { Listing } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockRow } from './action-support.js';
import { listingColumns } from './sql-rows.js';
import { takeDownListings } from './take-down-listings.js';

export const listingTakedownAction = defineAction({
  id: 'listing.takedown',
  title: 'Take listing down',
  description: 'Remove a listing from sale. Reinstating it needs another operator\'s approval.',
  permission: 'listing.takedown',
  target: 'listing',
  input: z.strictObject({}),
  reasonCodes: ['counterfeit', 'prohibited_item', 'misrepresentation', 'ip_complaint', 'price_manipulation', 'legal_order'],

  load: async ({ sql, target }) => {
    const listing = await lockRow<Listing>(sql, { table: 'listings', target, columns: listingColumns });
    if (listing.status === 'taken_down') {
      throw actionRefused('already_taken_down', `Listing ${listing.id} is already taken down (since ${listing.takedownAt?.toISOString() ?? 'unknown'}).`);
    }
    return { listing };
  },

  run: async (ctx) => {
    const [after] = await takeDownListings(ctx, [ctx.state.listing]);
    return { listingId: after.id, status: after.status, previousStatus: ctx.state.listing.status };
  },
});
