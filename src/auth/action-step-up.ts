// Actions whose policy says `stepUp: true` (org.unfreeze, listing.reinstate, ...) run only in a
// session that proved a fresh code (src/auth/step-up.ts). Checked at every door to the runner
// BEFORE it is called (POST /api/actions/{id}, its bulk form, a retry, the backoffice's action
// form), so that without a step-up nothing runs, nothing is claimed and no run is recorded.
import type { Request, RequestHandler } from 'express';
import type { ActionDefinition } from '../actions/define-action.js';
import { can } from '../rbac/access.js';
import type { OperatorPrincipal } from './operator-auth.js';
import { isSteppedUp, stepUpRequired } from './step-up.js';

type StepUpAction = Pick<ActionDefinition, 'id' | 'title' | 'permission' | 'policy'>;

export function createActionStepUp({ actions }: { actions: readonly StepUpAction[] }) {
  const needing = new Map(actions.filter((a) => a.policy?.stepUp === true).map((a) => [a.id, a]));

  /** The action that would need a step-up now, or null (not such an action, or already stepped up). */
  function pending(req: Pick<Request, 'session'>, operator: Pick<OperatorPrincipal, 'permissions'>, actionId: string): StepUpAction | null {
    const action = needing.get(actionId);
    // Whoever may not run the action gets the runner's audited 403, not an invitation to step up.
    if (!action || !can(operator, action.permission) || isSteppedUp(req)) return null;
    return action;
  }

  /** Throws 401 `step_up_required` when the action needs a fresh code this session has not given. */
  function check(req: Pick<Request, 'session'>, operator: Pick<OperatorPrincipal, 'permissions'>, actionId: string): void {
    const action = pending(req, operator, actionId);
    if (action) throw stepUpRequired(action.title);
  }

  /** For routes with an `:actionId` parameter, after the operator is loaded. */
  const forActionParam: RequestHandler = (req, res, next) => {
    check(req, res.locals.operator as OperatorPrincipal, String(req.params.actionId));
    next();
  };

  return { needsStepUp: (actionId: string) => needing.has(actionId), pending, check, forActionParam };
}

export type ActionStepUp = ReturnType<typeof createActionStepUp>;
