// The timeline's wiring: its catalog (from the RBAC model's resources and the packs' declarations),
// the projector boot starts (src/platform/boot.ts), the read service both faces and other features
// call, and the API route.
import type { Database } from '../db/database.js';
import type { Logger } from '../platform/logger.js';
import type { Plugin } from '../platform/plugin.js';
import type { AuditService } from '../audit/types.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { buildTimelineCatalog } from './timeline-catalog.js';
import { createTimelineProjector } from './timeline-projector.js';
import { createTimelineService } from './timeline-service.js';
import { createTimelineRoutes } from './timeline-routes.js';

export function createTimeline({ db, audit, rbac, plugins, logger }: { db: Database; audit: AuditService; rbac: RbacModel; plugins: Plugin[]; logger: Logger }) {
  const catalog = buildTimelineCatalog({ resources: rbac.resources, plugins, permissions: rbac.catalog, actions: rbac.actions });
  const projector = createTimelineProjector({ pool: db.pool, catalog, logger: logger.child({ component: 'timeline' }) });
  const service = createTimelineService({ pool: db.pool, prisma: db.prisma, catalog, audit });
  return { catalog, projector, service, routes: (access: RouteAccess) => createTimelineRoutes({ timeline: service, access }) };
}

export type Timeline = ReturnType<typeof createTimeline>;
