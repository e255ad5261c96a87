import type { Request, RequestHandler } from 'express';
import { unauthenticated } from '../http/errors.js';
import type { OperatorAuth, OperatorPrincipal } from './operator-auth.js';
import { mfaEnrolmentRequired, withoutPermissions } from './session-lifecycle.js';

// The operator is reloaded on every request, so disabling an operator or changing their roles
// takes effect on their next request rather than their next login. A session whose operator is
// gone or disabled is destroyed. An enrolment-only session (no authenticator yet, MFA required)
// carries the operator without any permission.
async function currentOperator(req: Request, auth: OperatorAuth): Promise<OperatorPrincipal | null> {
  const sessionOperator = req.session?.adminUser;
  if (!sessionOperator) return null;
  const operator = await auth.loadPrincipal(sessionOperator.id);
  if (!operator) {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    return null;
  }
  const principal = req.session.mfaPending ? withoutPermissions(operator) : operator;
  req.session.adminUser = principal;
  return principal;
}

/**
 * API routes: 401 problem+json without a live operator session; 403 `mfa_enrolment_required` for
 * an enrolment-only session, except on the routes that enrol (`allowMfaPending`).
 */
export function requireOperator({ auth, allowMfaPending = false }: { auth: OperatorAuth; allowMfaPending?: boolean }): RequestHandler {
  return async (req, res, next) => {
    const operator = await currentOperator(req, auth);
    if (!operator) {
      const hadSession = req.session?.adminUser !== undefined || res.locals.sessionEnded === true;
      throw unauthenticated(hadSession ? 'Your session has ended.' : undefined);
    }
    if (req.session.mfaPending && !allowMfaPending) throw mfaEnrolmentRequired();
    res.locals.operator = operator;
    next();
  };
}

/** The backoffice page where an enrolment-only session enrols (src/admin/components/security-page.tsx). */
export const SECURITY_PAGE = 'security';
// What an enrolment-only session may open in the backoffice, below its root path.
const ENROLMENT_PATHS = [`/pages/${SECURITY_PAGE}`, '/login', '/logout'];

/**
 * AdminJS pages: refreshes the session's operator; AdminJS itself redirects when there is none. An
 * enrolment-only session is sent to the security page, and its data calls are refused.
 */
export function refreshOperator({ auth }: { auth: OperatorAuth }): RequestHandler {
  return async (req, res, next) => {
    if (req.path.startsWith('/frontend/assets/')) return next();
    const operator = await currentOperator(req, auth);
    if (!operator || !req.session.mfaPending || ENROLMENT_PATHS.includes(req.path.replace(/\/+$/, ''))) return next();
    if (req.method !== 'GET' || req.path.startsWith('/api/')) throw mfaEnrolmentRequired();
    res.redirect(`${req.baseUrl}/pages/${SECURITY_PAGE}`);
  };
}
