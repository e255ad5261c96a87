// Marks support cases whose first-response SLA passed without a response: `sla_breached_at` is set
// to the due time, once (the WHERE clause is the idempotency: a marked case is never picked again),
// and a SupportCaseSlaBreached event goes on the case's timeline. Runs every minute on pg-boss's
// cron; walks the (first_responded_at, sla_breached_at, sla_first_response_due_at) index, a batch a tick.
import type pg from 'pg';
import type { ScheduledJob } from '../../../src/actions/scheduled-jobs.js';

export async function sweepSlaBreaches({ pool, now, batch = 1000 }: { pool: Pick<pg.Pool, 'query'>; now: Date; batch?: number }): Promise<{ breached: number }> {
  const { rowCount } = await pool.query(
    `WITH due AS (
       SELECT id FROM support_cases
       WHERE first_responded_at IS NULL AND sla_breached_at IS NULL AND sla_first_response_due_at <= $1 AND status <> 'closed'
       ORDER BY sla_first_response_due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
     marked AS (
       UPDATE support_cases c SET sla_breached_at = c.sla_first_response_due_at FROM due WHERE c.id = due.id
       RETURNING c.id, c.sla_first_response_due_at AS due_at)
     INSERT INTO domain_events (name, entity_type, entity_id, payload, occurred_at)
     SELECT 'SupportCaseSlaBreached', 'support_case', id::text, jsonb_build_object('caseId', id, 'dueAt', due_at), $1 FROM marked`,
    [now, batch]);
  return { breached: rowCount ?? 0 };
}

export const supportSlaSweepJob: ScheduledJob = {
  name: 'marketplace-support-sla-sweep',
  cron: '* * * * *',
  run: ({ pool, now }) => sweepSlaBreaches({ pool, now }),
};
