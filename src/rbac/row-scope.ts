// Which rows of a resource an operator may see at all: its `visibleTo` for the operator, and while
// they impersonate a customer, its `tenantScope` for the customer's organization. One rule for the
// backoffice's resources (src/admin/prisma-resource.ts) and the omnibox (src/search/), so a row
// hidden on one face is hidden on the other.
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActiveImpersonation } from '../impersonation/impersonation-types.js';
import type { RowFilter } from '../platform/plugin.js';

type Scoped = {
  visibleTo?: (operator: OperatorPrincipal) => RowFilter;
  tenantScope?: (orgId: number) => RowFilter;
};

/** The conditions limiting reads of the resource (empty: every row), or null: no row at all. */
export function rowScope(resource: Scoped, operator: OperatorPrincipal | undefined, impersonation: Pick<ActiveImpersonation, 'targetOrgId'> | null | undefined): RowFilter[] | null {
  const conditions: RowFilter[] = [];
  if (resource.visibleTo) {
    // Deny by default: no operator, no rows.
    if (!operator) return null;
    conditions.push(resource.visibleTo(operator));
  }
  if (resource.tenantScope && impersonation) {
    if (impersonation.targetOrgId === null) return null;
    conditions.push(resource.tenantScope(impersonation.targetOrgId));
  }
  return conditions;
}

/** `where` within the scope: the condition alone, or AND-ed with the scope's conditions. */
export function scopedWhere(where: RowFilter, scope: RowFilter[]): RowFilter {
  const all = [where, ...scope].filter((c) => Object.keys(c).length > 0);
  return all.length <= 1 ? (all[0] ?? {}) : { AND: all };
}
