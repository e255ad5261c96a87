// Runs on every request of both faces, after the session is loaded. Without an impersonation in
// the session it costs nothing. With one, per request: the operator's principal and the
// impersonation's row are read (two indexed lookups), and then
//   - if the row has ended, expired or the operator may no longer impersonate: it is ended (audited)
//     and the session gets a new id without it; a read goes on as the operator's own, a write is
//     refused (409 `impersonation_ended`, nothing ran) so that nothing meant for the customer's
//     view runs as something else;
//   - otherwise one audit row names both identities and the impersonation (reads too), the
//     read-only gate decides, and the request runs with res.locals.impersonation and the
//     impersonation context (AdminJS tenant scoping, the actor of allowed actions).
// The backoffice's static assets carry no customer data and are not audited.
import type { Request, RequestHandler, Response, NextFunction } from 'express';
import type { OperatorAuth } from '../auth/operator-auth.js';
import { conflict } from '../http/errors.js';
import { can } from '../rbac/access.js';
import { runWithImpersonation } from './impersonation-context.js';
import { activeView, isOpen, type ImpersonationService } from './impersonation-service.js';
import { impersonationReadOnly, type ReadOnlyGate } from './read-only-gate.js';
import { rotateSession } from './session-rotation.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const impersonationEnded = (reason: string) =>
  conflict('impersonation_ended', `Your impersonation has ended (${reason}); nothing was done. Send the request again to make it as yourself.`);

async function leave(req: Request, res: Response, next: NextFunction, reason: string): Promise<void> {
  if (req.session.adminUser) {
    await rotateSession(req, (session) => {
      delete session.impersonation;
    });
  } else {
    delete req.session.impersonation;
  }
  res.set('Impersonation-Ended', reason);
  if (!SAFE_METHODS.has(req.method)) throw impersonationEnded(reason);
  next();
}

export function createImpersonationMiddleware({ service, auth, gate, face, isLogout }: {
  service: ImpersonationService;
  auth: Pick<OperatorAuth, 'loadPrincipal'>;
  gate: ReadOnlyGate;
  /** Which face this guards: paths are below /api or below the backoffice's root. */
  face: 'api' | 'admin';
  /** Logging out (the face's logout request) ends the impersonation with it. */
  isLogout: (req: Request) => boolean;
}): RequestHandler {
  return async (req, res, next) => {
    const ref = req.session?.impersonation;
    if (!ref) return next();
    if (face === 'admin' && req.path.startsWith('/frontend/assets/')) return next();
    const now = new Date();
    const principal = await auth.loadPrincipal(ref.operatorId);

    // Another operator in this session (a new login), a disabled one, or one whose roles no longer
    // grant impersonation: the platform revokes it.
    if (!principal || req.session.adminUser?.id !== ref.operatorId || !can(principal, 'user.impersonate')) {
      await service.end({ id: ref.id, reason: 'revoked', operator: principal, now });
      return leave(req, res, next, 'revoked');
    }
    const row = await service.get(ref.id);
    if (!row || !isOpen(row, now)) {
      const ended = row && row.endedAt === null ? await service.end({ id: row.id, reason: 'expired', operator: principal, now }) : row;
      return leave(req, res, next, ended?.endReason ?? 'ended');
    }
    if (isLogout(req)) {
      await service.end({ id: row.id, reason: 'ended', operator: principal, now });
      delete req.session.impersonation;
      return next();
    }

    const impersonation = activeView(row);
    const isAllowed = face === 'api' ? gate.allowsApi(req.method, req.path) : gate.allowsAdmin(req.method, req.path);
    await service.recordRequest({ impersonation, operator: principal, method: req.method, url: req.originalUrl, isRefused: !isAllowed });
    if (!isAllowed) throw impersonationReadOnly();
    res.locals.impersonation = impersonation;
    runWithImpersonation(impersonation, next);
  };
}
