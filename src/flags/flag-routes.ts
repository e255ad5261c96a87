// GET /api/flags (../shared/API.md "Flags and experiments"): every declared flag as evaluated for
// the calling operator, with where its value came from. Any logged-in operator may ask: it tells
// them what they can use, and the declared flags are no secret (the code declares them).
import { Router, type Response } from 'express';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import type { FlagService } from './flag-service.js';

export function createFlagRoutes({ flags, access }: { flags: FlagService; access: RouteAccess }): Router {
  const router = Router();
  router.get('/flags', ...access('GET /api/flags'), (_req, res: Response) => {
    const operator = res.locals.operator as OperatorPrincipal;
    const orgId = impersonationOf(res)?.targetOrgId ?? null;
    res.json({ items: flags.evaluateAll({ operatorId: operator.id, roles: operator.roles, orgId }) });
  });
  return router;
}
