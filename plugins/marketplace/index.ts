// The reference deployment's domain: seed 000's multi-seller marketplace. Its Prisma models live
// in prisma/schema/marketplace.prisma (Prisma reads one schema folder).
import { definePlugin } from '../../src/platform/plugin.js';
import { marketplaceActions, ORDER_REFUND_ACTION_ID, REFUND_SEED_LIMITS } from './actions/index.js';
import { MARKETPLACE_PERMISSIONS, MARKETPLACE_SEED_GRANTS } from './permissions.js';
import { MARKETPLACE_FLAGS } from './flags.js';
import { marketplaceResources } from './resources.js';
import { marketplaceImpersonationTargets } from './impersonation-targets.js';
import { seedDemo } from './seed/demo.js';
import { seedScale } from './seed/scale.js';
import { marketplaceSearch } from './search/index.js';
import { marketplaceTimeline } from './timeline/index.js';
import { supportSystemPrincipals, supportScheduledJobs } from './workflows/support-workflows.js';
import { MARKETPLACE_FIGURES } from './consoles/marketplace-figures.js';
import { MARKETPLACE_READ_MODELS } from './consoles/balance-read-models.js';
import { disputesConsole } from './consoles/disputes-console.js';
import { riskConsole } from './consoles/risk-console.js';
import { orderConsole } from './consoles/order-console.js';
import { shippingConsole } from './consoles/shipping-console.js';
import { PURCHASE_LABEL_KIND, purchaseLabelHandler } from './shipping/simulated-carrier.js';
import { SHIPPING_SETTINGS } from './shipping/shipping-settings.js';
import { SUPPORT_SETTINGS } from './support/support-settings.js';

export const marketplacePlugin = definePlugin({
  id: 'marketplace',
  // SHIPPING_TRACKING_STALE_HOURS (shipping/shipping-settings.ts), SUPPORT_* and NONFULFILMENT_*
  // (support/support-settings.ts), checked at start.
  settings: [SHIPPING_SETTINGS, SUPPORT_SETTINGS],
  permissions: MARKETPLACE_PERMISSIONS,
  seedGrants: MARKETPLACE_SEED_GRANTS,
  resources: marketplaceResources,
  actions: marketplaceActions,
  flags: MARKETPLACE_FLAGS,
  // Its entities in the omnibox: ids, tracking numbers, payment references, emails, names.
  search: marketplaceSearch,
  // Seed 000's consoles over read models (src/consoles/, docs/adr/0018-consoles.md).
  consoles: [orderConsole(marketplaceActions), shippingConsole(marketplaceActions), disputesConsole(marketplaceActions), riskConsole(marketplaceActions)],
  // shipment.retry_label's carrier call: a SIMULATED carrier adapter (no real carrier integration).
  outboxHandlers: { [PURCHASE_LABEL_KIND]: purchaseLabelHandler },
  // Its customer users can be impersonated (src/impersonation/, docs/adr/0010-impersonation.md).
  impersonation: marketplaceImpersonationTargets,
  // Seed 000: a Support Agent refunds up to $100 without escalation. Role data after the first start.
  seedLimits: { support_agent: { [ORDER_REFUND_ACTION_ID]: REFUND_SEED_LIMITS.support_agent } },
  seedDemo,
  seedScale,
  // Timeline links, subjects and the support notes source (src/timeline/).
  timeline: marketplaceTimeline,
  // Support SLA breaches and seller non-fulfilment, swept every minute (docs/adr/0017).
  systemPrincipals: supportSystemPrincipals,
  scheduledJobs: supportScheduledJobs,
  // The operations dashboard's figures and the read models behind them and the consoles (docs/adr/0019).
  dashboard: MARKETPLACE_FIGURES,
  readModels: MARKETPLACE_READ_MODELS,
});
