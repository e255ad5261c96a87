// The composition root of the HTTP face: every service is created by the caller (src/platform/
// boot.ts) and handed in here; this file only wires middleware and routers in order.
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type AdminJS from 'adminjs';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { Logger } from './platform/logger.js';
import type { OperatorAuth } from './auth/operator-auth.js';
import { createSessionMiddleware, type SessionSettings } from './auth/session.js';
import { createSessionRoutes } from './auth/session-routes.js';
import { refreshOperator } from './auth/require-operator.js';
import { createAdminRouter } from './admin/admin-router.js';
import { correlationId } from './http/correlation.js';
import { createErrorHandler, notFoundHandler } from './http/errors.js';
import { createHealthRoutes, type UnleashState } from './http/health.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  db: Database;
  auth: OperatorAuth;
  session: SessionSettings;
  admin: AdminJS;
  unleashState: UnleashState;
};

export function createApp({ config, logger, db, auth, session, admin, unleashState }: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (config.cookieSecure) app.set('trust proxy', 'loopback');

  app.use(correlationId);
  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => res.locals.correlationId,
      customProps: (_req, res) => ({ correlationId: res.locals.correlationId }),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }) as RequestHandler,
  );

  app.use(createHealthRoutes({ pool: db.pool, unleashState }));

  // AdminJS renders inline scripts and styles, so its pages get helmet without a CSP for now.
  // The session is loaded here (AdminJS's own session middleware then finds it) so the operator is
  // refreshed before AdminJS reads it.
  app.use(
    admin.options.rootPath,
    helmet({ contentSecurityPolicy: false }),
    createSessionMiddleware(session),
    refreshOperator({ auth }),
    createAdminRouter({ admin, auth, session }),
  );

  const api = express.Router();
  api.use(helmet());
  api.use(express.json({ limit: '1mb' }));
  api.use(createSessionMiddleware(session));
  api.use(createSessionRoutes({ auth, cookieName: session.cookieName }));
  api.use(notFoundHandler);
  app.use('/api', api);

  app.get('/', (_req, res) => res.redirect(admin.options.rootPath));
  app.use(notFoundHandler);
  app.use(createErrorHandler({ logger }));
  return app;
}
