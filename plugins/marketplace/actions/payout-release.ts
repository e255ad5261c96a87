// payout.release: lifts holds. On a payout: its own open holds; the payout goes back to scheduled
// unless an organization-wide hold still stands. On an organization: its organization-wide holds;
// each held payout goes back to scheduled unless it has an open hold of its own. A hold is never
// deleted: releasedAt/releasedBy keep who lifted it and when.
import type { Payout, PayoutHold } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction, type SqlTag } from '../../../src/actions/define-action.js';
import { hasOrganizationHold } from './action-applicability.js';
import { lockTarget, lockUnderOrganization, type StepContext } from './action-support.js';
import { openOrganizationHolds } from './hold-payouts.js';
import { payoutColumns, payoutHoldColumns, withSqlText } from './sql-rows.js';

type ReleaseState = { holds: PayoutHold[]; orgId: number; payouts: Payout[]; keepHeld: number[] };

function lockHeldPayouts(sql: SqlTag, orgId: number): Promise<Payout[]> {
  return withSqlText(sql)<Payout>`
    SELECT ${payoutColumns()} FROM payouts WHERE seller_org_id = ${orgId} AND status = 'held' ORDER BY id FOR NO KEY UPDATE`;
}

async function release(ctx: StepContext, { holds, payouts, keepHeld }: ReleaseState): Promise<Payout[]> {
  await ctx.sql`UPDATE payout_holds SET released_at = ${ctx.now}, released_by = ${ctx.actor.operatorId} WHERE id = ANY(${holds.map((h) => h.id)}::int[])`;
  for (const before of holds) {
    ctx.changed({ entityType: 'payout_hold', entityId: String(before.id), before, after: { ...before, releasedAt: ctx.now, releasedBy: ctx.actor.operatorId } });
  }
  const resumed = payouts.filter((p) => p.status === 'held' && !keepHeld.includes(p.id));
  if (resumed.length > 0) await ctx.sql`UPDATE payouts SET status = 'scheduled'::"PayoutStatus" WHERE id = ANY(${resumed.map((p) => p.id)}::int[])`;
  for (const before of resumed) ctx.changed({ entityType: 'payout', entityId: String(before.id), before, after: { ...before, status: 'scheduled' } });
  return resumed;
}

export const payoutReleaseAction = defineAction({
  id: 'payout.release',
  title: 'Release payout hold',
  description: 'Release the holds on a payout, or an organization\'s organization-wide hold.',
  permission: 'payout.release',
  target: ['payout', 'organization'],
  input: z.strictObject({}),
  reasonCodes: ['review_complete', 'risk_mitigated', 'seller_verified', 'held_in_error'],

  appliesTo: (state, type) => type !== 'organization' || hasOrganizationHold(state),

  load: async ({ sql: tag, target }): Promise<ReleaseState> => {
    const sql = withSqlText(tag);
    if (target.type === 'payout') {
      const { row: payout, orgId } = await lockUnderOrganization<Payout>(sql, { table: 'payouts', target, columns: payoutColumns });
      const holds = await sql<PayoutHold>`
        SELECT ${payoutHoldColumns()} FROM payout_holds WHERE payout_id = ${payout.id} AND released_at IS NULL ORDER BY id`;
      if (holds.length === 0) throw actionRefused('no_open_hold', `Payout ${payout.id} has no open hold of its own.`);
      const isOrgHeld = (await openOrganizationHolds(sql, orgId)).length > 0;
      return { holds, orgId, payouts: [payout], keepHeld: isOrgHeld ? [payout.id] : [] };
    }
    const orgId = await lockTarget(sql, 'organizations', target);
    const holds = await openOrganizationHolds(sql, orgId);
    if (holds.length === 0) throw actionRefused('no_open_hold', `Organization ${orgId} has no open organization-wide hold.`);
    const payouts = await lockHeldPayouts(sql, orgId);
    const ownHolds = await sql<{ payoutId: number }>`
      SELECT payout_id AS "payoutId" FROM payout_holds WHERE payout_id = ANY(${payouts.map((p) => p.id)}::int[]) AND released_at IS NULL`;
    return { holds, orgId, payouts, keepHeld: ownHolds.map((h) => h.payoutId) };
  },

  run: async (ctx) => {
    const { state, target } = ctx;
    const resumed = await release(ctx, state);
    const stillHeld = state.payouts.filter((p) => state.keepHeld.includes(p.id)).map((p) => p.id);
    ctx.emit({
      name: 'PayoutHoldReleased', entityType: target.type, entityId: target.id,
      payload: { scope: target.type, sellerOrgId: state.orgId, holdIds: state.holds.map((h) => h.id), resumedPayoutIds: resumed.map((p) => p.id), stillHeldPayoutIds: stillHeld },
    });
    return { scope: target.type, sellerOrgId: state.orgId, releasedHoldIds: state.holds.map((h) => h.id), resumedPayoutIds: resumed.map((p) => p.id), stillHeldPayoutIds: stillHeld };
  },
});
