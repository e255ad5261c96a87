// The marketplace's scheduled work and the system principal it runs as (docs/adr/0017): the
// support SLA breach sweep and the seller non-fulfilment workflow, each every minute.
import type { SystemPrincipalSpec } from '../../../src/auth/system-principals.js';
import type { ScheduledJob } from '../../../src/actions/scheduled-jobs.js';
import { supportSlaSweepJob } from '../support/sla-breach-sweep.js';
import { nonFulfilmentSweepJob } from './non-fulfilment-sweep.js';
import { NON_FULFILMENT_PRINCIPAL } from './non-fulfilment-state.js';

export const supportSystemPrincipals: SystemPrincipalSpec[] = [{
  key: NON_FULFILMENT_PRINCIPAL,
  name: 'System: seller non-fulfilment workflow',
  description: 'Warns sellers who buy no label in time, then cancels, refunds and strikes (plugins/marketplace/workflows/).',
  permissions: ['order.nonfulfilment'],
}];

// Their SUPPORT_* and NONFULFILMENT_* settings are the pack's, checked at start (support/support-settings.ts).
export const supportScheduledJobs: ScheduledJob[] = [supportSlaSweepJob, nonFulfilmentSweepJob];
