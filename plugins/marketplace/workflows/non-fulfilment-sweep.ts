// Seed 000's seller non-fulfilment workflow, driven by a sweep every minute (pg-boss cron):
//   1. detect: paid orders older than the SLA with no label bought, not yet in the workflow;
//      warn each seller (order.nonfulfilment_notify), which records the step and the grace end;
//   2. escalate: warned orders whose grace is over: still no label, cancel, refund and strike
//      (order.nonfulfilment_cancel); a label bought (or the order moved on) meanwhile closes the
//      row as `resolved` and nothing is cancelled.
// Each step is an action run as the `system:non-fulfilment` principal, audited like an operator's,
// with an idempotency key made of the order id and the step. The state row decides what is left
// to do: a re-run, a crash between steps, or two sweepers at once never repeat a step (the
// actions lock the order and re-check the row; a loser's run is refused or replayed).
// Efficiency at 10 million orders: detection walks orders (status, created_at) over the SLA window
// only (LOOKBACK_DAYS back from the cutoff), escalation walks (stage, grace_ends_at); each takes at
// most `batch` rows a tick.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { SystemRunner } from '../../../src/actions/system-runner.js';
import type { ScheduledJob } from '../../../src/actions/scheduled-jobs.js';
import { supportSettings, type SupportSettings } from '../support/support-settings.js';
import { NON_FULFILMENT_PRINCIPAL, NON_FULFILMENT_REASON } from './non-fulfilment-state.js';

const HOUR_MS = 3_600_000;

/** Paid orders created in ($1, $2] with no label and no workflow row, oldest first: orders (status, created_at). */
export const DETECT_SQL = `SELECT o.id FROM orders o
  WHERE o.status = 'paid' AND o.created_at > $1 AND o.created_at <= $2
    AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.status <> 'label_pending')
    AND NOT EXISTS (SELECT 1 FROM order_non_fulfilments w WHERE w.order_id = o.id)
  ORDER BY o.created_at LIMIT $3`;

/** Warned orders whose grace ended by $1, and whether they settled meanwhile: (stage, grace_ends_at). */
export const DUE_SQL = `SELECT w.order_id,
    (o.status <> 'paid' OR EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = w.order_id AND s.status <> 'label_pending')) AS is_settled
  FROM order_non_fulfilments w JOIN orders o ON o.id = w.order_id
  WHERE w.stage = 'notified' AND w.grace_ends_at <= $1 ORDER BY w.grace_ends_at LIMIT $2`;

export type NonFulfilmentCounts = { notified: number; cancelled: number; resolved: number; skipped: number; failed: number };

/** Refusals that mean "nothing to do for this order": another sweeper did it, or the order moved on. */
const SETTLED = new Set(['already_notified', 'already_cancelled', 'already_resolved', 'label_purchased', 'not_awaiting_label', 'already_shipped',
  'idempotency_key_in_flight', 'idempotency_key_reused']);

export async function sweepNonFulfilment({ pool, system, now, settings }: {
  pool: Pick<pg.Pool, 'query'>;
  system: SystemRunner;
  now: Date;
  settings: SupportSettings['nonFulfilment'];
}): Promise<NonFulfilmentCounts> {
  const counts: NonFulfilmentCounts = { notified: 0, cancelled: 0, resolved: 0, skipped: 0, failed: 0 };
  const correlationId = `system:${NON_FULFILMENT_PRINCIPAL}:sweep:${randomUUID()}`;
  const step = async (actionId: string, orderId: number, key: string, input: Record<string, unknown>) =>
    system.run({
      principal: NON_FULFILMENT_PRINCIPAL, actionId, target: { type: 'order', id: String(orderId) }, input,
      reasonCode: NON_FULFILMENT_REASON, idempotencyKey: `nonfulfilment:${orderId}:${key}`, correlationId,
    });

  // ---- 1. detect and warn
  const cutoff = new Date(now.getTime() - settings.slaHours * HOUR_MS);
  const since = new Date(cutoff.getTime() - settings.lookbackDays * 24 * HOUR_MS);
  const { rows: late } = await pool.query<{ id: number }>(DETECT_SQL, [since, cutoff, settings.batch]);
  const graceEndsAt = new Date(now.getTime() + settings.graceHours * HOUR_MS).toISOString();
  for (const { id } of late) {
    const result = await step('order.nonfulfilment_notify', id, 'notify', { graceEndsAt });
    tally(counts, result, 'notified');
  }

  // ---- 2. escalate once the grace is over
  const { rows: due } = await pool.query<{ order_id: number; is_settled: boolean }>(DUE_SQL, [now, settings.batch]);
  for (const row of due) {
    if (!row.is_settled) {
      const result = await step('order.nonfulfilment_cancel', row.order_id, 'cancel', {});
      if (tally(counts, result, 'cancelled')) continue;
      const code = result.body.code;
      // Refused because the order moved on (label, shipped, cancelled by an operator): close below.
      if (code !== 'label_purchased' && code !== 'already_shipped' && code !== 'already_cancelled') continue;
    }
    const closed = await pool.query(
      `UPDATE order_non_fulfilments SET stage = 'resolved', closed_at = $2 WHERE order_id = $1 AND stage = 'notified'`, [row.order_id, now]);
    counts.resolved += closed.rowCount ?? 0;
  }
  return counts;
}

/** Counts one step's outcome; true when it acted (or an earlier run with its key did). */
function tally(counts: NonFulfilmentCounts, result: Awaited<ReturnType<SystemRunner['run']>>, done: 'notified' | 'cancelled'): boolean {
  if (result.status === 200) {
    if (!result.isReplay) counts[done] += 1;
    return true;
  }
  if (SETTLED.has(String(result.body.code))) counts.skipped += 1;
  else counts.failed += 1;
  return false;
}

export const nonFulfilmentSweepJob: ScheduledJob = {
  name: 'marketplace-nonfulfilment-sweep',
  cron: '* * * * *',
  run: ({ pool, system, now, config }) => sweepNonFulfilment({ pool, system, now, settings: supportSettings(config).nonFulfilment }),
};
