// The moments a session's privileges change, the same on both faces: a login (a new session id, so
// an id planted before it is worthless), and the completion of MFA enrolment (a new id again: the
// enrolment-only session is not the one that carries the operator's permissions).
import type { Request } from 'express';
import type { OperatorPrincipal } from './operator-auth.js';
import { markSteppedUp } from './step-up.js';
import { AppError } from '../http/errors.js';

type SessionRequest = Pick<Request, 'session' | 'ip' | 'get'>;

const regenerate = (req: SessionRequest) =>
  new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));

/** What an enrolment-only session carries: who it is, and no permission at all. */
export const withoutPermissions = (operator: OperatorPrincipal): OperatorPrincipal => ({ ...operator, permissions: [] });

export const mfaEnrolmentRequired = () =>
  new AppError({
    status: 403, code: 'mfa_enrolment_required', title: 'Set up two-factor authentication first',
    detail: 'This session may only enrol an authenticator: POST /api/session/mfa/enrol, then POST /api/session/mfa/confirm with { "totp" }.',
  });

/** Opens the operator's session on this request: a fresh id, the login time, and what was proved. */
export async function startOperatorSession(
  req: SessionRequest,
  { operator, isMfaPending, hasSecondFactor, now = Date.now() }: { operator: OperatorPrincipal; isMfaPending: boolean; hasSecondFactor: boolean; now?: number },
): Promise<OperatorPrincipal> {
  await regenerate(req);
  const principal = isMfaPending ? withoutPermissions(operator) : operator;
  req.session.adminUser = principal;
  req.session.loginAt = now;
  if (isMfaPending) req.session.mfaPending = true;
  // A code typed at login is as fresh as one typed for a step-up.
  if (hasSecondFactor) markSteppedUp(req, now);
  if (req.ip) req.session.ip = req.ip.slice(0, 64);
  const userAgent = req.get('user-agent');
  if (userAgent) req.session.userAgent = userAgent.slice(0, 300);
  return principal;
}

/** The authenticator is confirmed: the same login continues under a new id, with its permissions. */
export async function completeMfaEnrolment(req: SessionRequest, operator: OperatorPrincipal, now = Date.now()): Promise<void> {
  const { loginAt, ip, userAgent } = req.session;
  await regenerate(req);
  req.session.adminUser = operator;
  req.session.loginAt = loginAt ?? now;
  if (ip) req.session.ip = ip;
  if (userAgent) req.session.userAgent = userAgent;
  markSteppedUp(req, now);
}
