// GET /api/dashboard: the headless face of the dashboard page, the same service and snapshot. Open
// to any operator; each figure is filtered by its own permission, so a role sees only its figures.
// Refused while impersonating a customer (403 impersonation_read_only), like the cross-customer console views.
import { Router } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { DashboardService } from './dashboard-service.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import { impersonationReadOnly } from '../impersonation/read-only-gate.js';

export function createDashboardRoutes({ dashboard, access }: { dashboard: DashboardService; access: RouteAccess }): Router {
  const router = Router();
  router.get('/dashboard', ...access('GET /api/dashboard'), async (_req, res) => {
    // Every figure spans all customers: not while acting as one of them.
    if (impersonationOf(res)) throw impersonationReadOnly('The dashboard spans every customer: end the impersonation to see it.');
    res.json(await dashboard.read(res.locals.operator));
  });
  return router;
}
