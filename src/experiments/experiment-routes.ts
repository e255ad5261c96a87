// The experiments API (../shared/API.md "Flags and experiments", extended in
// src/experiments/experiment-openapi.ts): list, read, define (PUT), ingest events, results. Each
// route only translates HTTP to the service; the guards come from the route table.
import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod/v4';
import type { RouteAccess } from '../rbac/require-permission.js';
import { parseOr422 } from '../http/validation.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ApiTokenPrincipal } from '../auth/api-tokens/api-token-service.js';
import { externalActor } from '../audit/external-actor.js';
import { defineExperimentBody, EXPERIMENT_STATUSES } from './experiment-types.js';
import type { ExperimentService } from './experiment-service.js';

const listQuery = z.strictObject({
  status: z.enum(EXPERIMENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

/** Where event batches are posted, relative to the API root. */
export const EXPERIMENT_EVENTS_PATH = '/experiments/:key/events';

/** Whether an API-relative path is an events route (bearer tokens are taken there: no Origin check). */
export const isExperimentEventsPath = (path: string): boolean => /^\/experiments\/[^/]+\/events\/?$/.test(path);

/**
 * The JSON parser for event batches, mounted on EXPERIMENT_EVENTS_PATH before the API's own (1 MB):
 * 10,000 events take about 1.5 MB. The API's parser then finds the body parsed and steps aside.
 */
export const experimentEventsJson = express.json({ limit: '4mb' });

export function createExperimentRoutes({ experiments, access, ingestAccess }: {
  experiments: ExperimentService;
  access: RouteAccess;
  /** The events route's guard when client apps may post with a token (src/auth/api-tokens/bearer-auth.ts); the session guard otherwise. */
  ingestAccess?: RequestHandler;
}): Router {
  const router = Router();
  const operatorOf = (res: Response) => res.locals.operator as OperatorPrincipal;

  router.get('/experiments', ...access('GET /api/experiments'), async (req, res) => {
    res.json(await experiments.list(parseOr422(listQuery, req.query, { where: 'query' })));
  });

  router.get('/experiments/:key', ...access('GET /api/experiments/:key'), async (req, res) => {
    res.json({ experiment: await experiments.get(String(req.params.key)) });
  });

  router.put('/experiments/:key', ...access('PUT /api/experiments/:key'), async (req, res) => {
    const body = parseOr422(defineExperimentBody, req.body ?? {});
    const { experiment, isNew } = await experiments.define({ key: String(req.params.key), body, operator: operatorOf(res) });
    res.status(isNew ? 201 : 200).json({ experiment });
  });

  router.post(EXPERIMENT_EVENTS_PATH, ...(ingestAccess ? [ingestAccess] : access('POST /api/experiments/:key/events')), async (req, res) => {
    const token = res.locals.apiToken as ApiTokenPrincipal | undefined;
    const caller = token ? { actor: externalActor('token', String(token.id)) } : { operator: operatorOf(res) };
    res.json(await experiments.ingest({ key: String(req.params.key), body: req.body, ...caller }));
  });

  router.get('/experiments/:key/results', ...access('GET /api/experiments/:key/results'), async (req, res) => {
    res.json(await experiments.results(String(req.params.key)));
  });

  return router;
}
