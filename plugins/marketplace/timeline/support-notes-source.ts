// Support case notes on the timeline (seed 000: "Admin notes are part of the audit trail"): the
// projector follows support_case_notes by id. A note is about its case; the case's links carry it
// to the order, organization and customer the case is about. The note row is the whole story of a
// case.add_note run (author, time, text), so that run's audit row and SupportCaseNoteAdded event are
// not entries of their own: one note, one entry (docs/adr/0016 "One entry per happening").
import type { SqlExecutor } from '../../../src/audit/types.js';
import type { TimelineSource } from '../../../src/timeline/timeline-types.js';

export const SUPPORT_NOTES_SOURCE = 'marketplace.notes';

export const supportNotesSource: TimelineSource = {
  id: SUPPORT_NOTES_SOURCE,
  supersedes: { events: ['SupportCaseNoteAdded'], actions: ['case.add_note'] },
  read: async (db: SqlExecutor, { after, upTo, limit }) => {
    const { rows } = await db.query(
      `SELECT id::text AS id, case_id, author_operator_id, body, created_at FROM support_case_notes
       WHERE id > $1::bigint AND ($2::bigint IS NULL OR id <= $2::bigint) ORDER BY support_case_notes.id LIMIT $3`,
      [after, upTo, limit],
    );
    return rows.map((r) => ({
      sourceId: String(r.id),
      subject: { type: 'support_case', id: String(r.case_id) },
      occurredAt: r.created_at as Date,
      kind: 'SupportNoteAdded',
      actorOperatorId: r.author_operator_id as number,
      data: { caseId: r.case_id, body: r.body },
    }));
  },
};
