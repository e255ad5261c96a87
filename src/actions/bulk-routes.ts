// The bulk API (../shared/API.md "Actions"): start a job over many targets, and read its progress
// with a per-target outcome list. Translation only: the bulk service checks, stores and answers.
import { Router, type Response } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import { sendActionResponse } from './action-routes.js';
import type { BulkJobService } from './bulk-jobs.js';
import type { ActionStepUp } from '../auth/action-step-up.js';

export function createBulkRoutes({ bulk, access, stepUp }: {
  bulk: Pick<BulkJobService, 'submit' | 'get'>;
  /** Guards by route key (src/rbac/api-routes.ts); the action's own permission is checked by the bulk service. */
  access: RouteAccess;
  /** Actions marked stepUp need a fresh code, checked before the job is created (src/auth/action-step-up.ts). */
  stepUp: Pick<ActionStepUp, 'forActionParam'>;
}): Router {
  const router = Router();
  const operatorOf = (res: Response) => res.locals.operator as OperatorPrincipal;

  router.post('/actions/:actionId/bulk', ...access('POST /api/actions/:actionId/bulk'), stepUp.forActionParam, async (req, res) => {
    const response = await bulk.submit({
      actionId: String(req.params.actionId), operator: operatorOf(res), idempotencyKey: req.get('idempotency-key'), body: req.body,
    });
    sendActionResponse(res, response);
  });

  router.get('/jobs/:id', ...access('GET /api/jobs/:id'), async (req, res) => {
    res.json({ job: await bulk.get({ id: String(req.params.id), operator: operatorOf(res) }) });
  });

  return router;
}
