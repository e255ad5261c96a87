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
import { createOperatorAuth } from './auth/operator-auth.js';
import { createSessionMiddleware, createSessionSettings } from './auth/session.js';
import { createSessionRoutes } from './auth/session-routes.js';
import { refreshOperator } from './auth/require-operator.js';
import { createAdmin } from './admin/create-admin.js';
import { createAdminRouter } from './admin/admin-router.js';
import { correlationId } from './http/correlation.js';
import { createErrorHandler, notFoundHandler } from './http/errors.js';
import { createHealthRoutes, type UnleashState } from './http/health.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  db: Database;
  plugins: Plugin[];
  sessionSecret: string;
  unleashState: UnleashState;
};

export function createApp({ config, logger, db, plugins, sessionSecret, unleashState }: AppDeps): {
  app: express.Express;
  close: () => Promise<void>;
} {
  const auth = createOperatorAuth({ prisma: db.prisma });
  const session = createSessionSettings({ config, pool: db.pool, secret: sessionSecret });
  const admin = createAdmin({ prisma: db.prisma, plugins });

  const app = express();
  app.disable('x-powered-by');
  if (config.cookieSecure) app.set('trust proxy', 'loopback');

  app.use(correlationId);
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

  // AdminJS renders inline scripts and styles, so its pages get helmet without a CSP for now.
  // The session is loaded here (AdminJS's own session middleware then finds it) so the operator is
  // refreshed before AdminJS reads it.
  app.use(
    admin.options.rootPath,
    helmet({ contentSecurityPolicy: false }),
    createSessionMiddleware(session),
    refreshOperator({ auth }),
    createAdminRouter({ admin, auth, session, logger }),
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
  return { app, close: async () => session.store.close?.() };
}
