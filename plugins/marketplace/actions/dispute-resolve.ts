// dispute.resolve: marks a claim, chargeback or not-received dispute resolved, with how it ended.
// Only a dispute still being worked (open, awaiting evidence, under review) can be resolved; a
// resolved or closed one is refused (409 not_resolvable) and nothing changes. The money side (a
// refund, a payout hold) is its own action, run before this one from the disputes console.
import type { Dispute } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isWorkedDispute } from './action-applicability.js';
import { lockRow } from './action-support.js';
import { disputeColumns } from './sql-rows.js';

export const DISPUTE_RESOLUTIONS = ['refunded_in_full', 'refunded_partially', 'seller_favoured', 'withdrawn'] as const;

export const disputeResolveAction = defineAction({
  id: 'dispute.resolve',
  title: 'Resolve dispute',
  description: 'Mark a claim or dispute resolved, with its resolution (refunded in full or partially, seller favoured, withdrawn).',
  permission: 'dispute.resolve',
  target: 'dispute',
  input: z.strictObject({ resolution: z.enum(DISPUTE_RESOLUTIONS) }),
  reasonCodes: ['evidence_reviewed', 'refund_issued', 'buyer_withdrew', 'provider_decision', 'seller_fulfilled'],

  appliesTo: isWorkedDispute,

  load: async ({ sql, target }) => {
    const dispute = await lockRow<Dispute>(sql, { table: 'disputes', target, columns: disputeColumns });
    if (!isWorkedDispute(dispute)) {
      throw actionRefused('not_resolvable', `Dispute ${dispute.id} is ${dispute.status}; only open, awaiting-evidence or under-review disputes can be resolved.`);
    }
    return { dispute };
  },

  run: async (ctx) => {
    const { dispute: before } = ctx.state;
    const after: Dispute = { ...before, status: 'resolved', resolution: ctx.input.resolution, resolvedAt: ctx.now };
    await ctx.sql`UPDATE disputes SET status = 'resolved'::"DisputeStatus", resolution = ${after.resolution}::"DisputeResolution", resolved_at = ${ctx.now}
      WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'dispute', entityId: String(before.id), before, after });
    ctx.emit({
      name: 'DisputeResolved', entityType: 'dispute', entityId: String(before.id),
      payload: { orderId: before.orderId, kind: before.kind, resolution: after.resolution, previousStatus: before.status },
    });
    return { disputeId: before.id, status: after.status, resolution: after.resolution!, resolvedAt: ctx.now.toISOString() };
  },
});
