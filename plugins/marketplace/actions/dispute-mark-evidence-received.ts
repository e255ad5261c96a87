// dispute.mark_evidence_received: ticks one requested evidence kind off the dispute's checklist.
// Refused when that kind was never requested or is already received; the dispute's status is the
// operator's next call (resolve, or keep waiting), not this action's.
import type { Dispute, DisputeEvidence } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { hasMissingEvidence } from './action-applicability.js';
import { EVIDENCE_KINDS } from '../consoles/dispute-detail.js';
import { lockRow } from './action-support.js';
import { disputeColumns, disputeEvidenceColumns, withSqlText } from './sql-rows.js';

export const disputeMarkEvidenceReceivedAction = defineAction({
  id: 'dispute.mark_evidence_received',
  title: 'Mark evidence received',
  description: 'Record that one requested kind of evidence has arrived.',
  permission: 'dispute.evidence',
  target: 'dispute',
  input: z.strictObject({ kind: z.enum(EVIDENCE_KINDS) }),
  reasonCodes: ['evidence_received'],

  appliesTo: hasMissingEvidence,

  load: async ({ sql, target, input }) => {
    // The dispute is locked: its evidence rows change only under it.
    const dispute = await lockRow<Dispute>(sql, { table: 'disputes', target, columns: disputeColumns });
    const [evidence] = await withSqlText(sql)<DisputeEvidence>`
      SELECT ${disputeEvidenceColumns()} FROM dispute_evidence WHERE dispute_id = ${dispute.id} AND kind = ${input.kind}::"EvidenceKind" ORDER BY id LIMIT 1`;
    if (!evidence) throw actionRefused('evidence_not_requested', `Dispute ${dispute.id} has no ${input.kind} on its checklist.`);
    if (evidence.isReceived) throw actionRefused('already_received', `Dispute ${dispute.id}'s ${input.kind} was received at ${evidence.receivedAt?.toISOString() ?? 'an unknown time'}.`);
    return { dispute, evidence };
  },

  run: async (ctx) => {
    const { dispute, evidence } = ctx.state;
    await ctx.sql`UPDATE dispute_evidence SET is_received = true, received_at = ${ctx.now} WHERE id = ${evidence.id}`;
    ctx.changed({ entityType: 'dispute_evidence', entityId: String(evidence.id), before: evidence, after: { ...evidence, isReceived: true, receivedAt: ctx.now } });
    ctx.emit({ name: 'DisputeEvidenceReceived', entityType: 'dispute', entityId: String(dispute.id), payload: { kind: evidence.kind, evidenceId: evidence.id } });
    return { disputeId: dispute.id, kind: evidence.kind, receivedAt: ctx.now.toISOString() };
  },
});
