// API guard: 401 without a live operator session, 403 problem+json (code `forbidden`) without the
// permission. A denial is a security event and is audited.
import type { RequestHandler } from 'express';
import { forbidden } from '../http/errors.js';
import type { AuditService } from '../audit/types.js';
import type { OperatorAuth } from '../auth/operator-auth.js';
import { requireOperator } from '../auth/require-operator.js';
import { can } from './access.js';
import { apiRoute, type ApiRouteKey } from './api-routes.js';

export function createPermissionGuard({ auth, audit }: { auth: OperatorAuth; audit: AuditService }) {
  const authenticated = requireOperator({ auth });
  return (permission: string): RequestHandler[] => [
    authenticated,
    async (req, res, next) => {
      const operator = res.locals.operator;
      if (can(operator, permission)) return next();
      await audit.appendStandalone({
        actor: { operatorId: operator.id, roles: operator.roles },
        action: 'access.denied',
        entityType: 'route',
        entityId: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
        note: `missing permission ${permission}`,
        outcome: 'denied',
      });
      throw forbidden(`Your roles do not grant ${permission}.`);
    },
  ];
}

/**
 * The guard of a route as the route table (src/rbac/api-routes.ts) declares it: its permission, or
 * any logged-in operator where it says `null`. Routers take their guards from here, by route key,
 * so a route and its documented permission cannot drift apart.
 */
export function createRouteAccess({ guard, authenticated }: { guard: (permission: string) => RequestHandler[]; authenticated: RequestHandler }) {
  return (key: ApiRouteKey): RequestHandler[] => {
    const { permission } = apiRoute(key);
    return permission === null ? [authenticated] : guard(permission);
  };
}

export type RouteAccess = ReturnType<typeof createRouteAccess>;
