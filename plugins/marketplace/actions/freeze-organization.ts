// The freeze step, shared by org.freeze and org.contain: one place decides what a frozen
// organization looks like (status, who, when, why) and which event says so.
import type { Organization } from '@prisma/client';
import { reasonText, type StepContext } from './action-support.js';

/** Freezes a locked, not yet frozen organization. */
export async function freezeOrganization(ctx: StepContext, org: Organization): Promise<Organization> {
  const after = await ctx.tx.organization.update({
    where: { id: org.id },
    data: { status: 'frozen', frozenAt: ctx.now, frozenBy: ctx.actor.operatorId, freezeReason: reasonText(ctx) },
  });
  ctx.changed({ entityType: 'organization', entityId: String(org.id), before: org, after });
  ctx.emit({
    name: 'OrgFrozen', entityType: 'organization', entityId: String(org.id),
    payload: { orgId: org.id, previousStatus: org.status },
  });
  return after;
}
