// The Action Center's tables in the backoffice (read-only: the cache is written by ingestion only,
// tasks by ticket.create_task, whose button the ticket's page gets from the runner).
import type { ResourceDefinition } from '../../src/platform/plugin.js';
import { TICKET_STATUSES } from './tickets/action-center-console.js';

const NAV = 'Action Center';
const list = (listProperties: string[], filterProperties: string[] = listProperties) => ({ listProperties, filterProperties });

export const actionCenterResources: ResourceDefinition[] = [
  {
    model: 'ShopifyOrder', entityType: 'shopify_order', navigation: NAV, access: { read: 'shopify_order.read' },
    pii: { email: 'email', customerName: 'name' },
    options: list(['id', 'name', 'shopifyId', 'customerName', 'totalAmount', 'currency', 'financialStatus', 'fulfillmentStatus', 'shopifyUpdatedAt'], ['name', 'shopifyId', 'financialStatus', 'fulfillmentStatus']),
  },
  // The order timeline (ac_order_timeline_events, bigint keys) is shown on the ticket page and by
  // GET /api/consoles/action-center/orders/:id, not as a resource of its own.
  {
    model: 'ActionCenterTicket', entityType: 'ac_ticket', navigation: NAV, access: { read: 'ac_ticket.read' },
    options: {
      ...list(['id', 'subject', 'status', 'assigneeOperatorId', 'order', 'createdAt'], ['status', 'assigneeOperatorId', 'order', 'createdAt']),
      properties: { status: { availableValues: TICKET_STATUSES.map((s) => ({ value: s, label: s })) } },
    },
  },
  { model: 'ActionCenterTask', navigation: NAV, access: { read: 'ac_ticket.read' }, options: list(['id', 'ticket', 'title', 'externalRef', 'createdByOperator', 'createdAt'], ['ticket', 'createdByOperator']) },
];
