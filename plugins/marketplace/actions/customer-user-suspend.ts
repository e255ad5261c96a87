// customer_user.suspend: stops one customer account (buyer or seller staff) without touching its
// organization. Reversible with customer_user.unsuspend. The user is not notified from here, for
// the same reason a freeze is not: the subject of a fraud response should not hear it first.
import type { CustomerUser } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockRow, reasonText } from './action-support.js';
import { customerUserColumns } from './sql-rows.js';

export const customerUserSuspendAction = defineAction({
  id: 'customer_user.suspend',
  title: 'Suspend customer user',
  description: 'Suspend a customer user account.',
  permission: 'user.suspend',
  target: 'customer_user',
  input: z.strictObject({}),
  reasonCodes: ['suspected_fraud', 'account_takeover', 'abusive_behaviour', 'chargeback_abuse', 'policy_violation'],

  load: async ({ sql, target }) => {
    const user = await lockRow<CustomerUser>(sql, { table: 'customer_users', target, columns: customerUserColumns });
    if (user.status === 'suspended') throw actionRefused('already_suspended', `Customer user ${user.id} is already suspended.`);
    return { user };
  },

  run: async (ctx) => {
    const { user } = ctx.state;
    const data = { status: 'suspended' as const, suspendedAt: ctx.now, suspendedBy: ctx.actor.operatorId, suspendReason: reasonText(ctx) };
    await ctx.sql`
      UPDATE customer_users SET status = 'suspended'::"CustomerUserStatus", suspended_at = ${data.suspendedAt}, suspended_by = ${data.suspendedBy}, suspend_reason = ${data.suspendReason}
      WHERE id = ${user.id}`;
    const after: CustomerUser = { ...user, ...data };
    ctx.changed({ entityType: 'customer_user', entityId: String(user.id), before: user, after });
    ctx.emit({
      name: 'UserSuspended', entityType: 'customer_user', entityId: String(user.id),
      payload: { customerUserId: user.id, organizationId: user.organizationId },
    });
    return { customerUserId: after.id, status: after.status };
  },
});
