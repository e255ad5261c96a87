import type { RequestHandler } from 'express';
import { unauthenticated } from '../http/errors.js';
import type { OperatorAuth } from './operator-auth.js';

// Reloads the operator on every request, so a disabled operator or a role change takes effect on
// their next request rather than their next login.
export function requireOperator({ auth }: { auth: OperatorAuth }): RequestHandler {
  return async (req, res, next) => {
    const sessionOperator = req.session?.adminUser;
    if (!sessionOperator) throw unauthenticated();
    const operator = await auth.loadPrincipal(sessionOperator.id);
    if (!operator) {
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      throw unauthenticated('Your session has ended.');
    }
    req.session.adminUser = operator;
    res.locals.operator = operator;
    next();
  };
}
