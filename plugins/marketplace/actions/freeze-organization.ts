// The freeze step, shared by org.freeze and org.contain: one place decides what a frozen
// organization looks like (status, who, when, why) and which event says so. Also the one read of
// an organization the org-level actions lock first.
import type { Organization } from '@prisma/client';
import type { ActionTarget, SqlTag } from '../../../src/actions/define-action.js';
import { lockRow, reasonText, type StepContext } from './action-support.js';
import { organizationColumns } from './sql-rows.js';

/** Locks the target organization and reads it, or throws `notFound`. */
export const lockOrganization = (sql: SqlTag, target: ActionTarget): Promise<Organization> =>
  lockRow<Organization>(sql, { table: 'organizations', target, columns: organizationColumns });

/** Freezes a locked, not yet frozen organization. */
export async function freezeOrganization(ctx: StepContext, org: Organization): Promise<Organization> {
  const data = { status: 'frozen' as const, frozenAt: ctx.now, frozenBy: ctx.actor.operatorId, freezeReason: reasonText(ctx) };
  await ctx.sql`
    UPDATE organizations SET status = 'frozen'::"OrganizationStatus", frozen_at = ${data.frozenAt}, frozen_by = ${data.frozenBy}, freeze_reason = ${data.freezeReason}
    WHERE id = ${org.id}`;
  const after: Organization = { ...org, ...data };
  ctx.changed({ entityType: 'organization', entityId: String(org.id), before: org, after });
  ctx.emit({
    name: 'OrgFrozen', entityType: 'organization', entityId: String(org.id),
    payload: { orgId: org.id, previousStatus: org.status },
  });
  return after;
}
