// The risk console (seed 000): open risk flags with their triggers, active payout holds, sellers'
// negative balance exposure with scheduled payouts, and velocity per seller, under
// /api/consoles/risk. Its actions are the runner's: risk_flag.raise/clear, payout.hold/release,
// org.freeze/unfreeze (each a link to the action's form on its record).
import { fileURLToPath } from 'node:url';
import { z } from 'zod/v4';
import { defineConsole } from '../../../src/consoles/console-types.js';
import type { ActionDefinition } from '../../../src/actions/define-action.js';
import { consoleActionOffer } from './console-actions.js';
import { activePayoutHolds, negativeBalanceExposure, openRiskFlags, sellerRisk } from './risk-read-model.js';
import { SPIKE_MIN_COUNT, SPIKE_RATIO } from './seller-velocity.js';

const page = { limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(300).optional() };
const orgId = z.coerce.number().int().positive().max(2_147_483_647);

/** How the console defines velocity (shown beside the figures, and in the API answer). */
export const VELOCITY_DEFINITION = 'Per seller: orders, refunds and disputes in the last 24 h and 7 d (whole hours), against the seller\'s baseline: '
  + `the 28 days before those 7, as a rate per 24 h and per 7 d. A spike: at least ${SPIKE_MIN_COUNT} in 7 d and ${SPIKE_RATIO}x the baseline (or no baseline).`;

export const riskConsole = (actions: readonly ActionDefinition[]) => defineConsole({
  id: 'risk',
  title: 'Risk console',
  navigation: 'Risk',
  icon: 'Shield',
  permission: 'risk.read',
  component: fileURLToPath(new URL('./components/risk-console.tsx', import.meta.url)),
  routes: [
    {
      method: 'GET', path: '/flags',
      isRefusedDuringImpersonation: true, summary: 'Open risk flags with their triggers and severity, newest first (?severity=, ?orgId=); keyset-paginated',
      query: z.strictObject({ severity: z.enum(['low', 'medium', 'high']).optional(), orgId: orgId.optional(), ...page }),
      handler: async ({ query, services, operator }) => {
        const page = await openRiskFlags(services.pool, query);
        const offer = consoleActionOffer({ actions, runner: services.runner, operator });
        return { ...page, items: page.items.map((f) => ({ ...f, actions: offer.forRecord({ entityType: 'risk_flag', resource: 'RiskFlag', state: f }) })) };
      },
    },
    {
      method: 'GET', path: '/holds',
      isRefusedDuringImpersonation: true, permission: 'payout.read', summary: 'Payout holds not yet released (one payout, or organization-wide), newest first; keyset-paginated',
      query: z.strictObject({ orgId: orgId.optional(), ...page }),
      handler: async ({ query, services }) => activePayoutHolds(services.pool, query),
    },
    {
      method: 'GET', path: '/exposure',
      isRefusedDuringImpersonation: true, permission: 'ledger.read',
      summary: 'Sellers with a negative ledger balance (from the balance read model), most negative first, with scheduled and held payouts, open flags and velocity; totals per currency',
      query: z.strictObject(page),
      handler: async ({ query, services }) => ({ velocityDefinition: VELOCITY_DEFINITION, ...(await negativeBalanceExposure(services.pool, { ...query, now: new Date() })) }),
    },
    {
      method: 'GET', path: '/sellers/:orgId',
      isRefusedDuringImpersonation: true, summary: 'One organization\'s risk picture: balances, velocity against its baseline, open flags, active holds, and the actions the caller may run',
      params: z.strictObject({ orgId }),
      sample: { path: '/api/consoles/risk/sellers/2147483647', status: 404 },
      handler: async ({ params, services, operator }) => {
        const risk = await sellerRisk(services.pool, { orgId: params.orgId, now: new Date() });
        const offer = consoleActionOffer({ actions, runner: services.runner, operator });
        return { ...risk, velocityDefinition: VELOCITY_DEFINITION, actions: offer.forRecord({ entityType: 'organization', resource: 'Organization', state: risk.org }) };
      },
    },
  ],
});
