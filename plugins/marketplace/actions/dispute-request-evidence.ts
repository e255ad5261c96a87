// dispute.request_evidence: adds evidence kinds to a dispute's checklist (each at most once) and,
// on an open dispute, moves it to awaiting_evidence. Only disputes still being worked.
import type { Dispute, DisputeEvidence } from '@prisma/client';
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { isWorkedDispute } from './action-applicability.js';
import { EVIDENCE_KINDS } from '../consoles/dispute-detail.js';
import { lockRow } from './action-support.js';
import { disputeColumns, disputeEvidenceColumns, withSqlText } from './sql-rows.js';

export const disputeRequestEvidenceAction = defineAction({
  id: 'dispute.request_evidence',
  title: 'Request dispute evidence',
  description: 'Add evidence kinds to the dispute\'s checklist; an open dispute then awaits evidence.',
  permission: 'dispute.evidence',
  target: 'dispute',
  input: z.strictObject({
    kinds: z.array(z.enum(EVIDENCE_KINDS)).min(1).max(EVIDENCE_KINDS.length),
    /** What is asked for, shown on the checklist; defaults to the kind. */
    description: z.string().trim().min(1).max(500).optional(),
  }),
  reasonCodes: ['evidence_needed', 'provider_request'],

  appliesTo: isWorkedDispute,

  load: async ({ sql, target, input }) => {
    const dispute = await lockRow<Dispute>(sql, { table: 'disputes', target, columns: disputeColumns });
    if (!isWorkedDispute(dispute)) {
      throw actionRefused('dispute_closed', `Dispute ${dispute.id} is ${dispute.status}; evidence is requested only while it is worked.`);
    }
    const present = await sql<{ kind: string }>`SELECT DISTINCT kind FROM dispute_evidence WHERE dispute_id = ${dispute.id}`;
    const kinds = [...new Set(input.kinds)].filter((k) => !present.some((p) => p.kind === k));
    if (kinds.length === 0) throw actionRefused('already_requested', `Dispute ${dispute.id} already lists ${input.kinds.join(', ')}.`);
    return { dispute, kinds };
  },

  run: async (ctx) => {
    const { dispute, kinds } = ctx.state;
    const rows = await withSqlText(ctx.sql)<DisputeEvidence>`
      INSERT INTO dispute_evidence (dispute_id, kind, description, created_at)
      SELECT ${dispute.id}, k::"EvidenceKind", coalesce(${ctx.input.description ?? null}::text, replace(k, '_', ' ')), ${ctx.now}
      FROM unnest(${kinds}::text[]) AS k RETURNING ${disputeEvidenceColumns()}`;
    for (const row of rows) ctx.changed({ entityType: 'dispute_evidence', entityId: String(row.id), before: null, after: row });
    let status = dispute.status;
    if (dispute.status === 'open') {
      await ctx.sql`UPDATE disputes SET status = 'awaiting_evidence'::"DisputeStatus" WHERE id = ${dispute.id}`;
      ctx.changed({ entityType: 'dispute', entityId: String(dispute.id), before: dispute, after: { ...dispute, status: 'awaiting_evidence' } });
      status = 'awaiting_evidence';
    }
    ctx.emit({ name: 'DisputeEvidenceRequested', entityType: 'dispute', entityId: String(dispute.id), payload: { kinds, status } });
    return { disputeId: dispute.id, requested: kinds, status };
  },
});
