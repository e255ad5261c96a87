// The actions API (../shared/API.md "Actions"): the catalog of what the caller may run, the action
// endpoint, and runs with their retry. Each route only translates HTTP to the runner and back; the
// runner decides, audits and answers (replays carry the stored bytes and `Idempotent-Replayed`).
import { Router, type Response } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import { z } from 'zod/v4';
import { notFound } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import { can } from '../rbac/access.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActionResponse, ActionRunner } from './types.js';
import type { RunService } from './run-service.js';
import type { ActionStepUp } from '../auth/action-step-up.js';
import { actingOperator, impersonationOf } from '../impersonation/impersonation-context.js';

export function sendActionResponse(res: Response, response: ActionResponse): void {
  const isProblem = response.status >= 400;
  if (response.isReplay) res.set('Idempotent-Replayed', 'true');
  res.status(response.status).type(isProblem ? 'application/problem+json' : 'application/json').send(response.body);
}

const runListQuery = z.strictObject({
  status: z.enum(['succeeded', 'failed']).optional(),
  actionId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

const isUuid = (value: string) => z.uuid().safeParse(value).success;

export function createActionRoutes({ runner, runs, access, stepUp }: {
  runner: ActionRunner;
  runs: RunService;
  /** Guards by route key (src/rbac/api-routes.ts); each action also checks its own permission in the runner. */
  access: RouteAccess;
  /** Actions marked stepUp need a fresh code, checked before the runner is called (src/auth/action-step-up.ts). */
  stepUp: Pick<ActionStepUp, 'check' | 'forActionParam'>;
}): Router {
  const router = Router();
  const operatorOf = (res: Response) => res.locals.operator as OperatorPrincipal;

  router.get('/actions', ...access('GET /api/actions'), (_req, res) => {
    res.json({ items: runner.listFor(operatorOf(res)) });
  });

  router.post('/actions/:actionId', ...access('POST /api/actions/:actionId'), stepUp.forActionParam, async (req, res) => {
    // While impersonating, the run, its audit rows and any approval request carry the customer too.
    const response = await runner.submit({
      actionId: String(req.params.actionId), operator: actingOperator(operatorOf(res), impersonationOf(res)), idempotencyKey: req.get('idempotency-key'), body: req.body,
    });
    sendActionResponse(res, response);
  });

  router.get('/runs', ...access('GET /api/runs'), async (req, res) => {
    const query = parseOr422(runListQuery, req.query, { where: 'query' });
    const operator = operatorOf(res);
    res.json(await runs.list({ ...query, operatorId: can(operator, 'run.read') ? undefined : operator.id }));
  });

  router.get('/runs/:id', ...access('GET /api/runs/:id'), async (req, res) => {
    const id = String(req.params.id);
    const run = isUuid(id) ? await runs.get(id) : null;
    const operator = operatorOf(res);
    // Someone else's run is "not found" to an operator who may not see it: ids do not leak.
    if (!run || (run.operatorId !== operator.id && !can(operator, 'run.read'))) throw notFound(`No run ${id}.`);
    res.json({ run });
  });

  router.post('/runs/:id/retry', ...access('POST /api/runs/:id/retry'), async (req, res) => {
    const operator = operatorOf(res);
    const isVisible = (run: { operatorId: number }) => run.operatorId === operator.id || can(operator, 'run.read');
    // A retry runs the action again: one marked stepUp needs the fresh code here too.
    const retried = isUuid(String(req.params.id)) ? await runs.get(String(req.params.id)) : null;
    if (retried && isVisible(retried)) stepUp.check(req, operator, retried.actionId);
    const response = await runs.retry({ runId: String(req.params.id), operator, idempotencyKey: req.get('idempotency-key'), isVisible });
    sendActionResponse(res, response);
  });

  return router;
}
