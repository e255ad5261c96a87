// The authenticator of the logged-in operator (an enrolment-only session may use these):
//   GET  /api/session/mfa          whether one is set up, and how many recovery codes are left;
//   POST /api/session/mfa/enrol    a new secret, its otpauth:// URI and a QR code (data URL);
//   POST /api/session/mfa/confirm  { totp }: the first code confirms it; the ten recovery codes are
//                                  answered once, and the session continues under a new id.
import { Router } from 'express';
import { z } from 'zod';
import { AppError, validationFailed } from '../http/errors.js';
import { currentRequest } from '../http/request-context.js';
import type { OperatorAuth, OperatorPrincipal } from './operator-auth.js';
import type { MfaService } from './mfa-service.js';
import type { LoginThrottle } from './login-throttle.js';
import type { SessionAudit } from './session-audit.js';
import { requireOperator } from './require-operator.js';
import { completeMfaEnrolment } from './session-lifecycle.js';
import { takeAttempt, tooManyAttempts } from './login-service.js';

const confirmBody = z.object({ totp: z.string().trim().min(1).max(16) });

export function createMfaRoutes({ auth, mfa, throttle, sessionAudit, isMfaRequired }: {
  auth: OperatorAuth;
  mfa: MfaService;
  throttle: LoginThrottle;
  sessionAudit: SessionAudit;
  isMfaRequired: boolean;
}): Router {
  const router = Router();
  const enrolling = requireOperator({ auth, allowMfaPending: true });

  router.get('/session/mfa', enrolling, async (req, res) => {
    const { isEnrolled, recoveryCodesLeft } = await mfa.status((res.locals.operator as OperatorPrincipal).id);
    res.json({ isEnrolled, isRequired: isMfaRequired, isEnrolmentRequired: req.session.mfaPending === true, recoveryCodesLeft });
  });

  router.post('/session/mfa/enrol', enrolling, async (_req, res) => {
    const operator = res.locals.operator as OperatorPrincipal;
    res.json(await mfa.beginEnrolment({ operatorId: operator.id, email: operator.email }));
  });

  router.post('/session/mfa/confirm', enrolling, async (req, res) => {
    const parsed = confirmBody.safeParse(req.body ?? {});
    if (!parsed.success) throw validationFailed(`totp: ${parsed.error.issues[0].message}`);
    const operator = res.locals.operator as OperatorPrincipal;
    // Wrong codes here count like failed logins: an enrolment is no way around the limit.
    const keys = { email: operator.email, ip: currentRequest()?.ip ?? null };
    const gate = await takeAttempt({ throttle, sessionAudit, keys });
    if (gate.kind === 'locked') {
      res.set('Retry-After', String(gate.retryAfterSeconds));
      throw tooManyAttempts(gate.retryAfterSeconds);
    }
    const confirmed = await mfa.confirmEnrolment({ operatorId: operator.id, totp: parsed.data.totp });
    if (confirmed.kind === 'invalid') {
      throw new AppError({ status: 401, code: 'invalid_code', title: 'Code not accepted', detail: 'That code is not valid; enter the current code from your authenticator app.' });
    }
    await throttle.succeeded(keys);
    await sessionAudit.mfaEnrolled(operator);
    const principal = (await auth.loadPrincipal(operator.id)) ?? operator;
    await completeMfaEnrolment(req, principal);
    res.json({ operator: principal, recoveryCodes: confirmed.recoveryCodes });
  });

  return router;
}
