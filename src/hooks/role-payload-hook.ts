// Role edits in the backoffice are checked against the permission catalog before they are saved:
// a role granting a key nobody declares would stop the next start (src/rbac/ensure-seed-roles.ts),
// and a typo would silently deny. Runs before AdminJS's access check, so it only reads the request,
// and only for operators who may save roles at all (the others get the forbidden answer).
import { ValidationError, flat, type Before, type PropertyErrors } from 'adminjs';
import type { ResourceAccess } from '../platform/plugin.js';
import { can } from '../rbac/access.js';
import type { PermissionCatalog } from '../rbac/permissions.js';
import { isKnownPermission, requiredPermission } from '../rbac/rbac-model.js';

const ROLE_KEY = /^[a-z][a-z0-9_]{1,63}$/;

export function validateRolePayload({ catalog, access }: { catalog: PermissionCatalog; access: ResourceAccess }): Before {
  return (request, context) => {
    const permission = requiredPermission(access, context.action.name);
    if (request.method !== 'post' || !request.payload || !permission || !can(context.currentAdmin, permission)) return request;
    const { key, permissions } = flat.unflatten<Record<string, unknown>, { key?: unknown; permissions?: unknown }>(request.payload);
    const errors: PropertyErrors = {};
    if (key !== undefined && !ROLE_KEY.test(String(key))) {
      errors.key = { message: 'Use snake_case: lower-case letters, digits and underscores, starting with a letter.' };
    }
    const granted = permissions === undefined || permissions === null ? [] : Array.isArray(permissions) ? permissions : [permissions];
    const unknown = granted.filter((p) => typeof p !== 'string' || !isKnownPermission(catalog, p));
    if (unknown.length > 0) {
      // No colon in messages: the AdminJS UI translates them and i18next reads a colon as a namespace.
      errors.permissions = { message: `Unknown permission keys ${unknown.map((p) => JSON.stringify(p)).join(', ')} (the catalog is in docs/rbac-matrix.md and GET /api/roles)` };
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    return request;
  };
}
