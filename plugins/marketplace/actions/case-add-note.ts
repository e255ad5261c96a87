// case.add_note: an internal note on a support case. Notes are part of the audit trail (seed 000):
// never edited or deleted, and the note's text is on its audit row. The first note by a person
// is the case's first response (support/case-store.ts).
import type { SupportCaseNote } from '@prisma/client';
import { z } from 'zod/v4';
import { defineAction } from '../../../src/actions/define-action.js';
import { isSystemActor, lockCase, refuseIfClosed, withFirstResponse } from '../support/case-store.js';

export const caseAddNoteAction = defineAction({
  id: 'case.add_note',
  title: 'Add internal note',
  description: 'Add an internal note to the case (kept as written: notes are never edited).',
  permission: 'support_case.write',
  target: 'support_case',
  input: z.strictObject({ body: z.string().trim().min(1).max(10_000) }),
  reasonCodes: ['case_update', 'investigation', 'customer_contact', 'handover'],

  load: async ({ sql, target }) => {
    const supportCase = await lockCase(sql, target);
    refuseIfClosed(supportCase);
    return { supportCase };
  },

  run: async (ctx) => {
    const before = ctx.state.supportCase;
    const after = { ...withFirstResponse(ctx, before, isSystemActor(ctx.actor)), updatedAt: ctx.now };
    const [note] = await Promise.all([
      ctx.sql<SupportCaseNote>`
        INSERT INTO support_case_notes (case_id, author_operator_id, body, created_at) VALUES (${before.id}, ${ctx.actor.operatorId}, ${ctx.input.body}, ${ctx.now})
        RETURNING id, case_id AS "caseId", author_operator_id AS "authorOperatorId", body, created_at AS "createdAt"`,
      ctx.sql`UPDATE support_cases SET first_responded_at = ${after.firstRespondedAt}, sla_breached_at = ${after.slaBreachedAt}, updated_at = ${ctx.now}
        WHERE id = ${before.id}`,
    ]).then(([notes]) => notes);
    ctx.changed({ entityType: 'support_case_note', entityId: String(note.id), before: null, after: note });
    if (before.firstRespondedAt !== after.firstRespondedAt) ctx.changed({ entityType: 'support_case', entityId: String(before.id), before, after });
    ctx.emit({ name: 'SupportCaseNoteAdded', entityType: 'support_case', entityId: String(before.id), payload: { caseId: before.id, noteId: note.id } });
    return { caseId: before.id, noteId: note.id, firstRespondedAt: after.firstRespondedAt?.toISOString() ?? null };
  },
});
