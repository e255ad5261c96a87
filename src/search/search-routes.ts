// GET /api/search?q= (the omnibox) and GET /api/entities/{type}/{id} (canonical details with links),
// ../shared/API.md "Search and entities". Open to any logged-in operator: what each one finds is
// limited per entity type by that type's read permission and row scope (src/search/search-service.ts).
// A denied entity type is audited like any other denial (src/rbac/require-permission.ts).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod/v4';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { AuditService } from '../audit/types.js';
import { forbidden, notFound } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { normalizeQuery, QUERY_MAX, QUERY_MIN } from './search-plan.js';
import type { SearchService, SearchViewer } from './search-service.js';

export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 50;

export const searchQuerySchema = z.object({
  q: z.string()
    .transform(normalizeQuery)
    .pipe(z.string()
      .min(QUERY_MIN, `at least ${QUERY_MIN} characters`)
      .max(QUERY_MAX, `at most ${QUERY_MAX} characters`)
      .regex(/^[^\p{Cc}]*$/u, 'no control characters')),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMIT_MAX).default(SEARCH_LIMIT_DEFAULT),
  // `links,events`: exact matches with their related entities and newest timeline events.
  expand: z.string().default('')
    .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['links', 'events']))),
});

const viewerOf = (res: Response): SearchViewer => ({ operator: res.locals.operator as OperatorPrincipal, impersonation: impersonationOf(res) });

export function createSearchRoutes({ search, access, audit }: { search: SearchService; access: RouteAccess; audit: AuditService }): Router {
  const router = Router();

  router.get('/search', ...access('GET /api/search'), async (req: Request, res: Response) => {
    // One value per parameter: `?q=a&q=b` is not a query.
    const { q, limit, expand } = parseOr422(searchQuerySchema, req.query, { where: 'query' });
    const started = performance.now();
    const items = await search.search({ query: q, viewer: viewerOf(res), limit, expand });
    // The search's own time, for clients and bench/search (the HTTP round trip adds the network's).
    res.set('Server-Timing', `search;dur=${(performance.now() - started).toFixed(2)}`);
    res.json({ items });
  });

  router.get('/entities/:type/:id', ...access('GET /api/entities/:type/:id'), async (req: Request, res: Response) => {
    const type = String(req.params.type);
    const viewer = viewerOf(res);
    const details = await search.entity({ type, id: String(req.params.id), viewer });
    if (details === 'unknown_type') throw notFound(`No entity type ${type}.`);
    if (details === 'not_found') throw notFound(`No ${type} ${String(req.params.id)}.`);
    if (details === 'forbidden') {
      await audit.appendStandalone({
        actor: { operatorId: viewer.operator.id, roles: viewer.operator.roles },
        action: 'access.denied', entityType: 'route', entityId: `GET /api/entities/${type}/:id`,
        note: `missing the read permission of ${type}`, outcome: 'denied',
      });
      throw forbidden(`Your roles do not let you see ${type} records.`);
    }
    res.json(details);
  });

  return router;
}
