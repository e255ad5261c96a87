// Step-up: the logged-in operator proves a fresh code (TOTP, or a recovery code) and the session is
// marked (src/auth/step-up.ts) for the next few minutes. The same service answers
// POST /api/session/step-up, the backoffice's action forms and the role editor. Failed codes count
// against the same hourly limits as failed logins: a stolen session cannot guess codes forever.
import type { SessionData } from 'express-session';
import { AppError, validationFailed } from '../http/errors.js';
import { currentRequest } from '../http/request-context.js';
import type { OperatorPrincipal } from './operator-auth.js';
import type { MfaService, SecondFactor } from './mfa-service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SessionAudit } from './session-audit.js';
import { markSteppedUp, STEP_UP_MAX_AGE_MS } from './step-up.js';
import { mfaEnrolmentRequired } from './session-lifecycle.js';
import { takeAttempt, tooManyAttempts } from './login-service.js';

export type StepUpOutcome =
  | { kind: 'ok'; validUntil: Date }
  | { kind: 'refused'; error: AppError }
  | { kind: 'locked_out'; retryAfterSeconds: number; error: AppError };

const codeRefused = (code: string, detail: string) => new AppError({ status: 401, code, title: 'Code not accepted', detail });

export function createStepUpService({ mfa, throttle, sessionAudit }: { mfa: MfaService; throttle: LoginThrottle; sessionAudit: SessionAudit }) {
  async function verify({ session, operator, factor }: {
    /** The request's session (an AdminJS request carries the same object as Express's). */
    session: Partial<SessionData>;
    operator: OperatorPrincipal;
    factor: SecondFactor;
  }): Promise<StepUpOutcome> {
    if (!factor.totp && !factor.recoveryCode) {
      return { kind: 'refused', error: validationFailed('totp: enter the current code from your authenticator app (or recoveryCode).') };
    }
    // Without an authenticator there is nothing to prove (MFA_REQUIRED=false): enrol one first.
    if (!(await mfa.isEnrolled(operator.id))) return { kind: 'refused', error: mfaEnrolmentRequired() };
    const keys = { email: operator.email, ip: currentRequest()?.ip ?? null };
    const gate = await takeAttempt({ throttle, sessionAudit, keys });
    if (gate.kind === 'locked') {
      return { kind: 'locked_out', retryAfterSeconds: gate.retryAfterSeconds, error: tooManyAttempts(gate.retryAfterSeconds) };
    }
    const check = await mfa.verify(operator.id, factor);
    if (check.kind !== 'ok') {
      if (check.kind === 'replayed') await sessionAudit.codeReplayed({ operator, method: check.method, during: 'step_up' });
      await sessionAudit.steppedUp({ operator, isValid: false, how: check.kind });
      return {
        kind: 'refused',
        error: check.kind === 'replayed'
          ? codeRefused('code_already_used', 'That code was already used; wait for the next one from your authenticator app.')
          : codeRefused('invalid_code', 'That code is not valid; enter the current code from your authenticator app.'),
      };
    }
    await throttle.succeeded(keys);
    if (check.method === 'recovery_code') await sessionAudit.recoveryCodeUsed({ operator, left: check.recoveryCodesLeft });
    await sessionAudit.steppedUp({ operator, isValid: true, how: check.method });
    const now = Date.now();
    markSteppedUp({ session: session as never }, now);
    return { kind: 'ok', validUntil: new Date(now + STEP_UP_MAX_AGE_MS) };
  }

  return { verify };
}

export type StepUpService = ReturnType<typeof createStepUpService>;
