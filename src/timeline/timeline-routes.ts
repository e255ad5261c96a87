// GET /api/entities/{type}/{id}/timeline (../shared/API.md "Search and entities"): the route only
// translates HTTP to the timeline service, which checks the entity type's read permission and the
// record's visibility itself (the permission depends on the type, so the route table says none).
import { Router, type Response } from 'express';
import { z } from 'zod/v4';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import { parseOr422 } from '../http/validation.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { TimelineService } from './timeline-service.js';

export const timelineQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function createTimelineRoutes({ timeline, access }: { timeline: TimelineService; access: RouteAccess }): Router {
  const router = Router();
  router.get('/entities/:type/:id/timeline', ...access('GET /api/entities/:type/:id/timeline'), async (req, res: Response) => {
    const { limit, cursor } = parseOr422(timelineQuery, req.query, { where: 'query' });
    res.json(await timeline.list({
      type: String(req.params.type), id: String(req.params.id), limit, cursor,
      operator: res.locals.operator as OperatorPrincipal, impersonation: impersonationOf(res),
    }));
  });
  return router;
}
