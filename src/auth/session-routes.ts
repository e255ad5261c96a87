// POST/GET/DELETE /api/session (../shared/API.md "Session").
import { Router } from 'express';
import { z } from 'zod';
import { AppError, validationFailed } from '../http/errors.js';
import type { OperatorAuth } from './operator-auth.js';
import type { SessionAudit } from './session-audit.js';
import { requireOperator } from './require-operator.js';

const loginBody = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
  totp: z.string().max(16).optional(),
});

const invalidCredentials = () =>
  new AppError({ status: 401, code: 'invalid_credentials', title: 'Login failed', detail: 'Wrong email or password.' });

export function createSessionRoutes({ auth, cookieName, sessionAudit }: { auth: OperatorAuth; cookieName: string; sessionAudit: SessionAudit }): Router {
  const router = Router();

  router.post('/session', async (req, res) => {
    const body = loginBody.safeParse(req.body ?? {});
    if (!body.success) {
      const issue = body.error.issues[0];
      throw validationFailed(`${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const operator = await auth.authenticate(body.data);
    await sessionAudit.login({ email: body.data.email, operator });
    if (!operator) throw invalidCredentials();
    // A fresh session id at login: an id planted before login is worthless afterwards.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.adminUser = operator;
    res.json({ operator, impersonation: null });
  });

  router.get('/session', requireOperator({ auth }), (_req, res) => {
    res.json({ operator: res.locals.operator, impersonation: res.locals.impersonation ?? null });
  });

  router.delete('/session', async (req, res, next) => {
    const operator = req.session?.adminUser;
    if (operator) await sessionAudit.logout(operator);
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie(cookieName, { path: '/' });
      res.status(204).end();
    });
  });

  return router;
}
