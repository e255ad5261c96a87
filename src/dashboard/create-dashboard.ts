// The operations dashboard as the composition root wires it: the figures of the core and every
// installed pack, the service both faces read, the API route, and the minute job (boot starts it).
import type pg from 'pg';
import type { PrismaClient } from '@prisma/client';
import type { Plugin } from '../platform/plugin.js';
import type { Config } from '../config/config.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { coreFigures } from './core-figures.js';
import { createDashboardRefresh } from './dashboard-refresh.js';
import { collectFigures, createDashboardService } from './dashboard-service.js';
import { createDashboardRoutes } from './dashboard-routes.js';

export function createDashboard({ pool, prisma, config, plugins, adminRoot = '/admin' }: {
  pool: pg.Pool;
  /** The approvals inbox's own query counts the personal "pending approvals" figure. */
  prisma: Pick<PrismaClient, 'approvalRequest'>;
  config: Config;
  plugins: Plugin[];
  adminRoot?: string;
}) {
  const figures = collectFigures(coreFigures({ prisma }), plugins);
  const service = createDashboardService({ pool, figures, adminRoot });
  const refresh = createDashboardRefresh({ pool, config, figures, readModels: plugins.flatMap((p) => p.readModels ?? []) });
  return { service, refresh, figures, routes: (access: RouteAccess) => createDashboardRoutes({ dashboard: service, access }) };
}

export type Dashboard = ReturnType<typeof createDashboard>;
