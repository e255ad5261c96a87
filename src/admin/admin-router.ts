// The AdminJS router behind the operator login. It shares the API's session store and cookie, and
// its login form is the same login as POST /api/session (src/auth/login-service.ts): the form's
// `totp` field takes the authenticator's code or a recovery code.
import AdminJSExpress from '@adminjs/express';
import type AdminJS from 'adminjs';
import type { Request, Response } from 'express';
import express from 'express';
import type { LoginService } from '../auth/login-service.js';
import { typedFactor } from '../auth/mfa-service.js';
import type { SessionSettings } from '../auth/session.js';
import type { SessionAudit } from '../auth/session-audit.js';
import { startOperatorSession } from '../auth/session-lifecycle.js';
import type { Logger } from '../platform/logger.js';

// AdminJS shows a thrown error's message on its login page (with a 400): a sentence, no colon
// (AdminJS translates it, and i18next reads a colon as a namespace).
const lockedOut = (seconds: number) => new Error(`Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minutes.`);

export function createAdminRouter({ admin, login, session, logger, sessionAudit }: {
  admin: AdminJS;
  login: LoginService;
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
      authenticate: async (email: string, password: string, context?: { req: Request; res: Response }) => {
        const req = context?.req;
        if (!req?.session) return null;
        const typed = String((req as Request & { fields?: Record<string, unknown> }).fields?.totp ?? '').trim();
        let outcome;
        try {
          outcome = await login.login({ email: String(email ?? ''), password: String(password ?? ''), ip: req.ip ?? null, ...(typed ? typedFactor(typed) : {}) });
        } catch (err) {
          // AdminJS would print the error's message on the public login page.
          logger.error({ err }, 'backoffice login failed');
          return null;
        }
        if (outcome.kind === 'locked_out') {
          context?.res.set('Retry-After', String(outcome.retryAfterSeconds));
          throw lockedOut(outcome.retryAfterSeconds);
        }
        if (outcome.kind === 'failed') return null;
        // A new session id at login (AdminJS itself keeps the pre-login id: session fixation). An
        // operator without an authenticator lands on the Security page (src/auth/require-operator.ts).
        return startOperatorSession(req, outcome);
      },
    },
    router,
    session.options,
  );
}
