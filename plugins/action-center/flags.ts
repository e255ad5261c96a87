// The Action Center's feature flags (src/flags/flag-catalog.ts).
import { defineFlags } from '../../src/flags/flag-catalog.js';

export const ACTION_CENTER_FLAGS = defineFlags({
  'action-center.create-task': {
    type: 'kill-switch',
    default: true,
    description: 'ticket.create_task (internal tasks and notes on Action Center tickets). Off: refused with 403 feature_disabled while the task service misbehaves.',
  },
});
