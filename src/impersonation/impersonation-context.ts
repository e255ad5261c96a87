// The impersonation a request runs under, for code deep below the route that has no Express
// request at hand: AdminJS resources (tenant scoping), record-action handlers (the actor). The
// middleware (src/impersonation/impersonation-middleware.ts) sets it for the request's duration.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Response } from 'express';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActiveImpersonation } from './impersonation-types.js';

const storage = new AsyncLocalStorage<ActiveImpersonation>();

export function runWithImpersonation<T>(impersonation: ActiveImpersonation, fn: () => T): T {
  return storage.run(impersonation, fn);
}

/** The impersonation of the current request, if one is running. */
export function currentImpersonation(): ActiveImpersonation | undefined {
  return storage.getStore();
}

/** The impersonation of an API request (set by the middleware on res.locals). */
export function impersonationOf(res: Response): ActiveImpersonation | null {
  return (res.locals.impersonation as ActiveImpersonation | undefined) ?? null;
}

/**
 * The operator as the action runner and the approvals service see them: with the customer user
 * they are acting as, so runs, approval requests and audit rows carry both identities, and an
 * approver acting as the requester is refused.
 */
export function actingOperator(operator: OperatorPrincipal, impersonation: Pick<ActiveImpersonation, 'targetUserId'> | null | undefined): OperatorPrincipal & { impersonatedUserId: number | null } {
  return { ...operator, impersonatedUserId: impersonation?.targetUserId ?? null };
}
