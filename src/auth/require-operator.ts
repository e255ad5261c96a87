import type { Request, RequestHandler } from 'express';
import { unauthenticated } from '../http/errors.js';
import type { OperatorAuth, OperatorPrincipal } from './operator-auth.js';

// The operator is reloaded on every request, so disabling an operator or changing their roles
// takes effect on their next request rather than their next login. A session whose operator is
// gone or disabled is destroyed.
async function currentOperator(req: Request, auth: OperatorAuth): Promise<OperatorPrincipal | null> {
  const sessionOperator = req.session?.adminUser;
  if (!sessionOperator) return null;
  const operator = await auth.loadPrincipal(sessionOperator.id);
  if (!operator) {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    return null;
  }
  req.session.adminUser = operator;
  return operator;
}

/** API routes: 401 problem+json without a live operator session. */
export function requireOperator({ auth }: { auth: OperatorAuth }): RequestHandler {
  return async (req, res, next) => {
    const operator = await currentOperator(req, auth);
    if (!operator) throw unauthenticated(req.session?.adminUser === undefined ? undefined : 'Your session has ended.');
    res.locals.operator = operator;
    next();
  };
}

/** AdminJS pages: refreshes the session's operator; AdminJS itself redirects when there is none. */
export function refreshOperator({ auth }: { auth: OperatorAuth }): RequestHandler {
  return async (req, _res, next) => {
    if (!req.path.startsWith('/frontend/assets/')) await currentOperator(req, auth);
    next();
  };
}
