// org.unfreeze: returns a frozen organization to active. Always four eyes (seed 000: "Unfreezing an
// org" is policy-gated, dual approval proposed), so one insider cannot quietly undo a freeze.
import type { Organization } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isFrozenOrganization } from './action-applicability.js';
import { lockOrganization } from './freeze-organization.js';

export const orgUnfreezeAction = defineAction({
  id: 'org.unfreeze',
  title: 'Unfreeze organization',
  description: 'Return a frozen organization to active. Always needs another operator\'s approval.',
  permission: 'org.unfreeze',
  target: 'organization',
  input: z.strictObject({}),
  reasonCodes: ['investigation_cleared', 'issue_resolved', 'frozen_in_error'],
  // Undoing a containment: the requester proves a fresh TOTP code too (src/auth/action-step-up.ts).
  policy: { approval: { approvals: 1, approverPermission: 'org.unfreeze' }, stepUp: true },

  appliesTo: isFrozenOrganization,

  load: async ({ sql, target }) => {
    const org = await lockOrganization(sql, target);
    if (!isFrozenOrganization(org)) throw actionRefused('not_frozen', `Organization ${org.id} is ${org.status}, not frozen.`);
    return { org };
  },

  run: async (ctx) => {
    const { org } = ctx.state;
    // Payout holds are left alone: releasing money is its own decision (payout.release).
    await ctx.sql`UPDATE organizations SET status = 'active'::"OrganizationStatus", frozen_at = NULL, frozen_by = NULL, freeze_reason = NULL WHERE id = ${org.id}`;
    const after: Organization = { ...org, status: 'active', frozenAt: null, frozenBy: null, freezeReason: null };
    ctx.changed({ entityType: 'organization', entityId: String(org.id), before: org, after });
    ctx.emit({
      name: 'OrgUnfrozen', entityType: 'organization', entityId: String(org.id),
      payload: { orgId: org.id, frozenAt: org.frozenAt?.toISOString() ?? null, freezeReason: org.freezeReason },
    });
    return { orgId: after.id, status: after.status };
  },
});
