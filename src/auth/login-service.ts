// One login, for both faces (POST /api/session and the backoffice's login form):
//   1. the throttle takes the attempt (per account and per address), or refuses it: locked out;
//   2. the password (a dummy verify for unknown emails: same work, same answer);
//   3. the second factor, for an operator with a confirmed authenticator: a TOTP code or a recovery
//      code, each accepted once; without one, MFA_REQUIRED gives an enrolment-only session;
//   4. the outcome is audited and a success gives the throttle its attempt back.
// Every failure is the same answer to the caller (`failed`): a wrong password, an unknown email, a
// missing, wrong or replayed code. Saying "code required" after a right password would tell a
// guesser that the password is right without the second factor ever being known.
import { AppError } from '../http/errors.js';
import type { OperatorAuth, OperatorPrincipal } from './operator-auth.js';
import type { MfaService, SecondFactor } from './mfa-service.js';
import type { Gate, LoginThrottle, ThrottleKeys } from './login-throttle.js';
import type { SessionAudit } from './session-audit.js';

export type LoginAttempt = { email: string; password: string; ip: string | null } & SecondFactor;

export type LoginOutcome =
  | { kind: 'ok'; operator: OperatorPrincipal; isMfaPending: boolean; hasSecondFactor: boolean }
  | { kind: 'failed' }
  | { kind: 'locked_out'; retryAfterSeconds: number };

/** 429 problem+json for a locked account or address (the caller sets Retry-After). */
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError({
    status: 429, code: 'rate_limited', title: 'Too many failed attempts',
    detail: `Too many failed attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`,
  });

/** Takes one attempt from the throttle; the attempt that locks an account or address is audited. */
export async function takeAttempt({ throttle, sessionAudit, keys }: { throttle: LoginThrottle; sessionAudit: SessionAudit; keys: ThrottleKeys }): Promise<Gate> {
  const gate = await throttle.take(keys);
  if (gate.kind === 'locked') {
    for (const scope of gate.newlyLocked) {
      await sessionAudit.lockedOut({ email: keys.email, ip: keys.ip, scope, limit: throttle.limits[scope], retryAfterSeconds: gate.retryAfterSeconds });
    }
  }
  return gate;
}

export function createLoginService({ auth, mfa, throttle, sessionAudit, isMfaRequired }: {
  auth: OperatorAuth;
  mfa: MfaService;
  throttle: LoginThrottle;
  sessionAudit: SessionAudit;
  /** MFA_REQUIRED: an operator without an authenticator may only enrol one. */
  isMfaRequired: boolean;
}) {
  async function login(attempt: LoginAttempt): Promise<LoginOutcome> {
    const email = attempt.email.trim().toLowerCase();
    const keys = { email, ip: attempt.ip };

    // ---- 1. throttle
    const gate = await takeAttempt({ throttle, sessionAudit, keys });
    if (gate.kind === 'locked') return { kind: 'locked_out', retryAfterSeconds: gate.retryAfterSeconds };

    // ---- 2. password
    const operatorId = await auth.checkPassword({ email, password: attempt.password });
    const operator = operatorId === null ? null : await auth.loadPrincipal(operatorId);
    if (!operator) {
      await sessionAudit.login({ email, operator: null, how: 'wrong email or password' });
      return { kind: 'failed' };
    }

    // ---- 3. second factor
    let how = 'mfa_not_required';
    let isMfaPending = false;
    if (await mfa.isEnrolled(operator.id)) {
      const check = await mfa.verify(operator.id, attempt);
      if (check.kind !== 'ok') {
        if (check.kind === 'replayed') await sessionAudit.codeReplayed({ operator, method: check.method, during: 'login' });
        await sessionAudit.login({ email, operator: null, how: check.kind === 'missing' ? 'right password, no code' : `right password, ${check.kind} code` });
        return { kind: 'failed' };
      }
      how = check.method;
      if (check.method === 'recovery_code') await sessionAudit.recoveryCodeUsed({ operator, left: check.recoveryCodesLeft });
    } else if (isMfaRequired) {
      how = 'mfa_enrolment_required';
      isMfaPending = true;
    }

    // ---- 4. success
    await throttle.succeeded(keys);
    await auth.recordLogin(operator.id);
    await sessionAudit.login({ email, operator, how });
    return { kind: 'ok', operator, isMfaPending, hasSecondFactor: how === 'totp' || how === 'recovery_code' };
  }

  return { login };
}

export type LoginService = ReturnType<typeof createLoginService>;
