// The runner actions a console offers on a record: every installed action targeting the entity
// type, with whether the caller may run it. The console links to the backoffice's own action form
// (the record's AdminJS action, src/admin/runner-actions.ts) or the API; it never runs one itself.
import { can } from '../../../src/rbac/access.js';
import { recordActionName } from '../../../src/actions/action-bindings.js';
import { targetTypes, type ActionDefinition } from '../../../src/actions/define-action.js';
import type { OperatorPrincipal } from '../../../src/auth/operator-auth.js';

export type ConsoleAction = {
  id: string;
  title: string;
  permission: string;
  isPermitted: boolean;
  /** The AdminJS record action that opens the runner's form: `<root>/resources/<resource>/records/<id>/<name>`. */
  adminAction: { resource: string; name: string };
  /** The API a headless client posts to (with an Idempotency-Key). */
  apiPath: string;
};

export function consoleActions({ actions, entityType, resource, operator }: {
  actions: readonly ActionDefinition[];
  entityType: string;
  resource: string;
  operator: OperatorPrincipal;
}): ConsoleAction[] {
  return actions
    .filter((a) => targetTypes(a).includes(entityType))
    .map((a) => ({
      id: a.id, title: a.title, permission: a.permission, isPermitted: can(operator, a.permission),
      adminAction: { resource, name: recordActionName(a.id) }, apiPath: `/api/actions/${a.id}`,
    }));
}
