// An in-memory AuditService for tests, until the real one (src/audit/) is wired: it keeps every
// event so a test can assert what was recorded.
import type { AuditEvent, AuditService } from '../../src/audit/types.js';

export type AuditRecorder = AuditService & { events: AuditEvent[] };

export function createAuditRecorder(): AuditRecorder {
  const events: AuditEvent[] = [];
  let seq = 0;
  const record = async (event: AuditEvent) => {
    events.push(structuredClone(event));
    return { seq: String(++seq) };
  };
  return {
    events,
    append: (_sql, event) => record(event),
    appendMany: async (_sql, batch) => ({ seqs: (await Promise.all(batch.map(record))).map((r) => r.seq) }),
    appendStandalone: record,
  };
}
