// The AdminJS router behind the operator login. It shares the API's session store and cookie.
import AdminJSExpress from '@adminjs/express';
import type AdminJS from 'adminjs';
import type { Request } from 'express';
import type { OperatorAuth } from '../auth/operator-auth.js';
import express from 'express';
import type { SessionSettings } from '../auth/session.js';
import type { SessionAudit } from '../auth/session-audit.js';
import type { Logger } from '../platform/logger.js';

export function createAdminRouter({ admin, auth, session, logger, sessionAudit }: {
  admin: AdminJS;
  auth: OperatorAuth;
  session: SessionSettings;
  logger: Logger;
  sessionAudit: SessionAudit;
}) {
  // AdminJS's own logout handler destroys the session; the audit row is written just before it.
  const router = express.Router();
  router.get(admin.options.logoutPath.replace(admin.options.rootPath, ''), async (req, _res, next) => {
    const operator = req.session?.adminUser;
    if (operator) await sessionAudit.logout(operator);
    next();
  });
  return AdminJSExpress.buildAuthenticatedRouter(
    admin,
    {
      cookieName: session.cookieName,
      cookiePassword: session.secret,
      authenticate: async (email: string, password: string, context?: { req: Request }) => {
        let operator;
        try {
          operator = await auth.authenticate({ email: String(email ?? ''), password: String(password ?? '') });
          await sessionAudit.login({ email: String(email ?? ''), operator });
        } catch (err) {
          // AdminJS would print the error's message on the public login page.
          logger.error({ err }, 'backoffice login failed');
          return null;
        }
        if (!operator) return null;
        // New session id at login (AdminJS itself keeps the pre-login id: session fixation).
        const req = context?.req;
        if (req?.session) await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
        return operator;
      },
    },
    router,
    session.options,
  );
}
