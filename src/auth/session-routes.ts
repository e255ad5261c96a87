// POST/GET/DELETE /api/session and POST /api/session/step-up (../shared/API.md "Session"). The
// login itself is the login service's; here only HTTP: the body, the session, the answer.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { AppError, validationFailed } from '../http/errors.js';
import type { OperatorAuth, OperatorPrincipal } from './operator-auth.js';
import type { SessionAudit } from './session-audit.js';
import { tooManyAttempts, type LoginService } from './login-service.js';
import type { StepUpOutcome, StepUpService } from './step-up-service.js';
import { requireOperator } from './require-operator.js';
import { startOperatorSession } from './session-lifecycle.js';

const code = z.string().trim().max(64);
const loginBody = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
  totp: code.optional(),
  recoveryCode: code.optional(),
});
const stepUpBody = z.object({ totp: code.optional(), recoveryCode: code.optional() });

const invalidCredentials = () =>
  new AppError({ status: 401, code: 'invalid_credentials', title: 'Login failed', detail: 'Wrong email, password or authentication code.' });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw validationFailed(`${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/** The outcome of a step-up as HTTP: 429 carries Retry-After. */
export function sendStepUp(res: Response, outcome: StepUpOutcome): void {
  if (outcome.kind === 'locked_out') res.set('Retry-After', String(outcome.retryAfterSeconds));
  if (outcome.kind !== 'ok') throw outcome.error;
  res.json({ stepUp: { validUntil: outcome.validUntil.toISOString() } });
}

export function createSessionRoutes({ auth, login, stepUp, cookieName, sessionAudit }: {
  auth: OperatorAuth;
  login: LoginService;
  stepUp: StepUpService;
  cookieName: string;
  sessionAudit: SessionAudit;
}): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const body = parse(loginBody, req.body);
    const outcome = await login.login({ ...body, ip: req.ip ?? null });
    if (outcome.kind === 'locked_out') {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      throw tooManyAttempts(outcome.retryAfterSeconds);
    }
    if (outcome.kind === 'failed') throw invalidCredentials();
    const operator = await startOperatorSession(req, outcome);
    res.json({ operator, impersonation: null, mfa: { isEnrolmentRequired: outcome.isMfaPending } });
  });

  router.get('/session', requireOperator({ auth, allowMfaPending: true }), (req, res) => {
    res.json({ operator: res.locals.operator, impersonation: res.locals.impersonation ?? null, mfa: { isEnrolmentRequired: req.session.mfaPending === true } });
  });

  router.post('/session/step-up', requireOperator({ auth }), async (req, res) => {
    const factor = parse(stepUpBody, req.body);
    sendStepUp(res, await stepUp.verify({ session: req.session, operator: res.locals.operator as OperatorPrincipal, factor }));
  });

  router.delete('/session', async (req, res, next) => {
    const operator = req.session?.adminUser;
    if (operator) await sessionAudit.logout(operator);
    if (!req.session) return res.status(204).end();
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(cookieName, { path: '/' });
      res.status(204).end();
    });
  });

  return router;
}
