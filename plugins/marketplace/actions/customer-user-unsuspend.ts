// customer_user.unsuspend: reactivates a suspended customer account and clears the suspension's
// who/when/why (the audit row keeps them).
import type { CustomerUser } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockRow } from './action-support.js';
import { customerUserColumns } from './sql-rows.js';

export const customerUserUnsuspendAction = defineAction({
  id: 'customer_user.unsuspend',
  title: 'Reactivate customer user',
  description: 'Lift a customer user\'s suspension.',
  permission: 'user.suspend',
  target: 'customer_user',
  input: z.strictObject({}),
  reasonCodes: ['appeal_upheld', 'issue_resolved', 'suspended_in_error'],

  load: async ({ sql, target }) => {
    const user = await lockRow<CustomerUser>(sql, { table: 'customer_users', target, columns: customerUserColumns });
    if (user.status !== 'suspended') throw actionRefused('not_suspended', `Customer user ${user.id} is ${user.status}, not suspended.`);
    return { user };
  },

  run: async (ctx) => {
    const { user } = ctx.state;
    await ctx.sql`
      UPDATE customer_users SET status = 'active'::"CustomerUserStatus", suspended_at = NULL, suspended_by = NULL, suspend_reason = NULL WHERE id = ${user.id}`;
    const after: CustomerUser = { ...user, status: 'active', suspendedAt: null, suspendedBy: null, suspendReason: null };
    ctx.changed({ entityType: 'customer_user', entityId: String(user.id), before: user, after });
    ctx.emit({
      name: 'UserUnsuspended', entityType: 'customer_user', entityId: String(user.id),
      payload: { customerUserId: user.id, organizationId: user.organizationId, suspendedAt: user.suspendedAt?.toISOString() ?? null },
    });
    return { customerUserId: after.id, status: after.status };
  },
});
