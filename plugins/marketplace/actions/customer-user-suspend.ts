// customer_user.suspend: stops one customer account (buyer or seller staff) without touching its
// organization. Reversible with customer_user.unsuspend. The user is not notified from here, for
// the same reason a freeze is not: the subject of a fraud response should not hear it first.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockTarget, reasonText } from './action-support.js';

export const customerUserSuspendAction = defineAction({
  id: 'customer_user.suspend',
  title: 'Suspend customer user',
  description: 'Suspend a customer user account.',
  permission: 'user.suspend',
  target: 'customer_user',
  input: z.strictObject({}),
  reasonCodes: ['suspected_fraud', 'account_takeover', 'abusive_behaviour', 'chargeback_abuse', 'policy_violation'],

  load: async ({ tx, target }) => {
    const userId = await lockTarget(tx, 'customer_users', target);
    const user = await tx.customerUser.findUniqueOrThrow({ where: { id: userId } });
    if (user.status === 'suspended') throw actionRefused('already_suspended', `Customer user ${user.id} is already suspended.`);
    return { user };
  },

  run: async (ctx) => {
    const { user } = ctx.state;
    const after = await ctx.tx.customerUser.update({
      where: { id: user.id },
      data: { status: 'suspended', suspendedAt: ctx.now, suspendedBy: ctx.actor.operatorId, suspendReason: reasonText(ctx) },
    });
    ctx.changed({ entityType: 'customer_user', entityId: String(user.id), before: user, after });
    ctx.emit({
      name: 'UserSuspended', entityType: 'customer_user', entityId: String(user.id),
      payload: { customerUserId: user.id, organizationId: user.organizationId },
    });
    return { customerUserId: after.id, status: after.status };
  },
});
