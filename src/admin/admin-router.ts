// The AdminJS router behind the operator login. It shares the API's session store and cookie.
import AdminJSExpress from '@adminjs/express';
import type AdminJS from 'adminjs';
import type { Request } from 'express';
import type { OperatorAuth } from '../auth/operator-auth.js';
import type { SessionSettings } from '../auth/session.js';
import type { Logger } from '../platform/logger.js';

export function createAdminRouter({ admin, auth, session, logger }: { admin: AdminJS; auth: OperatorAuth; session: SessionSettings; logger: Logger }) {
  return AdminJSExpress.buildAuthenticatedRouter(
    admin,
    {
      cookieName: session.cookieName,
      cookiePassword: session.secret,
      authenticate: async (email: string, password: string, context?: { req: Request }) => {
        let operator;
        try {
          operator = await auth.authenticate({ email: String(email ?? ''), password: String(password ?? '') });
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
    null,
    session.options,
  );
}
