// The backoffice's "Impersonate" button on the customer-user resource (the model a pack declares
// in `impersonation.resourceModel`). Its form (src/admin/components/impersonate-action.tsx) posts to
// POST /api/impersonations, the same endpoint as any API client: the session rotation, step-up and
// checks live there. The handler only hands the record to the form, so it changes nothing.
import type { Action, ActionContext, ActionResponse } from 'adminjs';
import { NotFoundError } from 'adminjs';
import type { AdminComponents } from '../admin/admin-components.js';
import { IMPERSONATE_ACTION, IMPERSONATION_REASONS, MAX_MINUTES } from './impersonation-types.js';

export function impersonateAction(components: AdminComponents): Record<string, Partial<Action<ActionResponse>>> {
  return {
    [IMPERSONATE_ACTION]: {
      actionType: 'record',
      icon: 'UserCheck',
      component: components.ImpersonateAction,
      handler: async (_request: unknown, _response: unknown, { record, currentAdmin }: ActionContext) => {
        if (!record) throw new NotFoundError('No such customer user.', IMPERSONATE_ACTION);
        return { record: record.toJSON(currentAdmin) };
      },
    },
  };
}

/** What the browser components need from the server (AdminJS env: baked into the components bundle). */
export const impersonationEnv = (apiRoot: string): Record<string, string> => ({
  OPSDECK_API_ROOT: apiRoot,
  OPSDECK_IMPERSONATION_REASONS: IMPERSONATION_REASONS.join(','),
  OPSDECK_IMPERSONATION_MAX_MINUTES: String(MAX_MINUTES),
});
