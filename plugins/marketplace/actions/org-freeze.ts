// org.freeze: stops an organization trading while it is investigated. Reversible (org.unfreeze,
// which needs a second person). Nobody at the organization is notified: a freeze is often a fraud
// response, and telling the subject first helps them move money or accounts.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isActiveOrganization } from './action-applicability.js';
import { freezeOrganization, lockOrganization } from './freeze-organization.js';

export const orgFreezeAction = defineAction({
  id: 'org.freeze',
  title: 'Freeze organization',
  description: 'Freeze a buyer or seller organization while it is investigated.',
  permission: 'org.freeze',
  target: 'organization',
  input: z.strictObject({}),
  reasonCodes: ['chargeback_rate', 'suspected_fraud', 'policy_violation', 'kyc_failure', 'legal_order'],

  appliesTo: isActiveOrganization,

  load: async ({ sql, target }) => {
    const org = await lockOrganization(sql, target);
    if (org.status === 'frozen') throw actionRefused('already_frozen', `Organization ${org.id} is already frozen (since ${org.frozenAt?.toISOString() ?? 'unknown'}).`);
    if (org.status === 'closed') throw actionRefused('org_closed', `Organization ${org.id} is closed; there is nothing to freeze.`);
    return { org };
  },

  run: async (ctx) => {
    const after = await freezeOrganization(ctx, ctx.state.org);
    return { orgId: after.id, status: after.status, frozenAt: after.frozenAt?.toISOString() ?? null };
  },
});
