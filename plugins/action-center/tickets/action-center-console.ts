// The Action Center console (seed 002 step 5): one AdminJS page with the ticket list (filters
// status, assignee, age) and the ticket detail (order context panel, order timeline, tasks and the
// create-task action) on one screen; the page renders these routes under /api/consoles/action-center,
// which any API client can call too.
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { defineConsole } from '../../../src/consoles/console-types.js';
import { notFound } from '../../../src/http/errors.js';
import { can } from '../../../src/rbac/access.js';
import { maskFor, type PiiFields } from '../../../src/rbac/masking.js';
import { recordActionName } from '../../../src/actions/action-bindings.js';
import type { OperatorPrincipal } from '../../../src/auth/operator-auth.js';
import { ticketCreateTaskAction } from './ticket-create-task.js';
import { createTicketReadModel } from './ticket-read-model.js';

const id = z.coerce.number().int().positive().max(2_147_483_647);
const hours = z.coerce.number().int().min(0).max(24 * 365 * 10);
export const TICKET_STATUSES = ['open', 'pending', 'solved', 'closed'] as const;

const CUSTOMER_PII: PiiFields = { name: 'name', email: 'email' };
const ADDRESS_PII: PiiFields = { address1: 'address', city: 'address', zip: 'address', name: 'name' };

/** The order panel with the customer's personal data masked for operators without pii.read. */
function masked<T extends { context?: Record<string, any> | null } | null>(order: T, operator: OperatorPrincipal): T {
  if (!order?.context) return order;
  const context = order.context;
  return {
    ...order,
    context: {
      ...context,
      customer: context.customer ? maskFor(operator, context.customer, CUSTOMER_PII) : null,
      shippingAddress: context.shippingAddress ? maskFor(operator, context.shippingAddress, ADDRESS_PII) : null,
    },
  };
}

export const actionCenterConsole = defineConsole({
  id: 'action-center',
  title: 'Action Center',
  navigation: 'Action Center',
  icon: 'Inbox',
  permission: 'ac_ticket.read',
  component: fileURLToPath(new URL('../components/action-center-console.tsx', import.meta.url)),
  routes: [
    {
      method: 'GET', path: '/tickets', summary: 'Action Center tickets, newest first, filtered by status, assignee (an operator id, `me` or `none`) and age in hours',
      query: z.strictObject({
        status: z.enum(TICKET_STATUSES).optional(),
        assignee: z.union([z.enum(['me', 'none']), id]).optional(),
        minAgeHours: hours.optional(),
        maxAgeHours: hours.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(200).optional(),
      }),
      handler: async ({ query, operator, services }) => createTicketReadModel({ pool: services.pool }).list({ filters: query, operatorId: operator.id }),
    },
    {
      method: 'GET', path: '/tickets/:id', summary: 'One ticket with its order context panel, the order timeline and its tasks',
      params: z.strictObject({ id }), sample: { path: '/api/consoles/action-center/tickets/999999', status: 404 },
      handler: async ({ params, operator, services }) => {
        const found = await createTicketReadModel({ pool: services.pool }).detail({ id: params.id });
        if (!found) throw notFound(`No ticket ${params.id}.`);
        const mayReadOrder = can(operator, 'shopify_order.read');
        return {
          ...found,
          // The order panel needs its own read permission; without it the ticket still shows.
          order: mayReadOrder ? masked(found.order, operator) : null,
          hidden: mayReadOrder ? [] : ['order'],
          actions: [ticketCreateTaskAction].map((a) => ({
            id: a.id, title: a.title, isPermitted: can(operator, a.permission),
            adminAction: { resource: 'ActionCenterTicket', name: recordActionName(a.id) }, apiPath: `/api/actions/${a.id}`,
          })),
        };
      },
    },
    {
      method: 'GET', path: '/orders/:id', permission: 'shopify_order.read', summary: 'A cached Shopify order: its context snapshot and timeline',
      params: z.strictObject({ id }), sample: { path: '/api/consoles/action-center/orders/999999', status: 404 },
      handler: async ({ params, operator, services }) => {
        const order = await createTicketReadModel({ pool: services.pool }).orderPanel(params.id);
        if (!order) throw notFound(`No cached order ${params.id}.`);
        return masked(order, operator);
      },
    },
  ],
});
