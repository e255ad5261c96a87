// GET /api/dashboard: the headless face of the dashboard page, the same service and snapshot. Open
// to any operator; each figure is filtered by its own permission, so a role sees only its figures.
import { Router } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { DashboardService } from './dashboard-service.js';

export function createDashboardRoutes({ dashboard, access }: { dashboard: DashboardService; access: RouteAccess }): Router {
  const router = Router();
  router.get('/dashboard', ...access('GET /api/dashboard'), async (_req, res) => {
    res.json(await dashboard.read(res.locals.operator));
  });
  return router;
}
