// The runner actions a console offers as buttons: only those the operator may run (the action's own
// permission, read from its declaration), each a link to the runner's form on its record.
import type { OperatorPrincipal } from '../../../src/auth/operator-auth.js';
import { can } from '../../../src/rbac/access.js';
import { marketplaceActions } from '../actions/index.js';
import type { ConsoleActionLink } from './dispute-detail.js';

const permissionOf = new Map(marketplaceActions.map((a) => [a.id, a.permission]));

export function runnableLinks(operator: OperatorPrincipal, links: ConsoleActionLink[]): (ConsoleActionLink & { title: string })[] {
  return links.flatMap((link) => {
    const permission = permissionOf.get(link.actionId);
    const title = marketplaceActions.find((a) => a.id === link.actionId)?.title ?? link.actionId;
    return permission && can(operator, permission) ? [{ ...link, title }] : [];
  });
}
