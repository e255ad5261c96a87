// The composition root of the HTTP face: creates the services the two faces share (operator auth,
// the PostgreSQL session store, the AdminJS instance) and wires middleware and routers in order.
// Boot, tests and benches all build the app here, so they run the same wiring.
import './admin/adminjs-env.js';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { Logger } from './platform/logger.js';
import type { Plugin } from './platform/plugin.js';
import type { AuditService } from './audit/types.js';
import { createOperatorAuth } from './auth/operator-auth.js';
import { createSessionMiddleware, createSessionSettings } from './auth/session.js';
import { createOperatorSecurity } from './auth/operator-security.js';
import { createSecretBox } from './auth/secret-box.js';
import { refreshOperator } from './auth/require-operator.js';
import { createSessionAudit } from './auth/session-audit.js';
import { createAdmin } from './admin/create-admin.js';
import { createListAnchorRefresh, type ListAnchorRefresh } from './admin/list-anchors/list-anchor-refresh.js';
import { largeListsOf } from './admin/list-anchors/large-lists.js';
import { createAdminRouter } from './admin/admin-router.js';
import { createAdminAccessGuard } from './admin/admin-access-guard.js';
import { componentsBundle } from './admin/admin-components.js';
import { buildRbacModel } from './rbac/rbac-model.js';
import { createPermissionGuard, createRouteAccess } from './rbac/require-permission.js';
import { createRbacRoutes } from './rbac/rbac-routes.js';
import { createAuditRoutes } from './audit/audit-routes.js';
import { createAuditAdminResource } from './audit/audit-admin-resource.js';
import { buildAuditPiiLookup } from './audit/audit-masking.js';
import { requireOperator } from './auth/require-operator.js';
import { createActionServices, type ActionServices } from './actions/action-services.js';
import { createActionRoutes } from './actions/action-routes.js';
import { createBulkRoutes } from './actions/bulk-routes.js';
import { createApprovalRoutes } from './approvals/approval-routes.js';
import { buildOpenApi, createOpenApiRoute } from './http/openapi.js';
import { correlationId } from './http/correlation.js';
import { requestContext } from './http/request-context.js';
import { createErrorHandler, notFoundHandler } from './http/errors.js';
import { createBlockList, isInList } from './http/security/cidr-list.js';
import { createHealthRoutes, type UnleashState } from './http/health.js';
import { adminSecurityHeaders } from './http/security/admin-headers.js';
import { createRequestSecurity } from './http/security/request-security.js';
import { createImpersonation } from './impersonation/create-impersonation.js';
import type { ImpersonationService } from './impersonation/impersonation-service.js';
import { createExperimentService, type ExperimentService } from './experiments/experiment-service.js';
import { createExperimentRoutes, EXPERIMENT_EVENTS_PATH, experimentEventsJson, isExperimentEventsPath } from './experiments/experiment-routes.js';
import { createExperimentAdminResource, EXPERIMENTS_RESOURCE_ID } from './experiments/experiment-admin-resource.js';
import type { FlagDefinitions } from './experiments/unleash-flag.js';
import { buildFlagCatalog, checkActionFlags } from './flags/flag-catalog.js';
import { createFlagService, type FlagEvaluator, type FlagService } from './flags/flag-service.js';
import { createFeatureGate, type FeatureGate } from './flags/feature-gate.js';
import { checkResourceFlags } from './flags/flag-gating.js';
import { createFlagRoutes } from './flags/flag-routes.js';
import type { UnleashAdmin } from './flags/unleash-admin.js';
import { createWinnerRolloutRoutes } from './experiments/winner-rollout.js';
import { createFlagAdminResource } from './flags/flag-admin-resource.js';
import { extraResourceGuards } from './admin/create-admin.js';
import { createApiTokenService } from './auth/api-tokens/api-token-service.js';
import { createApiTokenRoutes } from './auth/api-tokens/api-token-routes.js';
import { hasBearerToken, tokenOrOperator } from './auth/api-tokens/bearer-auth.js';
import { createSearch } from './search/create-search.js';
import { createTimeline, type Timeline } from './timeline/create-timeline.js';
import { createDashboard, type Dashboard } from './dashboard/create-dashboard.js';
import { createPluginRouter, routeAliases } from './platform/plugin-routes.js';
import { createPluginWebhookRouter, WEBHOOK_PREFIX, webhookPaths } from './platform/plugin-webhooks.js';
import { createConsolePageGuard } from './consoles/console-pages.js';
import { checkPackSettings } from './config/pack-settings.js';
import { createConsoleRoutes } from './consoles/console-routes.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  db: Database;
  plugins: Plugin[];
  sessionSecret: string;
  unleashState: UnleashState;
  audit: AuditService;
  /** Verifies the audit chain's signed checkpoints (a key that is not in the database). */
  auditSigningKey: string;
  /** Seals operators' TOTP secrets in the database (AES-256-GCM; 64 hex characters or base64, 32 bytes). */
  mfaEncryptionKey: string;
  /** Signs impersonation tokens (EC P-256, PEM or JWK); without it tokens are refused (503). */
  impersonationJwtKey?: string;
  /** The in-process flag client's definitions (variants, weights) for experiments; absent where no client runs. */
  flagDefinitions?: FlagDefinitions;
  /** The in-process flag client that evaluates declared flags; absent (tests), every flag serves its declared default. */
  flagClient?: FlagEvaluator | null;
  /** Unleash's Admin API (src/flags/unleash-admin.ts) for approved flag change requests; absent, they fail with 503. */
  unleashAdmin?: UnleashAdmin | null;
};

/** Express's `trust proxy`: TRUST_PROXY's addresses, or a TLS proxy on loopback when cookies are Secure. */
function trustedProxies(config: Config): false | 'loopback' | ((ip: string) => boolean) {
  if (!config.TRUST_PROXY) return config.cookieSecure ? 'loopback' : false;
  if (config.TRUST_PROXY.length === 0) return false;
  const proxies = createBlockList(config.TRUST_PROXY);
  return (ip) => isInList(proxies, ip);
}

export function createApp({ config, logger, db, plugins, sessionSecret, unleashState, audit, auditSigningKey, mfaEncryptionKey, impersonationJwtKey, flagDefinitions, flagClient = null, unleashAdmin = null }: AppDeps): {
  app: express.Express;
  close: () => Promise<void>;
  /** The action runner and what hangs off it; boot starts their workers (src/actions/action-background.ts). */
  actions: ActionServices;
  /** Customer impersonation; boot runs its sweep (src/impersonation/create-impersonation.ts). */
  impersonation: ImpersonationService;
  /** Typed flag evaluation over the declared flags (src/flags/flag-service.ts). */
  flags: FlagService;
  /** The entity timeline: boot runs its projector; `timeline.service.recent` serves other features (src/timeline/). */
  timeline: Timeline;
  /** The operations dashboard; boot runs its minute job (src/dashboard/dashboard-refresh.ts). */
  dashboard: Dashboard;
  /** Experiments: boot feeds them the flag client's impressions (src/experiments/impression-exposures.ts). */
  experiments: ExperimentService;
  /** The kill switches as services check them. */
  gate: FeatureGate;
  /** The large lists' page anchors; boot keeps them current (src/admin/list-anchors/). */
  listAnchors: ListAnchorRefresh;
} {
  const auth = createOperatorAuth({ prisma: db.prisma, pool: db.pool });
  const session = createSessionSettings({ config, pool: db.pool, secret: sessionSecret, logger: logger.child({ component: 'sessions' }) });
  // Throws on a role, resource or route naming an unknown permission: the start fails.
  const rbac = buildRbacModel({ plugins });
  // Throws a ConfigError on a pack's bad or missing setting (the entry points check first, to exit with one line).
  checkPackSettings(config, plugins);
  // Throws on a duplicate or malformed flag key, or an action naming an undeclared flag.
  const flagCatalog = buildFlagCatalog(plugins);
  checkActionFlags(flagCatalog, rbac.actions);
  checkResourceFlags(flagCatalog, rbac.resources);
  // The packs' routes and consoles name flags the same way (a typo would leave them ungated).
  checkActionFlags(flagCatalog, [...rbac.consoles.map(({ console: c }) => ({ id: `console ${c.id}`, flag: c.flag })), ...rbac.pluginRoutes.map((r) => ({ id: `route ${r.method} ${r.fullPath}`, flag: r.flag }))]);
  const flags = createFlagService({ catalog: flagCatalog, client: flagClient, environment: config.NODE_ENV });
  const gate = createFeatureGate({ flags, audit });
  const guard = createPermissionGuard({ auth, audit });
  const sessionAudit = createSessionAudit({ audit });
  // MFA, the login throttle, step-up and the sessions list: both faces use the same services.
  const operatorSecurity = createOperatorSecurity({
    config, pool: db.pool, auth, sessionAudit, actions: rbac.actions,
    secretBox: createSecretBox(mfaEncryptionKey), logger: logger.child({ component: 'mfa' }),
  });
  const actions = createActionServices({ db, audit, auth, logger, rbac, plugins, gate, platform: { unleash: unleashAdmin, config } });
  const timeline = createTimeline({ db, audit, rbac, plugins, logger });
  const dashboard = createDashboard({ pool: db.pool, prisma: db.prisma, config, plugins });
  const experiments = createExperimentService({ pool: db.pool, prisma: db.prisma, audit, flags: flagDefinitions ?? null, gate });
  // Client apps post experiment events with an API token (src/auth/api-tokens/).
  const tokens = createApiTokenService({ pool: db.pool, audit });
  const flagAdmin = createFlagAdminResource({ catalog: flagCatalog, flags: flagClient });
  const admin = createAdmin({
    prisma: db.prisma, audit, rbac, actions, security: operatorSecurity.admin, flags, tokens,
    extraResources: [createAuditAdminResource({ pool: db.pool, piiLookup: buildAuditPiiLookup(rbac.resources) }), createExperimentAdminResource({ prisma: db.prisma }), flagAdmin],
  });
  const impersonation = createImpersonation({ config, db, audit, auth, plugins, actions: rbac.actions, privateKey: impersonationJwtKey, logger, gate });
  const requestSecurity = createRequestSecurity({
    config, pool: db.pool, audit, logger, adminLoginPath: admin.options.loginPath.slice(admin.options.rootPath.length),
    isTokenCall: (req) => hasBearerToken(req) && isExperimentEventsPath(req.path),
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustedProxies(config));

  // Packs' routes also answer at the paths their requirements name (rewritten to /api, so the API's checks apply).
  app.use(routeAliases(rbac.pluginRoutes));
  app.use(correlationId);
  app.use(requestContext);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => res.locals.correlationId,
      customProps: (_req, res) => ({ correlationId: res.locals.correlationId }),
      // Session cookies in a log line would let anyone who reads logs take over a session.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }) as RequestHandler,
  );

  app.use(createHealthRoutes({ pool: db.pool, unleashState }));
  app.use(impersonation.jwks);

  // AdminJS renders inline scripts and styles, so its pages get helmet with a navigation-only CSP.
  // The session is loaded here (AdminJS's own session middleware then finds it) so the operator is
  // refreshed before AdminJS reads it; the request checks (IP, Origin, write limit) come right after
  // it, before anything else runs.
  app.use(
    admin.options.rootPath,
    adminSecurityHeaders(),
    createSessionMiddleware(session),
    ...requestSecurity.admin,
    refreshOperator({ auth }),
    impersonation.adminMiddleware({ logoutPath: admin.options.logoutPath.slice(admin.options.rootPath.length) }),
    createAdminAccessGuard({ resources: [...rbac.resources, { model: 'AuditLog', access: { read: 'audit.read' } }, { model: EXPERIMENTS_RESOURCE_ID, access: { read: 'experiment.read' } }], audit, gate }),
    createAdminAccessGuard({ resources: extraResourceGuards([flagAdmin], rbac.actions), audit }),
    createConsolePageGuard({ consoles: rbac.consoles, audit, gate }),
    componentsBundle(admin),
    createAdminRouter({ admin, login: operatorSecurity.login, session, logger, sessionAudit }),
  );

  const api = express.Router();
  api.use(helmet());
  api.use(createSessionMiddleware(session));
  api.use(requestSecurity.api);
  // Event batches are larger than anything else the API takes (10,000 events, about 1.5 MB).
  api.use(EXPERIMENT_EVENTS_PATH, experimentEventsJson);
  api.use(express.json({ limit: '1mb' }));
  // While impersonating: audited per request, read-only, expiry enforced (before any route).
  api.use(impersonation.apiMiddleware);
  api.use(operatorSecurity.sessionRoutes({ cookieName: session.cookieName }));
  api.use(createRbacRoutes({ prisma: db.prisma, guard, catalog: rbac.catalog }));
  api.use(createAuditRoutes({ pool: db.pool, guard, audit, signingKey: auditSigningKey, piiLookup: buildAuditPiiLookup(rbac.resources) }));
  const access = createRouteAccess({ guard, authenticated: requireOperator({ auth }) });
  api.use(createOpenApiRoute({ document: buildOpenApi({ routes: rbac.apiRoutes, actions: rbac.actions, extraPaths: webhookPaths(plugins) }), access }));
  api.use(createActionRoutes({ runner: actions.runner, runs: actions.runs, access, stepUp: operatorSecurity.actionStepUp }));
  api.use(createBulkRoutes({ bulk: actions.bulk, access, stepUp: operatorSecurity.actionStepUp }));
  api.use(createApprovalRoutes({ prisma: db.prisma, approvals: actions.approvals, access, stepUp: operatorSecurity.actionStepUp }));
  api.use(createExperimentRoutes({
    experiments, access,
    ingestAccess: tokenOrOperator({ tokens, scope: 'experiments:ingest', route: 'POST /api/experiments/:key/events', sessionGuards: access('POST /api/experiments/:key/events') }),
  }));
  api.use(createWinnerRolloutRoutes({ experiments, runner: actions.runner, access }));
  api.use(createApiTokenRoutes({ tokens, access }));
  api.use(createFlagRoutes({ flags, access }));
  // The omnibox, with the timeline's newest entries of exact matches (`expand=events`).
  api.use(createSearch({ prisma: db.prisma, pool: db.pool, plugins, rbac, adminRootPath: admin.options.rootPath, access, audit, recentEvents: (query) => timeline.service.recent(query) }).routes);
  api.use(timeline.routes(access));
  api.use(dashboard.routes(access));
  api.use(impersonation.routes(access));
  api.use(operatorSecurity.sessionAdminRoutes(access));
  api.use(createConsoleRoutes({ consoles: rbac.consoles, access, gate, adminRoot: admin.options.rootPath }));
  // The packs' routes (consoles' read models included), guarded by their declared permissions.
  api.use(createPluginRouter({ routes: rbac.pluginRoutes, guard, authenticated: requireOperator({ auth }), gate, services: { pool: db.pool, prisma: db.prisma, config, audit, runner: actions.runner } }));
  api.use(notFoundHandler);
  // The packs' inbound webhooks: signature-checked over the raw body, before the API's session and JSON parser.
  app.use(WEBHOOK_PREFIX, createPluginWebhookRouter({ plugins, services: { pool: db.pool, prisma: db.prisma, config, audit, runner: actions.runner } }));
  app.use('/api', api);

  app.get('/', (_req, res) => res.redirect(admin.options.rootPath));
  app.use(notFoundHandler);
  app.use(createErrorHandler({ logger }));
  const listAnchors = createListAnchorRefresh({ pool: db.pool, lists: largeListsOf(rbac.resources) });
  return { app, close: async () => session.store.close?.(), actions, impersonation: impersonation.service, flags, timeline, dashboard, experiments, gate, listAnchors };
}
