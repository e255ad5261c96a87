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
import { MARKETPLACE_FIGURES } from './consoles/marketplace-figures.js';
import { MARKETPLACE_READ_MODELS } from './consoles/balance-read-models.js';
import { disputesConsole } from './consoles/disputes-console.js';
import { riskConsole } from './consoles/risk-console.js';

export const marketplacePlugin = definePlugin({
  id: 'marketplace',
  permissions: MARKETPLACE_PERMISSIONS,
  seedGrants: MARKETPLACE_SEED_GRANTS,
  resources: marketplaceResources,
  actions: marketplaceActions,
  flags: MARKETPLACE_FLAGS,
  // Its customer users can be impersonated (src/impersonation/, docs/adr/0010-impersonation.md).
  impersonation: marketplaceImpersonationTargets,
  // Seed 000: a Support Agent refunds up to $100 without escalation. Role data after the first start.
  seedLimits: { support_agent: { [ORDER_REFUND_ACTION_ID]: REFUND_SEED_LIMITS.support_agent } },
  seedDemo,
  seedScale,
  // The operations dashboard's figures and the read models behind them and the consoles (docs/adr/0019).
  dashboard: MARKETPLACE_FIGURES,
  readModels: MARKETPLACE_READ_MODELS,
  consoles: [disputesConsole, riskConsole],
});
