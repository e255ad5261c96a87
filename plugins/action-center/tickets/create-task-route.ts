// POST /admin/action-center/tickets/:id/actions/create-task (seed 002's name for the safe action, an
// alias of) POST /api/action-center/tickets/:id/actions/create-task,
// kept as an alias of POST /api/actions/ticket.create_task with the ticket as target. It is the
// same runner call (RBAC, Idempotency-Key, audit, run, replay), so both paths answer alike.
import { z } from 'zod/v4';
import { definePluginRoute } from '../../../src/platform/plugin-routes.js';
import { sendActionResponse } from '../../../src/actions/action-routes.js';
import { actingOperator } from '../../../src/impersonation/impersonation-context.js';
import { TICKET_CREATE_TASK_ACTION_ID } from './ticket-create-task.js';

export const createTaskRoute = definePluginRoute({
  method: 'POST',
  path: '/action-center/tickets/:id/actions/create-task',
  // Seed 002's own path for it.
  aliases: ['/admin/action-center/tickets/:id/actions/create-task'],
  permission: 'ac_ticket.task',
  summary: 'Create an internal task / note on the ticket (also at the seed 002 path POST /admin/action-center/tickets/{id}/actions/create-task; the same as POST /api/actions/ticket.create_task). Body: `{ input: { title, body?, kind? }, reasonCode, note? }`, header Idempotency-Key.',
  params: z.strictObject({ id: z.string().regex(/^\d{1,9}$/, 'must be a ticket id') }),
  sample: { path: '/api/action-center/tickets/999999/actions/create-task', status: 422 },
  handler: async ({ params, body, operator, impersonation, services, req, res }) => {
    const { input, reasonCode, note } = (body ?? {}) as { input?: unknown; reasonCode?: unknown; note?: unknown };
    const response = await services.runner.submit({
      actionId: TICKET_CREATE_TASK_ACTION_ID, operator: actingOperator(operator, impersonation), idempotencyKey: req.get('idempotency-key'),
      body: { target: { type: 'ac_ticket', id: params.id }, input, reasonCode, note },
    });
    sendActionResponse(res, response);
    return undefined;
  },
});
