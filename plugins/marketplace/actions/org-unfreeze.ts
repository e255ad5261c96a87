// org.unfreeze: returns a frozen organization to active. Always four eyes (seed 000: "Unfreezing an
// org" is policy-gated, dual approval proposed), so one insider cannot quietly undo a freeze.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockTarget } from './action-support.js';

export const orgUnfreezeAction = defineAction({
  id: 'org.unfreeze',
  title: 'Unfreeze organization',
  description: 'Return a frozen organization to active. Always needs another operator\'s approval.',
  permission: 'org.unfreeze',
  target: 'organization',
  input: z.strictObject({}),
  reasonCodes: ['investigation_cleared', 'issue_resolved', 'frozen_in_error'],
  policy: { approval: { approvals: 1, approverPermission: 'org.unfreeze' } },

  load: async ({ tx, target }) => {
    const orgId = await lockTarget(tx, 'organizations', target);
    const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId } });
    if (org.status !== 'frozen') throw actionRefused('not_frozen', `Organization ${org.id} is ${org.status}, not frozen.`);
    return { org };
  },

  run: async (ctx) => {
    const { org } = ctx.state;
    // Payout holds are left alone: releasing money is its own decision (payout.release).
    const after = await ctx.tx.organization.update({
      where: { id: org.id },
      data: { status: 'active', frozenAt: null, frozenBy: null, freezeReason: null },
    });
    ctx.changed({ entityType: 'organization', entityId: String(org.id), before: org, after });
    ctx.emit({
      name: 'OrgUnfrozen', entityType: 'organization', entityId: String(org.id),
      payload: { orgId: org.id, frozenAt: org.frozenAt?.toISOString() ?? null, freezeReason: org.freezeReason },
    });
    return { orgId: after.id, status: after.status };
  },
});
