// The shipping/fulfillment console (seed 000, console 3): shipment status across carriers and the
// four failure queues (label purchase failed, address validation failed, tracking stale, delivered
// but not received), each keyset-paginated, with the shipment actions as buttons to the runner's
// forms. The stale threshold is SHIPPING_TRACKING_STALE_HOURS, overridable per request.
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { defineConsole } from '../../../src/consoles/console-types.js';
import type { ActionDefinition } from '../../../src/actions/define-action.js';
import { consoleActionOffer } from './console-actions.js';
import { createShippingReadModel, SHIPPING_QUEUES, type ShippingQueue } from './shipping-read-model.js';
import { trackingStaleHours } from '../shipping/shipping-settings.js';

const staleHours = z.coerce.number().int().min(1).max(24 * 60).optional();

const summaryQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(1),
  staleHours,
});

const queueQuery = z.strictObject({
  carrier: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'a carrier code, e.g. ups').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  staleHours,
});

export function shippingConsole(actions: readonly ActionDefinition[]) {
  return defineConsole({
    id: 'shipping',
    title: 'Shipping console',
    navigation: 'Shipping',
    icon: 'Truck',
    permission: 'shipment.read',
    component: fileURLToPath(new URL('./components/shipping-console.tsx', import.meta.url)),
    routes: [
      {
        method: 'GET', path: '/summary', summary: 'Carrier x status counts (on the move exactly; waiting for a label, delivered and returned over the last ?days, default 1) and each queue\'s size',
        query: summaryQuery,
        isRefusedDuringImpersonation: true,
        openapi: { responses: { 200: { description: '`{ openStatuses, windowedSince, trackingStaleHours, carriers, counts: [{ carrier, status, count, isWindowed }], queues: [{ queue, title, count }] }`' } } },
        handler: async ({ query, services }) => {
          const q = query as z.infer<typeof summaryQuery>;
          return createShippingReadModel(services).summary({ days: q.days, staleHours: q.staleHours ?? trackingStaleHours(services.config), now: new Date() });
        },
      },
      {
        method: 'GET', path: '/queues/:queue', summary: 'One failure queue, keyset-paginated (?carrier=&limit=&cursor=; tracking_stale also ?staleHours=)',
        params: z.strictObject({ queue: z.enum(SHIPPING_QUEUES) }),
        query: queueQuery,
        isRefusedDuringImpersonation: true,
        sample: { path: '/api/consoles/shipping/queues/label_purchase_failed', status: 200 },
        openapi: {
          description: `Queues: ${SHIPPING_QUEUES.join(', ')}. Newest first; tracking_stale stalest first (no carrier event for staleHours, default SHIPPING_TRACKING_STALE_HOURS). `
            + 'delivered_not_received: shipments flagged so, or delivered with an open not_received dispute on their order.',
          responses: { 200: { description: '`{ items: [shipment with actions: [{ id, title, permission, adminAction, apiPath }]], nextCursor }`: '
            + 'each shipment\'s actions are those the runner would accept from the caller on it now (permission, flag, the action\'s `appliesTo` state).' } },
        },
        handler: async ({ params, query, services, operator, impersonation }) => {
          const q = query as z.infer<typeof queueQuery>;
          const page = await createShippingReadModel(services).queuePage({
            queue: (params as { queue: ShippingQueue }).queue, carrier: q.carrier, limit: q.limit, cursor: q.cursor,
            staleHours: q.staleHours ?? trackingStaleHours(services.config), now: new Date(),
          });
          const offer = consoleActionOffer({ actions, runner: services.runner, operator, impersonation });
          return { ...page, items: page.items.map((s) => ({ ...s, actions: offer.forRecord({ entityType: 'shipment', resource: 'Shipment', state: s }) })) };
        },
      },
    ],
  });
}
