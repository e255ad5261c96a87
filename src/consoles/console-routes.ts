// GET /api/consoles: the consoles the caller may open (their permission held, their flag on), with
// the page and the API prefix of each: what a headless client or a dashboard lists. Any logged-in
// operator may ask; a console they may not open is simply not listed.
import { Router, type Response } from 'express';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { FeatureGate } from '../flags/feature-gate.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import { can } from '../rbac/access.js';
import { CONSOLE_API_PREFIX, type ConsoleDefinition } from './console-types.js';

export function createConsoleRoutes({ consoles, access, gate, adminRoot = '/admin' }: {
  consoles: readonly { console: ConsoleDefinition }[];
  access: RouteAccess;
  gate: FeatureGate;
  adminRoot?: string;
}): Router {
  const router = Router();
  router.get('/consoles', ...access('GET /api/consoles'), (_req, res: Response) => {
    const operator = res.locals.operator as OperatorPrincipal;
    const actor = { operatorId: operator.id, roles: operator.roles };
    const orgId = impersonationOf(res)?.targetOrgId ?? null;
    const items = consoles
      .map(({ console }) => console)
      .filter((c) => can(operator, c.permission) && (!c.flag || gate.isOn(c.flag, actor, orgId)))
      .map((c) => ({ id: c.id, title: c.title, navigation: c.navigation, permission: c.permission, page: `${adminRoot}/pages/${c.id}`, api: `${CONSOLE_API_PREFIX}/${c.id}` }));
    res.json({ items });
  });
  return router;
}
