// The refund done naively, for the bench's comparison: the same rows the order.refund action writes
// (refund, payment status, the ledger pair, order status, six audit rows, the RefundIssued event,
// two notifications, the run) and the same front (session, operator reload, permission), but each
// statement on its own autocommit: no transaction, no row locks, no idempotency key. It is what a
// handler written without the runner tends to look like; concurrent requests for one order could
// refund it twice, and a crash halfway leaves half a refund. Only the bench mounts it.
import { randomBytes, randomUUID } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { AuditService } from '../../src/audit/types.js';
import type { OperatorPrincipal } from '../../src/auth/operator-auth.js';
import { can } from '../../src/rbac/access.js';

export function createNaiveRefundRoute({ pool, audit, boss, session, authenticated }: {
  pool: pg.Pool; audit: AuditService; boss: PgBoss; session: RequestHandler; authenticated: RequestHandler;
}): Router {
  const router = Router();
  router.post('/naive/refunds/:orderId', express.json(), session, authenticated, async (req, res) => {
    const operator = res.locals.operator as OperatorPrincipal;
    if (!can(operator, 'refund.issue')) return void res.status(403).json({ code: 'forbidden' });
    const startedAt = new Date();
    const reasonCode = String(req.body.reasonCode);
    const actor = { operatorId: operator.id, roles: operator.roles };
    const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;

    const [order] = await q('SELECT * FROM orders WHERE id = $1', [Number(req.params.orderId)]);
    if (!order) return void res.status(404).json({ code: 'not_found' });
    const allocations = await q('SELECT payment_id, amount FROM payment_allocations WHERE order_id = $1', [order.id]);
    const payments = await q(`SELECT * FROM payments WHERE id = ANY($1) AND status IN ('succeeded', 'partially_refunded') ORDER BY id`, [allocations.map((a) => a.payment_id)]);
    const refunded = await q(`SELECT payment_id, sum(amount)::int AS sum FROM refunds WHERE order_id = $1 AND status = 'succeeded' GROUP BY payment_id`, [order.id]);
    const [checkout] = await q('SELECT buyer_org_id FROM checkouts WHERE id = $1', [order.checkout_id]);
    const parts = payments.map((p) => ({
      paymentId: p.id as number,
      remaining: allocations.filter((a) => a.payment_id === p.id).reduce((s, a) => s + a.amount, 0) - (refunded.find((r) => r.payment_id === p.id)?.sum ?? 0),
    })).filter((p) => p.remaining > 0);
    if (parts.length === 0) return void res.status(409).json({ code: 'nothing_to_refund' });

    const runId = randomUUID();
    const base = { actor, action: 'order.refund', reasonCode, note: null };
    await audit.appendStandalone({ ...base, entityType: 'order', entityId: String(order.id), outcome: 'attempted', after: { runId } });
    let total = 0;
    for (const part of parts) {
      total += part.remaining;
      const [refund] = await q(`INSERT INTO refunds (order_id, payment_id, provider_ref, amount, currency, status, reason_code) VALUES ($1, $2, $3, $4, $5, 'succeeded', $6) RETURNING *`,
        [order.id, part.paymentId, `re_${randomBytes(12).toString('hex')}`, part.remaining, order.currency, reasonCode]);
      await audit.appendStandalone({ ...base, entityType: 'refund', entityId: String(refund.id), before: null, after: refund, outcome: 'succeeded' });
      const [before] = await q('SELECT * FROM payments WHERE id = $1', [part.paymentId]);
      const [{ sum }] = await q(`SELECT coalesce(sum(amount), 0)::int AS sum FROM refunds WHERE payment_id = $1 AND status = 'succeeded'`, [part.paymentId]);
      const [after] = await q('UPDATE payments SET status = $2 WHERE id = $1 RETURNING *', [part.paymentId, sum >= before.amount ? 'refunded' : 'partially_refunded']);
      await audit.appendStandalone({ ...base, entityType: 'payment', entityId: String(after.id), before, after, outcome: 'succeeded' });
      for (const [orgId, amount] of [[order.seller_org_id, -part.remaining], [checkout.buyer_org_id, part.remaining]]) {
        const [entry] = await q(`INSERT INTO ledger_entries (org_id, order_id, kind, amount, currency) VALUES ($1, $2, 'refund', $3, $4) RETURNING *`, [orgId, order.id, amount, order.currency]);
        await audit.appendStandalone({ ...base, entityType: 'ledger_entry', entityId: String(entry.id), before: null, after: entry, outcome: 'succeeded' });
      }
    }
    const [updated] = await q(`UPDATE orders SET status = 'refunded' WHERE id = $1 RETURNING *`, [order.id]);
    await audit.appendStandalone({ ...base, entityType: 'order', entityId: String(order.id), before: order, after: updated, outcome: 'succeeded' });
    await q(`INSERT INTO domain_events (name, entity_type, entity_id, payload, run_id, operator_id, occurred_at) VALUES ('RefundIssued', 'order', $1, $2, $3, $4, $5)`,
      [String(order.id), JSON.stringify({ orderId: order.id, amount: total, reasonCode }), runId, operator.id, startedAt]);
    const [buyer] = await q('SELECT email FROM customer_users WHERE id = $1', [order.buyer_user_id]);
    const [seller] = await q(`SELECT email FROM customer_users WHERE organization_id = $1 AND status = 'active' ORDER BY id LIMIT 1`, [order.seller_org_id]);
    for (const [index, recipient] of [buyer?.email, seller?.email].filter(Boolean).entries()) {
      await boss.send('outbox', { kind: 'notify', key: `${runId}:${index}`, payload: { recipient, template: 'refund_issued', data: { orderId: order.id, amount: total } } });
    }
    const finishedAt = new Date();
    await q(`INSERT INTO action_runs (id, action_id, status, operator_id, operator_roles, target_type, target_id, input, reason_code, result, started_at, finished_at, duration_ms)
      VALUES ($1, 'order.refund', 'succeeded', $2, $3, 'order', $4, '{}', $5, $6, $7, $8, $9)`,
      [runId, operator.id, operator.roles, String(order.id), reasonCode, JSON.stringify({ orderId: order.id, amount: total }), startedAt, finishedAt, finishedAt.getTime() - startedAt.getTime()]);
    res.json({ run: { id: runId, status: 'succeeded' } });
  });
  return router;
}
