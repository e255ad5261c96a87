// HTTP routes a domain pack serves under /api: console read models (src/consoles/), and later
// webhooks and other pack APIs. A pack declares each route with its permission (deny by default:
// `null` is written out and still needs a logged-in operator), its query/params schemas (zod: 422
// validation_failed before the handler runs), an optional flag (403 feature_disabled, audited) and
// its OpenAPI extras. The core mounts them behind the same guard as its own routes, lists them in
// the route table (so docs:rbac, the RBAC matrix test and GET /api/openapi.json cover them) and
// answers every error as problem+json. The handler only translates HTTP to the pack's service.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type pg from 'pg';
import type { PrismaClient } from '@prisma/client';
import { toJSONSchema, type z } from 'zod/v4';
import type { Config } from '../config/config.js';
import type { AuditService } from '../audit/types.js';
import type { ActionRunner } from '../actions/types.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ApiRouteAccess } from '../rbac/api-routes.js';
import type { Permission } from '../rbac/permissions.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import type { FeatureGate } from '../flags/feature-gate.js';
import { parseOr422 } from '../http/validation.js';
import { impersonationOf } from '../impersonation/impersonation-context.js';
import { impersonationReadOnly } from '../impersonation/read-only-gate.js';
import type { ActiveImpersonation } from '../impersonation/impersonation-types.js';

/** What a pack's handlers may use: the same pool and client as the core's services, and the config. */
export type PluginRouteServices = {
  pool: pg.Pool; prisma: PrismaClient; config: Config; audit: AuditService;
  /**
   * The action runner's submit (as POST /api/actions/{id}): a pack's route may offer an action under
   * its own path; and its listFor (what the caller may run: the runner's own RBAC and flag check).
   */
  runner: Pick<ActionRunner, 'submit' | 'listFor'>;
};

export type PluginRouteContext<Q, P> = {
  query: Q;
  params: P;
  /** The parsed JSON body (the API's 1 MB parser); validate it in the handler. */
  body: unknown;
  operator: OperatorPrincipal;
  /**
   * The customer impersonation this request runs in, if any: a route that answers customers' data
   * limits it to the target's organization (as the backoffice's resources do), or declares
   * `isRefusedDuringImpersonation`.
   */
  impersonation: ActiveImpersonation | null;
  services: PluginRouteServices;
  req: Request;
  res: Response;
};

export type PluginRoute<Q = any, P = any> = {
  method: ApiRouteAccess['method'];
  /** Below /api, Express parameters as `:name`, e.g. `/consoles/shipping/queues/:queue`. */
  path: string;
  /** Required permission; null: any logged-in operator (written out, never implied). */
  permission: Permission | null;
  summary: string;
  /** A declared flag that must be on for the caller (403 feature_disabled, audited). */
  flag?: FlagKey;
  /** Query string schema: unknown or bad values are a 422 naming the field. */
  query?: z.ZodType<Q>;
  /** Path parameter schema (e.g. coerce ids): a bad one is a 422 too. */
  params?: z.ZodType<P>;
  /** Cross-customer views (queues over every seller): refused (403) while the operator impersonates a customer. */
  isRefusedDuringImpersonation?: boolean;
  /** OpenAPI operation fields merged over the generated ones (description, responses). */
  openapi?: Record<string, unknown>;
  /**
   * Other full paths (outside /api, with the same `:name` parameters) this route also answers, e.g.
   * the path a requirement names: such a request is rewritten to the /api path before anything runs,
   * so it passes exactly the API's checks (session, Origin, write limit, permission).
   */
  aliases?: string[];
  /**
   * For the RBAC matrix test: a concrete call (needed when the path has parameters) and the status
   * a permitted role gets with an empty body (default: the route's own path, 200).
   */
  sample?: { path: string; status: number };
  /** Returns the JSON body (200), or answers through `res` itself and returns undefined. */
  handler: (ctx: PluginRouteContext<Q, P>) => Promise<unknown>;
};

/** A route as the route table lists it: full path under /api, and the pack it came from. */
export type InstalledPluginRoute = PluginRoute & { fullPath: string; pluginId: string };

export function definePluginRoute<Q, P>(route: PluginRoute<Q, P>): PluginRoute<Q, P> {
  return route;
}

/** The route table entry (src/rbac/api-routes.ts shape) of an installed route. */
export const routeAccess = (route: InstalledPluginRoute): ApiRouteAccess & Pick<PluginRoute, 'openapi' | 'sample' | 'flag' | 'isRefusedDuringImpersonation'> & { query?: z.ZodType } => ({
  method: route.method, path: route.fullPath, permission: route.permission, summary: route.summary,
  openapi: route.openapi, sample: route.sample, flag: route.flag, query: route.query, isRefusedDuringImpersonation: route.isRefusedDuringImpersonation,
});

/** Problems in the installed routes (a path twice, a path outside /api's shape); the start refuses them. */
export function pluginRouteProblems(routes: readonly InstalledPluginRoute[], corePaths: readonly ApiRouteAccess[]): string[] {
  const problems: string[] = [];
  const seen = new Set(corePaths.map((r) => `${r.method} ${r.path}`));
  for (const route of routes) {
    const key = `${route.method} ${route.fullPath}`;
    if (!/^\/api(\/[A-Za-z0-9._~:-]+)+$/.test(route.fullPath)) problems.push(`plugin ${route.pluginId} route ${key} has a malformed path`);
    if (seen.has(key)) problems.push(`plugin ${route.pluginId} route ${key} is declared twice`);
    seen.add(key);
  }
  return problems;
}

/**
 * Mounts the installed routes on the API router (after its session, JSON and impersonation
 * middleware, before its 404): guard (401/403, denials audited), flag gate, validation, handler.
 */
export function createPluginRouter({ routes, guard, authenticated, gate, services }: {
  routes: readonly InstalledPluginRoute[];
  guard: (permission: string) => RequestHandler[];
  authenticated: RequestHandler;
  gate: FeatureGate;
  services: PluginRouteServices;
}): Router {
  const router = Router();
  for (const route of routes) {
    const path = route.fullPath.replace(/^\/api/, '');
    const access = route.permission === null ? [authenticated] : guard(route.permission);
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](path, ...access, async (req, res) => {
      const operator = res.locals.operator as OperatorPrincipal;
      if (route.flag) {
        await gate.require(route.flag, {
          actor: { operatorId: operator.id, roles: operator.roles }, entityType: 'route', entityId: `${route.method} ${route.fullPath}`,
          what: route.summary, orgId: impersonationOf(res)?.targetOrgId ?? null,
        });
      }
      const impersonation = impersonationOf(res);
      if (impersonation && route.isRefusedDuringImpersonation) {
        throw impersonationReadOnly('This view spans every customer: end the impersonation to open it as yourself.');
      }
      const query = route.query ? parseOr422(route.query as z.ZodType, req.query, { where: 'query' }) : req.query;
      const params = route.params ? parseOr422(route.params as z.ZodType, req.params, { where: 'path' }) : req.params;
      const result = await route.handler({ query, params, body: req.body, operator, impersonation, services, req, res });
      if (result !== undefined && !res.headersSent) res.json(result);
    });
  }
  return router;
}

/**
 * OpenAPI fields of a pack's route beyond the generated ones: its query parameters (from the same
 * zod schema the route validates with), a 422 when it validates anything, a feature_disabled note
 * when flagged, and the route's own `openapi` extras. Null for core routes.
 */
export function pluginRouteOperation(route: ApiRouteAccess & { openapi?: Record<string, unknown>; query?: z.ZodType; flag?: string; isRefusedDuringImpersonation?: boolean }): Record<string, unknown> | null {
  if (!('openapi' in route || 'query' in route || 'flag' in route)) return null;
  const schema = route.query ? (toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, object>; required?: string[] }) : null;
  const parameters = Object.entries(schema?.properties ?? {}).map(([name, property]) => ({
    name, in: 'query', required: schema?.required?.includes(name) ?? false, schema: property,
  }));
  const own = route.openapi ?? {};
  const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  return {
    ...own,
    parameters: [...parameters, ...((own.parameters as object[] | undefined) ?? [])],
    responses: {
      ...(route.query ? { 422: problem('`validation_failed`: a bad query parameter, named.') } : {}),
      ...(route.flag || route.isRefusedDuringImpersonation ? {
        403: problem([
          'Not permitted (`forbidden`, audited)',
          ...(route.flag ? [`flag ${route.flag} is off (\`feature_disabled\`, audited)`] : []),
          ...(route.isRefusedDuringImpersonation ? ['the caller impersonates a customer (`impersonation_read_only`: a view across customers)'] : []),
        ].join('; or ') + '.'),
      } : {}),
      ...(own.responses as Record<string, unknown> | undefined),
    },
  };
}

/**
 * Rewrites requests to the packs' route aliases to their /api paths (mounted first in src/app.ts):
 * one route, one set of checks, whichever path a client uses.
 */
export function routeAliases(routes: readonly InstalledPluginRoute[]): RequestHandler {
  const rewrites = routes.flatMap((route) => (route.aliases ?? []).map((alias) => {
    const names: string[] = [];
    const pattern = new RegExp(`^${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`);
    const target = (values: string[]) => names.reduce((path, name, i) => path.replace(`:${name}`, values[i]), route.fullPath);
    return { method: route.method, pattern, target };
  }));
  return (req, _res, next) => {
    if (rewrites.length === 0) return next();
    for (const rewrite of rewrites) {
      const match = req.method === rewrite.method ? rewrite.pattern.exec(req.path) : null;
      if (!match) continue;
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      req.url = rewrite.target(match.slice(1)) + query;
      break;
    }
    next();
  };
}
