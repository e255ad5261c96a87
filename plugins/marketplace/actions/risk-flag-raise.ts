// risk_flag.raise: an operator's risk signal on any marketplace entity, beside the automated ones
// (raisedBy null). Like the seed's flags, it also names the organization it weighs on (`flaggedOrg`),
// so the risk console can list an organization's flags whatever entity they sit on.
import type { Prisma } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockTarget, type LockableTable } from './action-support.js';

const FLAGGABLE = {
  organization: 'organizations', customer_user: 'customer_users', listing: 'listings', order: 'orders', payment: 'payments',
} as const satisfies Record<string, LockableTable>;
type FlaggableType = keyof typeof FLAGGABLE;

/** The organization a flag weighs on; order and payment signals are the buyer's (as in the seed). */
async function flaggedOrg(tx: Prisma.TransactionClient, type: FlaggableType, id: number): Promise<number | null> {
  switch (type) {
    case 'organization': return id;
    case 'customer_user': return (await tx.customerUser.findUniqueOrThrow({ where: { id } })).organizationId;
    case 'listing': return (await tx.listing.findUniqueOrThrow({ where: { id } })).sellerOrgId;
    case 'order': return (await tx.order.findUniqueOrThrow({ where: { id }, select: { checkout: { select: { buyerOrgId: true } } } })).checkout.buyerOrgId;
    case 'payment': return (await tx.payment.findUniqueOrThrow({ where: { id }, select: { checkout: { select: { buyerOrgId: true } } } })).checkout.buyerOrgId;
  }
}

export const riskFlagRaiseAction = defineAction({
  id: 'risk_flag.raise',
  title: 'Raise risk flag',
  description: 'Flag an organization, customer user, listing, order or payment for risk review.',
  permission: 'risk_flag.manage',
  target: Object.keys(FLAGGABLE) as FlaggableType[],
  input: z.strictObject({
    kind: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'snake_case, e.g. refund_abuse'),
    severity: z.enum(['low', 'medium', 'high']),
    /** The signal behind the flag; defaults to "manual: <reason code>". */
    trigger: z.string().trim().min(1).max(500).optional(),
  }),
  reasonCodes: ['suspicious_activity', 'chargeback_pattern', 'refund_abuse', 'account_takeover_signal', 'counterfeit_report', 'velocity_spike'],

  load: async ({ tx, target, input }) => {
    const type = target.type as FlaggableType;
    // Locked so two operators raising the same kind at once give one flag, not two.
    const entityId = await lockTarget(tx, FLAGGABLE[type], target);
    const open = await tx.riskFlag.findFirst({ where: { entityType: type, entityId: String(entityId), kind: input.kind, clearedAt: null } });
    if (open) throw actionRefused('already_flagged', `${target.type} ${entityId} already has an open ${input.kind} flag (${open.id}).`);
    return { type, entityId, orgId: await flaggedOrg(tx, type, entityId) };
  },

  run: async (ctx) => {
    const { state: { type, entityId, orgId }, input } = ctx;
    const flag = await ctx.tx.riskFlag.create({
      data: {
        entityType: type, entityId: String(entityId), orgId, kind: input.kind, severity: input.severity,
        trigger: input.trigger ?? `manual: ${ctx.reasonCode}`, raisedAt: ctx.now, raisedBy: ctx.actor.operatorId,
      },
    });
    ctx.changed({ entityType: 'risk_flag', entityId: String(flag.id), before: null, after: flag });
    // On the flagged entity, so its timeline shows the flag; the flag's id is in the payload.
    ctx.emit({
      name: 'RiskFlagRaised', entityType: type, entityId: String(entityId),
      payload: { riskFlagId: flag.id, kind: flag.kind, severity: flag.severity, orgId },
    });
    return { riskFlagId: flag.id, entityType: type, entityId: String(entityId), kind: flag.kind, severity: flag.severity };
  },
});
