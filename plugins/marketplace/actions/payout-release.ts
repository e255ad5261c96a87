// payout.release: lifts holds. On a payout: its own open holds; the payout goes back to scheduled
// unless an organization-wide hold still stands. On an organization: its organization-wide holds;
// each held payout goes back to scheduled unless it has an open hold of its own. A hold is never
// deleted: releasedAt/releasedBy keep who lifted it and when.
import type { Payout, PayoutHold, Prisma } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { lockTarget, lockUnderOrganization, type StepContext } from './action-support.js';
import { openOrganizationHolds } from './hold-payouts.js';

type ReleaseState = { holds: PayoutHold[]; orgId: number; payouts: Payout[]; keepHeld: number[] };

async function lockHeldPayouts(tx: Prisma.TransactionClient, orgId: number): Promise<Payout[]> {
  const locked = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM payouts WHERE seller_org_id = ${orgId} AND status = 'held' ORDER BY id FOR NO KEY UPDATE`;
  return tx.payout.findMany({ where: { id: { in: locked.map((row) => row.id) } }, orderBy: { id: 'asc' } });
}

async function release(ctx: StepContext, { holds, payouts, keepHeld }: ReleaseState): Promise<Payout[]> {
  await ctx.tx.payoutHold.updateMany({ where: { id: { in: holds.map((h) => h.id) } }, data: { releasedAt: ctx.now, releasedBy: ctx.actor.operatorId } });
  for (const before of holds) {
    ctx.changed({ entityType: 'payout_hold', entityId: String(before.id), before, after: { ...before, releasedAt: ctx.now, releasedBy: ctx.actor.operatorId } });
  }
  const resumed = payouts.filter((p) => p.status === 'held' && !keepHeld.includes(p.id));
  if (resumed.length > 0) await ctx.tx.payout.updateMany({ where: { id: { in: resumed.map((p) => p.id) } }, data: { status: 'scheduled' } });
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

  load: async ({ tx, target }): Promise<ReleaseState> => {
    if (target.type === 'payout') {
      const { id, orgId } = await lockUnderOrganization(tx, {
        table: 'payouts', target,
        findOrgId: async (payoutId) => (await tx.payout.findUnique({ where: { id: payoutId }, select: { sellerOrgId: true } }))?.sellerOrgId ?? null,
      });
      const holds = await tx.payoutHold.findMany({ where: { payoutId: id, releasedAt: null }, orderBy: { id: 'asc' } });
      if (holds.length === 0) throw actionRefused('no_open_hold', `Payout ${id} has no open hold of its own.`);
      const isOrgHeld = (await openOrganizationHolds(tx, orgId)).length > 0;
      return { holds, orgId, payouts: [await tx.payout.findUniqueOrThrow({ where: { id } })], keepHeld: isOrgHeld ? [id] : [] };
    }
    const orgId = await lockTarget(tx, 'organizations', target);
    const holds = await openOrganizationHolds(tx, orgId);
    if (holds.length === 0) throw actionRefused('no_open_hold', `Organization ${orgId} has no open organization-wide hold.`);
    const payouts = await lockHeldPayouts(tx, orgId);
    const ownHolds = await tx.payoutHold.findMany({
      where: { payoutId: { in: payouts.map((p) => p.id) }, releasedAt: null }, select: { payoutId: true },
    });
    return { holds, orgId, payouts, keepHeld: ownHolds.map((h) => h.payoutId!) };
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
