// The order/checkout console (seed 000, console 2): given a checkout or an order id, the checkout
// with its orders per seller, items, shipment breakdown, payment status and allocations, refunds,
// shipping credit against label cost, disputes and cases, and the order actions (buttons to the
// runner's forms). Sections the caller's roles do not read are left out and named in `hidden`.
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { defineConsole } from '../../../src/consoles/console-types.js';
import { can } from '../../../src/rbac/access.js';
import type { OperatorPrincipal } from '../../../src/auth/operator-auth.js';
import type { ActionDefinition } from '../../../src/actions/define-action.js';
import type { PluginRouteServices } from '../../../src/platform/plugin-routes.js';
import { createOrderReadModel, type CheckoutConsoleView } from './order-read-model.js';
import { consoleActionOffer } from './console-actions.js';
import { notFound } from '../../../src/http/errors.js';
import type { ActiveImpersonation } from '../../../src/impersonation/impersonation-types.js';

const id = z.coerce.number().int().positive().max(2_147_483_647);

// Which permission each section needs besides the console's own (order.read).
const SECTION_PERMISSIONS = { payments: 'payment.read', shipments: 'shipment.read', disputes: 'dispute.read', supportCases: 'support_case.read' } as const;

/**
 * While impersonating a customer, only a checkout their organization bought or sold in exists for
 * the operator (as the backoffice's resources are scoped): any other is a 404.
 */
function inTenant(view: CheckoutConsoleView, impersonation: ActiveImpersonation | null, what: string): CheckoutConsoleView {
  if (!impersonation) return view;
  const org = impersonation.targetOrgId;
  if (org !== null && (view.checkout.buyer.orgId === org || view.orders.some((o) => o.seller.orgId === org))) return view;
  throw notFound(`No ${what}.`);
}

/**
 * The view without what the operator may not read (`hidden` names the sections left out), each order
 * and shipment with the actions the runner would accept on it now (console-actions.ts).
 */
function forOperator(view: CheckoutConsoleView, { operator, impersonation, actions, runner }: {
  operator: OperatorPrincipal; impersonation: ActiveImpersonation | null; actions: readonly ActionDefinition[]; runner: PluginRouteServices['runner'];
}) {
  const may = (section: keyof typeof SECTION_PERMISSIONS) => can(operator, SECTION_PERMISSIONS[section]);
  const hidden = (Object.keys(SECTION_PERMISSIONS) as (keyof typeof SECTION_PERMISSIONS)[]).filter((s) => !may(s));
  const offer = consoleActionOffer({ actions, runner, operator, impersonation });
  return {
    ...view,
    payments: may('payments') ? view.payments : null,
    orders: view.orders.map((order) => ({
      ...order,
      actions: offer.forRecord({ entityType: 'order', resource: 'Order', state: order }),
      shipments: may('shipments')
        ? order.shipments.map((s) => ({ ...s, actions: offer.forRecord({ entityType: 'shipment', resource: 'Shipment', state: { ...s, orderStatus: order.status } }) }))
        : null,
      allocations: may('payments') ? order.allocations : null,
      refunds: may('payments') ? order.refunds : null,
      disputes: may('disputes') ? order.disputes : null,
      supportCases: may('supportCases') ? order.supportCases : null,
      totals: {
        ...order.totals,
        ...(may('payments') ? {} : { allocated: null, refunded: null }),
        ...(may('shipments') ? {} : { labelCost: null, shippingCreditOfLabelled: null, shippingDifference: null, unlabelledShipments: null }),
      },
    })),
    totals: {
      ...view.totals,
      ...(may('payments') ? {} : { paid: null, allocated: null, refunded: null }),
      ...(may('shipments') ? {} : { labelCost: null, shippingDifference: null }),
    },
    hidden,
  };
}

const RESPONSE = '`{ checkout, payments, orders: [{ seller, items, shipments (credit, label cost, difference), allocations, refunds, disputes, supportCases, totals }], '
  + 'totals, hidden }`; each order and shipment has `actions: [{ id, title, permission, adminAction, apiPath }]`, only those the runner would accept '
  + 'from the caller on it now (permission and flag as the runner checks them, none while impersonating unless the action allows it, and the action\'s `appliesTo` state): sections the caller may not read are null and named in `hidden` '
  + '(payments: payment.read; shipments: shipment.read; disputes: dispute.read; support cases: support_case.read).';

export function orderConsole(actions: readonly ActionDefinition[]) {
  return defineConsole({
    id: 'orders',
    title: 'Order & checkout console',
    navigation: 'Orders',
    icon: 'ShoppingCart',
    permission: 'order.read',
    component: fileURLToPath(new URL('./components/order-console.tsx', import.meta.url)),
    routes: [
      {
        method: 'GET', path: '/checkouts/:checkoutId', summary: 'A checkout with its orders per seller, payments, shipments, refunds, disputes and actions (one read)',
        params: z.strictObject({ checkoutId: id }),
        sample: { path: '/api/consoles/orders/checkouts/2000000000', status: 404 },
        openapi: { responses: { 200: { description: RESPONSE }, 404: { description: 'No such checkout (problem+json `not_found`).' } } },
        handler: async ({ params, operator, impersonation, services }) => {
          const { checkoutId } = params as { checkoutId: number };
          return forOperator(inTenant(await createOrderReadModel(services).checkout(checkoutId), impersonation, `checkout ${checkoutId}`), { operator, impersonation, actions, runner: services.runner });
        },
      },
      {
        method: 'GET', path: '/orders/:orderId', summary: 'The checkout console of the checkout an order belongs to, with `focusOrderId`',
        params: z.strictObject({ orderId: id }),
        sample: { path: '/api/consoles/orders/orders/2000000000', status: 404 },
        openapi: { responses: { 200: { description: `${RESPONSE} Plus \`focusOrderId\`.` }, 404: { description: 'No such order (problem+json `not_found`).' } } },
        handler: async ({ params, operator, impersonation, services }) => {
          const { orderId } = params as { orderId: number };
          const view = await createOrderReadModel(services).checkoutOfOrder(orderId);
          return { ...forOperator(inTenant(view, impersonation, `order ${orderId}`), { operator, impersonation, actions, runner: services.runner }), focusOrderId: view.focusOrderId };
        },
      },
    ],
  });
}
