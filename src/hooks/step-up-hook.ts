// Saving a role (new, edit) changes what everyone holding it may do: like the actions marked
// stepUp, it needs a fresh code. The role form has a `stepUpCode` field (no column): checked here,
// then dropped from the payload. Runs before AdminJS's access check, so only for operators who may
// save roles at all (the others get the access guard's 403 before AdminJS runs). Its one effect, a
// code spent and the session marked, is what the operator asked for by typing the code.
import { ValidationError, type Before } from 'adminjs';
import type { ResourceAccess } from '../platform/plugin.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { AdminStepUp } from '../admin/admin-step-up.js';
import { can } from '../rbac/access.js';
import { requiredPermission } from '../rbac/rbac-model.js';

export const STEP_UP_FIELD = 'stepUpCode';

export function requireStepUpOnSave({ access, stepUp, what }: { access: ResourceAccess; stepUp: AdminStepUp | undefined; what: string }): Before {
  return async (request, context) => {
    const permission = requiredPermission(access, context.action.name);
    if (request.method !== 'post' || !request.payload || !permission || !can(context.currentAdmin, permission)) return request;
    const { [STEP_UP_FIELD]: typed, ...payload } = request.payload;
    // Without the service nothing can prove a code: refused, like a wrong one.
    const problem = stepUp
      ? await stepUp.prove({ request, operator: context.currentAdmin as unknown as OperatorPrincipal, typed, what })
      : `${what} needs a fresh authentication code.`;
    if (problem) throw new ValidationError({ [STEP_UP_FIELD]: { message: problem } }, { message: problem, type: 'step_up_required' });
    return { ...request, payload };
  };
}
