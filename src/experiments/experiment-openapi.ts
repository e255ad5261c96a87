// What the OpenAPI document (src/http/openapi.ts) says about the experiment routes beyond the route
// table: the bodies (from the same zod schemas the routes validate with), the answers, the problem
// codes. API.md's "Flags and experiments" section is extended here, as its preamble asks.
import { z } from 'zod/v4';
import { eventBatchSchema, MAX_BATCH_EVENTS } from './event-batch.js';
import { defineExperimentBody } from './experiment-types.js';
import { rolloutWinnerBody } from './winner-rollout.js';

type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } } });

const view = '`{ experiment: { key, name, description, status, alpha, minSamplePerVariant, srmAlpha, variants: [{ name, weight, isControl, effectiveWeight }], '
  + 'weightsSource, createdAt, updatedAt, startedAt, concludedAt, unleash, warnings } }`';

/** Operation fields by route key, merged over the generated ones. */
export const EXPERIMENT_OPERATIONS: Record<string, Json> = {
  'GET /api/experiments': {
    parameters: [
      { name: 'status', in: 'query', schema: { type: 'string', enum: ['draft', 'running', 'paused', 'concluded'] } },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'cursor', in: 'query', schema: { type: 'string' } },
    ],
    responses: { 200: { description: '`{ items: [experiment], nextCursor }`, newest first.' } },
  },
  'GET /api/experiments/{key}': {
    description: '`unleash` is the flag as the in-process client holds it (enabled, type, variants with weights), or `{ isKnown: false }`; `warnings` name where it and the experiment disagree.',
    responses: { 200: { description: view }, 404: problem('No such experiment.') },
  },
  'PUT /api/experiments/{key}': {
    description: 'Creates the experiment (its key is the Unleash flag name) or changes the fields given. A new one needs `variants` '
      + '(2 to 20, exactly one `isControl`; weights on all or none: none means the Unleash flag\'s strategy variant weights). '
      + 'Status: draft -> running | concluded; running <-> paused; running | paused -> concluded (final). Variants change only in draft. Audited '
      + '(`experiment.create`, `experiment.update`).',
    requestBody: body(defineExperimentBody),
    responses: {
      200: { description: `Changed: ${view}` },
      201: { description: `Created: ${view}` },
      409: problem('`invalid_transition`, `experiment_started` (variants after the start), `experiment_concluded`.'),
      422: problem('`validation_failed`: e.g. no control, weights on some variants only, a new experiment without variants.'),
    },
  },
  'POST /api/experiments/{key}/events': {
    description: `Up to ${MAX_BATCH_EVENTS.toLocaleString('en')} events (body up to 4 MB), stored whole or not at all. Idempotent per (experiment, event id): `
      + 'a replayed id adds nothing. A user\'s first exposure decides their variant (in a batch, the earliest `at`); an exposure to another '
      + 'variant later is counted as a conflict, never as a second exposure. A user counts as converted once, in the variant of their exposure, '
      + 'whether the conversion arrives before or after it; conversions of users never exposed are stored but not counted. Accepted while '
      + 'running or paused. Client apps post with an API token of scope `experiments:ingest` (`Authorization: Bearer <token>`; no Origin '
      + 'check, the cookie is ignored); operators with their session and `experiment.ingest`.',
    security: [{ apiToken: [] }, { session: [] }],
    requestBody: body(eventBatchSchema),
    responses: {
      200: { description: '`{ received, accepted, duplicates }`: accepted events were new; duplicates were replays (or repeated ids in the batch).' },
      404: problem('No such experiment.'),
      409: problem('`experiment_not_running` (a draft), `experiment_concluded`.'),
      413: problem('`payload_too_large`: over 4 MB.'),
      422: problem('`validation_failed`, naming the first bad event (`events.12.variant: ...`); nothing of the batch is stored.'),
    },
  },
  'GET /api/experiments/{key}/results': {
    description: 'Per variant: exposed users, converted users, conversion events and value, conflicts, the rate with its 95% Wilson interval, '
      + 'and against control the difference (Wald interval), relative lift (Katz log interval), pooled two-sided z-test p-value and its '
      + 'Bonferroni-adjusted value. `srm`: chi-square goodness of fit of exposures against the weights (mismatch below `srmAlpha`, default 0.001). '
      + '`winner` only when an adjusted p < alpha, every variant has `minSamplePerVariant` exposed users and there is no SRM; else `reasons`.',
    responses: { 200: { description: '`{ experiment, confidence, alpha, correction, variants: [...], srm, winner, reasons, computedAt }`' }, 404: problem('No such experiment.') },
  },
  'POST /api/experiments/{key}/rollout-winner': {
    description: 'When the results declare a winner, submits the `flag.change` action for the experiment\'s flag (kind `variants`: the winner '
      + '1000, every other variant 0, in `environment`, default development) with reason `experiment_winner`: checked against Unleash, then '
      + 'stored as an approval request that a second operator holding `flag.change` approves (docs/adr/0013-flag-change-requests.md). '
      + 'Needs an `Idempotency-Key` header, like every action.',
    parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 255 } }],
    requestBody: body(rolloutWinnerBody),
    responses: {
      202: { description: '`{ approval }`: the pending flag change request with its exact payload.' },
      403: problem('`forbidden`: the caller lacks `flag.change`.'),
      404: problem('No such experiment.'),
      409: problem('`no_winner` (with the results\' `reasons`); nothing is stored.'),
      422: problem('`validation_failed`: Unleash has no such flag, environment or variants (nothing is stored).'),
      503: problem('`unleash_unavailable`: the flag could not be read from Unleash; nothing is stored.'),
    },
  },
};
