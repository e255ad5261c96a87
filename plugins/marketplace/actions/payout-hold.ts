// payout.hold: stops money leaving. On a payout: holds that one scheduled payout. On an
// organization: an organization-wide hold (payoutId null) that holds every scheduled payout now,
// and that payout.release on the organization lifts. Reversible with payout.release.
import type { Organization, Payout } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isHoldableSeller } from './action-applicability.js';
import { lockUnderOrganization } from './action-support.js';
import { lockOrganization } from './freeze-organization.js';
import { holdOrganizationPayouts, holdPayout, lockScheduledPayouts, openOrganizationHolds } from './hold-payouts.js';
import { payoutColumns } from './sql-rows.js';

type HoldState = { scope: 'payout'; payout: Payout } | { scope: 'organization'; org: Organization; payouts: Payout[] };

export const payoutHoldAction = defineAction({
  id: 'payout.hold',
  title: 'Hold payout',
  description: 'Hold one scheduled payout, or (on an organization) all of a seller\'s payouts until released.',
  permission: 'payout.hold',
  target: ['payout', 'organization'],
  input: z.strictObject({}),
  reasonCodes: ['velocity_spike', 'chargeback_exposure', 'negative_balance', 'bank_account_change', 'dispute_pending', 'suspected_fraud'],

  appliesTo: (state, type) => (type === 'organization' ? isHoldableSeller(state) : state.status === 'scheduled'),

  load: async ({ sql, target }): Promise<HoldState> => {
    if (target.type === 'payout') {
      const { row: payout } = await lockUnderOrganization<Payout>(sql, { table: 'payouts', target, columns: payoutColumns });
      if (payout.status === 'held') throw actionRefused('already_held', `Payout ${payout.id} is already held.`);
      if (payout.status !== 'scheduled') throw actionRefused('payout_not_scheduled', `Payout ${payout.id} is ${payout.status}; only scheduled payouts can be held.`);
      return { scope: 'payout', payout };
    }
    const org = await lockOrganization(sql, target);
    if (org.kind !== 'seller') throw actionRefused('not_a_seller', `Organization ${org.id} is a ${org.kind}; only sellers have payouts.`);
    const [open] = await openOrganizationHolds(sql, org.id);
    if (open) throw actionRefused('already_held', `Organization ${org.id}'s payouts are already held (hold ${open.id}).`);
    return { scope: 'organization', org, payouts: await lockScheduledPayouts(sql, org.id) };
  },

  run: async (ctx) => {
    const { state } = ctx;
    if (state.scope === 'payout') {
      const { hold, payout } = await holdPayout(ctx, state.payout);
      return { scope: state.scope, holdId: hold.id, sellerOrgId: payout.sellerOrgId, heldPayoutIds: [payout.id] };
    }
    const { hold, payouts } = await holdOrganizationPayouts(ctx, { orgId: state.org.id, payouts: state.payouts });
    return { scope: state.scope, holdId: hold.id, sellerOrgId: state.org.id, heldPayoutIds: payouts.map((p) => p.id) };
  },
});
