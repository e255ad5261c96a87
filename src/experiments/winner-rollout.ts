// "Declaring a winner can raise a flag change request to roll the winner out to 100%" (issue 6):
// POST /api/experiments/{key}/rollout-winner submits the core `flag.change` action (kind variants:
// the winner 1000, every other variant 0) for the experiment's flag through the runner, so it is
// checked against Unleash, stored as a pending approval request and applied once a second person
// approves, like any other flag change. Only when the results declare a winner: otherwise 409
// `no_winner` with the results' reasons, and nothing is stored. The backoffice's experiment page
// calls this same route.
import { Router, type Response } from 'express';
import { z } from 'zod/v4';
import { AppError } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActionRunner } from '../actions/types.js';
import { sendActionResponse } from '../actions/action-routes.js';
import { problemResponse } from '../actions/action-errors.js';
import { FLAG_CHANGE_ACTION, FLAG_ENTITY } from '../flags/flag-change-action.js';
import { TOTAL_WEIGHT } from '../flags/flag-change.js';
import type { ExperimentService } from './experiment-service.js';

/** The environment the in-process client reads (boot's client token), unless the request names another. */
export const DEFAULT_ROLLOUT_ENVIRONMENT = 'development';

export const rolloutWinnerBody = z.strictObject({
  environment: z.string().trim().min(1).max(100).default(DEFAULT_ROLLOUT_ENVIRONMENT),
  note: z.string().max(2000).nullish(),
});

const noWinner = (key: string, reasons: string[]) =>
  new AppError({
    status: 409, code: 'no_winner', title: 'No winner declared',
    detail: `Experiment ${key} declares no winner yet; nothing was requested.`, extensions: { reasons },
  });

/** The flag change that rolls `winner` out to everyone who gets a variant. */
export const winnerWeights = (variants: readonly string[], winner: string): Record<string, number> =>
  Object.fromEntries(variants.map((name) => [name, name === winner ? TOTAL_WEIGHT : 0]));

export function createWinnerRolloutRoutes({ experiments, runner, access }: {
  experiments: Pick<ExperimentService, 'results'>;
  runner: Pick<ActionRunner, 'submit'>;
  access: RouteAccess;
}): Router {
  const router = Router();

  router.post('/experiments/:key/rollout-winner', ...access('POST /api/experiments/:key/rollout-winner'), async (req, res: Response) => {
    const key = String(req.params.key);
    const { environment, note } = parseOr422(rolloutWinnerBody, req.body ?? {});
    const results = await experiments.results(key);
    if (!results.winner) {
      sendActionResponse(res, problemResponse(noWinner(key, results.reasons)));
      return;
    }
    const response = await runner.submit({
      actionId: FLAG_CHANGE_ACTION,
      operator: res.locals.operator as OperatorPrincipal,
      idempotencyKey: req.get('idempotency-key'),
      body: {
        target: { type: FLAG_ENTITY, id: key },
        input: { kind: 'variants', environment, weights: winnerWeights(results.variants.map((v) => v.name), results.winner) },
        reasonCode: 'experiment_winner',
        note: note?.trim() || `Roll out ${results.winner}, the winner of experiment ${key}, to 100%.`,
      },
    });
    sendActionResponse(res, response);
  });

  return router;
}
