// The runner actions a console offers on a record: only buttons the runner would accept. An action
// is offered when the runner lists it for the caller (its own RBAC and flag check: listFor), when
// an impersonating operator could run it (the read-only gate's rule), and when it applies to the
// record's state (the action's `appliesTo`, written with the helper its `load` refuses with). The
// console links to the backoffice's own action form or the API; it never runs one itself, and the
// runner still decides a crafted request for a button that is not there (403 / 409).
import { recordActionName } from '../../../src/actions/action-bindings.js';
import { targetTypes, type ActionDefinition } from '../../../src/actions/define-action.js';
import type { ActionRunner } from '../../../src/actions/types.js';
import type { OperatorPrincipal } from '../../../src/auth/operator-auth.js';
import { isAllowedDuringImpersonation } from '../../../src/impersonation/read-only-gate.js';
import type { ActiveImpersonation } from '../../../src/impersonation/impersonation-types.js';

export type ConsoleAction = {
  id: string;
  title: string;
  permission: string;
  /** The AdminJS record action that opens the runner's form: `<root>/resources/<resource>/records/<id>/<name>`. */
  adminAction: { resource: string; name: string };
  /** The API a headless client posts to (with an Idempotency-Key). */
  apiPath: string;
};

export type ConsoleActionOffer = {
  /** The buttons for one record of `entityType` in `state` (as its read model shows it); `only` narrows to some action ids. */
  forRecord: (record: { entityType: string; resource: string; state: Readonly<Record<string, unknown>>; only?: readonly string[] }) => ConsoleAction[];
};

export function consoleActionOffer({ actions, runner, operator, impersonation = null }: {
  actions: readonly ActionDefinition[];
  runner: Pick<ActionRunner, 'listFor'>;
  operator: OperatorPrincipal;
  impersonation?: ActiveImpersonation | null;
}): ConsoleActionOffer {
  const runnable = new Set(runner.listFor(operator).map((a) => a.id));
  const offered = actions.filter((a) => runnable.has(a.id) && (!impersonation || isAllowedDuringImpersonation(a)));
  return {
    forRecord: ({ entityType, resource, state, only }) => offered
      .filter((a) => targetTypes(a).includes(entityType) && (!only || only.includes(a.id)) && (!a.appliesTo || a.appliesTo(state, entityType)))
      .map((a) => ({ id: a.id, title: a.title, permission: a.permission, adminAction: { resource, name: recordActionName(a.id) }, apiPath: `/api/actions/${a.id}` })),
  };
}
