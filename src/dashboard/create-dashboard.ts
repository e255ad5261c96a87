// The operations dashboard as the composition root wires it: the figures of the core and every
// installed pack, the service both faces read, the API route, and the minute job (boot starts it).
import type pg from 'pg';
import type { Plugin } from '../platform/plugin.js';
import type { Config } from '../config/config.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { CORE_FIGURES } from './core-figures.js';
import { createDashboardRefresh } from './dashboard-refresh.js';
import { collectFigures, createDashboardService } from './dashboard-service.js';
import { createDashboardRoutes } from './dashboard-routes.js';

export function createDashboard({ pool, config, plugins, adminRoot = '/admin' }: { pool: pg.Pool; config: Config; plugins: Plugin[]; adminRoot?: string }) {
  const figures = collectFigures(CORE_FIGURES, plugins);
  const service = createDashboardService({ pool, figures, adminRoot });
  const refresh = createDashboardRefresh({ pool, config, figures, readModels: plugins.flatMap((p) => p.readModels ?? []) });
  return { service, refresh, figures, routes: (access: RouteAccess) => createDashboardRoutes({ dashboard: service, access }) };
}

export type Dashboard = ReturnType<typeof createDashboard>;
