// The Ops Action Center (seed 002, issue 8): Shopify order context cached from webhooks and Admin
// GraphQL pulls, tickets with the order context and timeline on one screen, and one safe action
// (create internal task / note). Added to a deployment by configuration alone: enabled by its id in
// OPSDECK_PLUGINS (plugins/index.ts); every capability below hangs off the core's extension points
// (docs/adr/0020-action-center-plugin.md). Its Prisma models: prisma/schema/action-center.prisma.
import { definePlugin } from '../../src/platform/plugin.js';
import { ACTION_CENTER_PERMISSIONS, ACTION_CENTER_SEED_GRANTS } from './permissions.js';
import { ACTION_CENTER_FLAGS } from './flags.js';
import { actionCenterResources } from './resources.js';
import { ticketCreateTaskAction } from './tickets/ticket-create-task.js';
import { actionCenterConsole } from './tickets/action-center-console.js';
import { orderRefreshRoute } from './orders/order-refresh-route.js';
import { createTaskRoute } from './tickets/create-task-route.js';
import { shopifyWebhook } from './shopify/shopify-webhook.js';
import { shopifyOrderSource, ticketSource } from './search/order-search.js';
import { seedDemo } from './seed/demo.js';
import { actionCenterTimeline } from './timeline/order-events-source.js';
import { SHOPIFY_SETTINGS } from './settings.js';


export const actionCenterPlugin = definePlugin({
  id: 'action-center',
  // SHOPIFY_* (settings.ts): checked at start; the webhook secret is required in production.
  settings: SHOPIFY_SETTINGS,
  permissions: ACTION_CENTER_PERMISSIONS,
  seedGrants: ACTION_CENTER_SEED_GRANTS,
  flags: ACTION_CENTER_FLAGS,
  resources: actionCenterResources,
  actions: [ticketCreateTaskAction],
  // Shopify order webhooks, HMAC-checked over the raw body (src/platform/plugin-webhooks.ts).
  webhooks: [shopifyWebhook],
  // The pull of one order through the Admin GraphQL API; seed 002's path for the create-task action.
  routes: [orderRefreshRoute, createTaskRoute],
  // Tickets list and ticket detail (order context + timeline + tasks) on one page.
  consoles: [actionCenterConsole],
  // `#1001`, Shopify's numeric ids and gid://shopify/Order/... in the omnibox.
  search: [shopifyOrderSource, ticketSource],
  // The order timeline on the core's entity timeline; tickets and tasks link to their order.
  timeline: actionCenterTimeline,
  seedDemo,
});
