// ticket.create_task: seed 002's one safe action, "create internal task / note" on a ticket
// (`POST /api/actions/ticket.create_task`; seed 002's `POST /admin/action-center/tickets/:id/
// actions/create-task` is this action, see docs/adr/0020). The runner does RBAC, the idempotency
// key, the audit rows (attempted via writeAhead, then succeeded or failed) and the run record; a
// failure of the task service is a failed run with a reason code that Retry re-executes. The task
// lands on the ticket's order timeline in the same transaction.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { notFound } from '../../../src/http/errors.js';
import { appendEvents } from '../orders/order-events-store.js';
import { createExternalTask, TaskServiceUnavailable } from './task-service.js';

export const TICKET_CREATE_TASK_ACTION_ID = 'ticket.create_task';

type Ticket = { id: number; subject: string; status: string; orderId: number | null; assigneeOperatorId: number | null };

export const ticketCreateTaskAction = defineAction({
  id: TICKET_CREATE_TASK_ACTION_ID,
  title: 'Create internal task / note',
  description: 'Create an internal task or note on the ticket; it appears on the order timeline. No customer-facing side effect.',
  permission: 'ac_ticket.task',
  target: 'ac_ticket',
  input: z.strictObject({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().max(10_000).optional(),
    kind: z.enum(['task', 'note']).default('task'),
  }),
  reasonCodes: ['follow_up', 'customer_request', 'investigation', 'handover'],
  flag: 'action-center.create-task',

  load: async ({ sql, target }) => {
    const [ticket] = /^\d{1,9}$/.test(target.id)
      ? await sql<Ticket>`SELECT id, subject, status, order_id AS "orderId", assignee_operator_id AS "assigneeOperatorId" FROM ac_tickets WHERE id = ${Number(target.id)} FOR UPDATE`
      : [];
    if (!ticket) throw notFound(`No ticket ${target.id}.`);
    if (ticket.status === 'closed') throw actionRefused('ticket_closed', `Ticket ${ticket.id} is closed; reopen it first.`);
    return { ticket };
  },

  run: async (ctx) => {
    const { ticket } = ctx.state;
    // On record before the outside call, even if this transaction then fails.
    await ctx.writeAhead({ taskService: 'create', ticketId: ticket.id, title: ctx.input.title });
    let externalRef: string;
    try {
      externalRef = await createExternalTask({ runId: ctx.runId, ticketId: ticket.id, title: ctx.input.title });
    } catch (err) {
      if (err instanceof TaskServiceUnavailable) throw actionRefused('task_service_unavailable', `The task service failed: ${err.message}. Retry the run.`);
      throw err;
    }
    const [task] = await ctx.sql<{ id: number; createdAt: Date }>`
      INSERT INTO ac_tasks (ticket_id, title, body, external_ref, created_by_operator_id, run_id, created_at)
      VALUES (${ticket.id}, ${ctx.input.title}, ${ctx.input.body ?? null}, ${externalRef}, ${ctx.actor.operatorId}, ${ctx.runId}::uuid, ${ctx.now})
      RETURNING id, created_at AS "createdAt"`;
    if (ticket.orderId !== null) {
      await appendEvents(ctx.sql, ticket.orderId, [{
        key: `task:${task.id}`, type: 'task_created', occurredAt: ctx.now,
        data: { taskId: task.id, ticketId: ticket.id, kind: ctx.input.kind, title: ctx.input.title, operatorId: ctx.actor.operatorId, runId: ctx.runId },
      }]);
    }
    const after = { id: task.id, ticketId: ticket.id, kind: ctx.input.kind, title: ctx.input.title, body: ctx.input.body ?? null, externalRef };
    ctx.changed({ entityType: 'ac_task', entityId: String(task.id), before: null, after });
    ctx.emit({ name: 'ActionCenterTaskCreated', entityType: 'ac_ticket', entityId: String(ticket.id), payload: { taskId: task.id, orderId: ticket.orderId } });
    return { taskId: task.id, ticketId: ticket.id, externalRef };
  },
});
