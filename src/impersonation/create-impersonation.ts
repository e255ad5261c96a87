// Impersonation's parts, created once per app from the installed packs (the one that declares
// customer users) and the token key: the service, the middleware for each face, the API routes and
// the JWKS route. src/app.ts mounts them; boot runs the sweep (startImpersonationSweep).
import type { FeatureGate } from '../flags/feature-gate.js';
import type { RequestHandler, Router } from 'express';
import type { AuditService } from '../audit/types.js';
import type { OperatorAuth } from '../auth/operator-auth.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../platform/logger.js';
import type { Plugin } from '../platform/plugin.js';
import type { ActionDefinition } from '../actions/define-action.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { createImpersonationService, type ImpersonationService } from './impersonation-service.js';
import { createImpersonationMiddleware } from './impersonation-middleware.js';
import { createImpersonationRoutes, createJwksRoute } from './impersonation-routes.js';
import { createImpersonationTokens } from './impersonation-tokens.js';
import { createReadOnlyGate } from './read-only-gate.js';
import { impersonationTargets } from './impersonation-targets.js';
import { startRepeatingTask } from '../platform/repeating-task.js';

export type Impersonation = {
  service: ImpersonationService;
  /** Mount on the API after the session middleware, before the session routes (logout ends it). */
  apiMiddleware: RequestHandler;
  /** Mount in the backoffice after the operator is refreshed, before the access guard. */
  adminMiddleware: (options: { logoutPath: string }) => RequestHandler;
  /** The /api routes. */
  routes: (access: RouteAccess) => Router;
  /** GET /.well-known/jwks.json */
  jwks: Router;
};

export function createImpersonation({ config, db, audit, auth, plugins, actions, privateKey, logger, gate: featureGate }: {
  config: Config;
  db: Pick<Database, 'pool'>;
  audit: AuditService;
  auth: Pick<OperatorAuth, 'loadPrincipal'>;
  plugins: Plugin[];
  actions: readonly ActionDefinition[];
  /** The token key (PEM or JWK); without it tokens are refused and the JWKS is empty. */
  privateKey: string | undefined;
  logger: Logger;
  /** Feature gate (kill switch `opsdeck.impersonation`). */
  gate?: FeatureGate;
}): Impersonation {
  const service = createImpersonationService({ pool: db.pool, audit, targets: impersonationTargets(plugins), gate: featureGate });
  const gate = createReadOnlyGate({ actions });
  const tokens = privateKey
    ? createImpersonationTokens({ privateKey, issuer: config.IMPERSONATION_JWT_ISSUER ?? config.publicUrl, audience: config.IMPERSONATION_JWT_AUDIENCE })
    : null;
  if (!tokens) logger.warn('no impersonation token key: POST /api/impersonations/{id}/token answers 503');
  return {
    service,
    apiMiddleware: createImpersonationMiddleware({ service, auth, gate, face: 'api', isLogout: (req) => req.method === 'DELETE' && req.path === '/session' }),
    adminMiddleware: ({ logoutPath }) => createImpersonationMiddleware({ service, auth, gate, face: 'admin', isLogout: (req) => req.path === logoutPath }),
    routes: (access) => createImpersonationRoutes({ service, access, tokens, audit }),
    jwks: createJwksRoute({ tokens }),
  };
}

/** Ends expired and orphaned impersonations every minute; boot starts it and stops it before the pools close. */
export function startImpersonationSweep({ service, logger, intervalMs = 60_000 }: { service: ImpersonationService; logger: Logger; intervalMs?: number }) {
  return startRepeatingTask({
    name: 'impersonation sweep', intervalMs, logger, runsNow: true,
    turn: async () => {
      const { expired, revoked } = await service.sweep();
      if (expired || revoked) logger.info({ expired, revoked }, 'impersonation sweep');
    },
  });
}
