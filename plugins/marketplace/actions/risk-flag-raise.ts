// risk_flag.raise: an operator's risk signal on any marketplace entity, beside the automated ones
// (raisedBy null). Like the seed's flags, it also names the organization it weighs on (`flaggedOrg`),
// so the risk console can list an organization's flags whatever entity they sit on.
import type { RiskFlag } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction, type SqlTag } from '../../../src/actions/define-action.js';
import { lockTarget, type LockableTable } from './action-support.js';
import { riskFlagColumns, withSqlText } from './sql-rows.js';

const FLAGGABLE = {
  organization: 'organizations', customer_user: 'customer_users', listing: 'listings', order: 'orders', payment: 'payments',
} as const satisfies Record<string, LockableTable>;
type FlaggableType = keyof typeof FLAGGABLE;

/** The organization a flag weighs on; order and payment signals are the buyer's (as in the seed). */
async function flaggedOrg(sql: SqlTag, type: FlaggableType, id: number): Promise<number | null> {
  const one = async (rows: Promise<{ orgId: number }[]>) => (await rows)[0].orgId;
  switch (type) {
    case 'organization': return id;
    case 'customer_user': return one(sql`SELECT organization_id AS "orgId" FROM customer_users WHERE id = ${id}`);
    case 'listing': return one(sql`SELECT seller_org_id AS "orgId" FROM listings WHERE id = ${id}`);
    case 'order': return one(sql`SELECT c.buyer_org_id AS "orgId" FROM orders o JOIN checkouts c ON c.id = o.checkout_id WHERE o.id = ${id}`);
    case 'payment': return one(sql`SELECT c.buyer_org_id AS "orgId" FROM payments p JOIN checkouts c ON c.id = p.checkout_id WHERE p.id = ${id}`);
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

  load: async ({ sql, target, input }) => {
    const type = target.type as FlaggableType;
    // Locked so two operators raising the same kind at once give one flag, not two.
    const entityId = await lockTarget(sql, FLAGGABLE[type], target);
    const [open] = await sql<{ id: number }>`
      SELECT id FROM risk_flags WHERE entity_type = ${type}::"RiskEntityType" AND entity_id = ${String(entityId)} AND kind = ${input.kind} AND cleared_at IS NULL
      ORDER BY id LIMIT 1`;
    if (open) throw actionRefused('already_flagged', `${target.type} ${entityId} already has an open ${input.kind} flag (${open.id}).`);
    return { type, entityId, orgId: await flaggedOrg(sql, type, entityId) };
  },

  run: async (ctx) => {
    const { state: { type, entityId, orgId }, input } = ctx;
    const [flag] = await withSqlText(ctx.sql)<RiskFlag>`
      INSERT INTO risk_flags (entity_type, entity_id, org_id, kind, severity, "trigger", raised_at, raised_by)
      VALUES (${type}::"RiskEntityType", ${String(entityId)}, ${orgId}::int, ${input.kind}, ${input.severity}::"RiskSeverity",
        ${input.trigger ?? `manual: ${ctx.reasonCode}`}, ${ctx.now}, ${ctx.actor.operatorId})
      RETURNING ${riskFlagColumns()}`;
    ctx.changed({ entityType: 'risk_flag', entityId: String(flag.id), before: null, after: flag });
    // On the flagged entity, so its timeline shows the flag; the flag's id is in the payload.
    ctx.emit({
      name: 'RiskFlagRaised', entityType: type, entityId: String(entityId),
      payload: { riskFlagId: flag.id, kind: flag.kind, severity: flag.severity, orgId },
    });
    return { riskFlagId: flag.id, entityType: type, entityId: String(entityId), kind: flag.kind, severity: flag.severity };
  },
});
