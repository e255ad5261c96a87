// Source rows turned into timeline facts: the audit log's rows (operator actions, backoffice
// writes, flag changes) and the domain events of the runs those rows record. Pure mapping, plus
// the one read that fetches a batch's events by run id.
import type { AuditRecord, SqlExecutor } from '../audit/types.js';
import type { TimelineCatalog } from './timeline-catalog.js';
import type { TimelineFact } from './timeline-types.js';

// The runner writes an `attempted` row before each run's outcome rows; the outcome rows say it all.
// Denials (access.denied, a refused self-approval) are security events for the audit screen: on an
// entity's timeline they would show who was refused a look at it, to everyone who may look.
// A succeeded row of an action whose result a pack source tells (a note's text) is that source's
// entry, not a second one (docs/adr/0016 "One entry per happening").
const isShown = (record: AuditRecord, catalog: TimelineCatalog) =>
  record.entityType !== null && record.entityId !== null && record.outcome !== 'attempted' && record.outcome !== 'denied'
  && !(record.outcome === 'succeeded' && catalog.superseded.actions.has(record.action));

export function auditFacts(records: AuditRecord[], catalog: TimelineCatalog): TimelineFact[] {
  return records.filter((r) => isShown(r, catalog)).map((r) => ({
    source: 'audit',
    sourceId: String(r.seq),
    subject: { type: catalog.subjectTypeOf(r.entityType!), id: r.entityId! },
    occurredAt: new Date(r.time),
    kind: r.action,
    actorOperatorId: r.operatorId,
    data: { outcome: r.outcome, reasonCode: r.reasonCode, note: r.note, before: r.before ?? null, after: r.after ?? null },
  }));
}

/**
 * The runs these audit rows record. A run's domain events commit in the transaction that wrote its
 * audit rows (src/actions/action-runner.ts), so once the rows are sealed the events are there: the
 * events are followed in the log's gap-free order instead of by their own id, whose order is not
 * the commit order (docs/adr/0016).
 */
export function runIdsOf(records: AuditRecord[]): string[] {
  const ids = new Set<string>();
  for (const r of records) {
    const after = r.after as { runId?: unknown } | null;
    if (r.outcome === 'attempted' && after && typeof after.runId === 'string') ids.add(after.runId);
  }
  return [...ids];
}

type EventRow = { id: string; name: string; entity_type: string; entity_id: string; payload: Record<string, unknown>; operator_id: number | null; occurred_at: Date };

const eventFact = (e: EventRow): TimelineFact => ({
  source: 'event',
  sourceId: String(e.id),
  subject: { type: e.entity_type, id: e.entity_id },
  occurredAt: e.occurred_at,
  kind: e.name,
  actorOperatorId: e.operator_id,
  data: { payload: e.payload },
});

/** The runs' events, but those a pack source tells instead (`supersedes.events`). */
export async function eventFactsOfRuns(db: SqlExecutor, runIds: string[], catalog: TimelineCatalog): Promise<TimelineFact[]> {
  if (runIds.length === 0) return [];
  const { rows } = await db.query(
    `SELECT id::text AS id, name, entity_type, entity_id, payload, operator_id, occurred_at FROM domain_events WHERE run_id = ANY($1::uuid[]) ORDER BY id`,
    [runIds],
  );
  return (rows as EventRow[]).filter((e) => !catalog.superseded.events.has(e.name)).map(eventFact);
}

