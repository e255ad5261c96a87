// risk_flag.clear: closes a risk flag. The flag stays, with who cleared it and when: a cleared flag
// is still evidence when the same entity is flagged again.
import type { RiskFlag } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isOpenRiskFlag } from './action-applicability.js';
import { lockRow } from './action-support.js';
import { riskFlagColumns } from './sql-rows.js';

export const riskFlagClearAction = defineAction({
  id: 'risk_flag.clear',
  title: 'Clear risk flag',
  description: 'Close a risk flag after review.',
  permission: 'risk_flag.manage',
  target: 'risk_flag',
  input: z.strictObject({}),
  reasonCodes: ['false_positive', 'risk_mitigated', 'investigation_complete'],

  appliesTo: isOpenRiskFlag,

  load: async ({ sql, target }) => {
    const flag = await lockRow<RiskFlag>(sql, { table: 'risk_flags', target, columns: riskFlagColumns });
    if (!isOpenRiskFlag(flag)) throw actionRefused('already_cleared', `Risk flag ${flag.id} was already cleared at ${flag.clearedAt?.toISOString()}.`);
    return { flag };
  },

  run: async (ctx) => {
    const { flag } = ctx.state;
    await ctx.sql`UPDATE risk_flags SET cleared_at = ${ctx.now}, cleared_by = ${ctx.actor.operatorId} WHERE id = ${flag.id}`;
    const after: RiskFlag = { ...flag, clearedAt: ctx.now, clearedBy: ctx.actor.operatorId };
    ctx.changed({ entityType: 'risk_flag', entityId: String(flag.id), before: flag, after });
    // On the flagged entity, like RiskFlagRaised, so its timeline shows both.
    ctx.emit({
      name: 'RiskFlagCleared', entityType: flag.entityType, entityId: flag.entityId,
      payload: { riskFlagId: flag.id, kind: flag.kind, severity: flag.severity, orgId: flag.orgId },
    });
    return { riskFlagId: after.id, clearedAt: after.clearedAt!.toISOString() };
  },
});
