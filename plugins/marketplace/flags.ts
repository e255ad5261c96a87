// The marketplace's feature flags (src/flags/flag-catalog.ts): created in Unleash at start when
// missing, then owned by whoever runs the dashboard.
import { defineFlags } from '../../src/flags/flag-catalog.js';

export const MARKETPLACE_FLAGS = defineFlags({
  'marketplace.refunds': {
    type: 'kill-switch',
    default: true,
    // Money leaves the platform: the switch to pull while a payment provider misbehaves.
    description: 'Refunds and cancellations with refund (order.refund, order.cancel). Off: both are refused with 403 feature_disabled, in the backoffice, the API and bulk.',
  },
});
