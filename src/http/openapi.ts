// GET /api/openapi.json: the API contract (../shared/API.md) as an OpenAPI 3.1 document, built from
// the same tables the server enforces: the route table with each route's permission
// (src/rbac/api-routes.ts) and every installed action's input schema, reason codes and policy. The
// extensions opsdeck adds to the contract (filters, headers, problem codes) are written here.
import { Router } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { ApiRouteAccess } from '../rbac/api-routes.js';
import type { ActionDefinition } from '../actions/define-action.js';
import { describeAction } from '../actions/action-catalog.js';
import { IMPERSONATION_OPERATIONS } from '../impersonation/impersonation-openapi.js';
import { EXPERIMENT_OPERATIONS } from '../experiments/experiment-openapi.js';
import { API_TOKEN_OPERATIONS, API_TOKEN_SECURITY_SCHEME } from '../auth/api-tokens/api-token-openapi.js';
import { TIMELINE_OPERATIONS } from '../timeline/timeline-openapi.js';
import { DASHBOARD_OPERATIONS } from '../dashboard/dashboard-openapi.js';
import { pluginRouteOperation } from '../platform/plugin-routes.js';
import { SEARCH_OPERATIONS } from '../search/search-openapi.js';

type Json = Record<string, unknown>;

const problem: Json = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'correlationId'],
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    code: { type: 'string', description: 'Stable machine code: forbidden, validation_failed, idempotency_key_reused, idempotency_key_in_flight, idempotency_key_missing, approval_required, self_approval_forbidden, approval_expired, approval_denied, approval_payload_mismatch, run_not_retryable, not_found, conflict, invalid_credentials, rate_limited, step_up_required, mfa_enrolment_required, invalid_code, code_already_used, mfa_already_enrolled, csrf_failed, ip_not_allowed, or an action\'s refusal code (e.g. nothing_to_refund, already_frozen).' },
    correlationId: { type: ['string', 'null'] },
    runId: { type: 'string', description: 'On action failures: the failed run, listed in GET /api/runs?status=failed.' },
  },
};

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const idempotencyKey = { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 }, description: 'Scoped to (operator, action); kept at least 24 hours. The same key and body replays the first response byte for byte (with `Idempotent-Replayed: true`).' };

const ACTION_RESPONSES = {
  200: { description: 'Done: `{ "run": { "id", "status": "succeeded", "result" } }`.' },
  202: { description: 'The policy requires approval: `{ "approval": { "id", "status": "pending", "payload", "payloadHash", ... } }`.' },
  400: problemResponse('Idempotency-Key missing or malformed.'),
  401: problemResponse('Not logged in.'),
  403: problemResponse('The action\'s permission is missing (the denial is audited).'),
  404: problemResponse('No such action.'),
  409: problemResponse('The same key is still in flight, or the action refused (a typed outcome with its own code).'),
  422: problemResponse('Invalid body, input or reason code; or the same key with another body (`idempotency_key_reused`).'),
  500: problemResponse('Failed and changed nothing; the key is released, so retrying with it runs again.'),
};

export function buildOpenApi({ routes, actions, extraPaths = {} }: {
  routes: readonly ApiRouteAccess[];
  actions: ActionDefinition[];
  /** Path items built elsewhere, e.g. the packs' webhooks (src/platform/plugin-webhooks.ts). */
  extraPaths?: Record<string, Record<string, Json>>;
}): Json {
  const paths: Record<string, Record<string, Json>> = {
    '/api/session': {
      post: {
        summary: 'Log in (sets the session cookie): `{ email, password, totp }`, or `recoveryCode` instead of `totp`. Without an authenticator yet (and MFA_REQUIRED), the session may only enrol one (`mfa.isEnrolmentRequired`).',
        security: [],
        responses: {
          200: { description: 'The operator' },
          401: problemResponse('`invalid_credentials`: wrong email, password or code, one answer for all.'),
          422: problemResponse('Invalid body.'),
          429: problemResponse('`rate_limited`: too many failed attempts on this account or from this address; see Retry-After.'),
        },
      },
      delete: { summary: 'Log out', responses: { 204: { description: 'Logged out' } } },
    },
  };
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    const operation: Json = {
      summary: route.summary,
      'x-permission': route.permission ?? 'none (any logged-in operator)',
      parameters,
      responses: { 200: { description: 'OK' }, 401: problemResponse('Not logged in.'), 403: problemResponse('Not permitted.') },
    };
    if (route.method === 'POST' && route.path.startsWith('/api/actions/')) {
      operation.parameters = [...parameters, idempotencyKey];
      operation.requestBody = { required: true, content: { 'application/json': { schema: { $ref: route.path.endsWith('/bulk') ? '#/components/schemas/BulkActionRequest' : '#/components/schemas/ActionRequest' } } } };
      const { 200: _done, ...asJob } = ACTION_RESPONSES;
      operation.responses = route.path.endsWith('/bulk') ? { ...asJob, 202: { description: '`{ "job": { "id" } }`; follow it with GET /api/jobs/{id}.' } } : ACTION_RESPONSES;
    }
    if (route.path === '/api/runs/:id/retry') operation.parameters = [...parameters, idempotencyKey];
    const key = `${route.method} ${path}`;
    const extension = IMPERSONATION_OPERATIONS[key] ?? EXPERIMENT_OPERATIONS[key] ?? API_TOKEN_OPERATIONS[key] ?? TIMELINE_OPERATIONS[key]
      ?? DASHBOARD_OPERATIONS[key] ?? SEARCH_OPERATIONS[key] ?? pluginRouteOperation(route);
    if (extension) {
      Object.assign(operation, extension, {
        parameters: [...parameters, ...((extension.parameters as Json[] | undefined) ?? [])],
        responses: { ...(operation.responses as Json), ...(extension.responses as Json | undefined) },
      });
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }

  Object.assign(paths, extraPaths);
  const described = actions.map(describeAction);
  return {
    openapi: '3.1.0',
    info: { title: 'opsdeck API', version: '1', description: 'The HTTP face of opsdeck (../shared/API.md). Errors are RFC 9457 problem+json; lists are keyset-paginated. Every POST, PUT, PATCH and DELETE: from a browser, its Origin must be this app\'s (else 403 `csrf_failed`); an operator may send OPERATOR_WRITE_LIMIT_PER_HOUR of them an hour (default 1000; then 429 `rate_limited` with Retry-After in seconds; the session endpoints are not counted). With IP_ALLOWLIST set, requests from other addresses get 403 `ip_not_allowed`.' },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'opsdeck.sid', description: 'Set by POST /api/session (`__Host-opsdeck.sid` behind TLS).' }, apiToken: API_TOKEN_SECURITY_SCHEME },
      schemas: {
        Problem: problem,
        ActionRequest: {
          type: 'object', required: ['target', 'reasonCode'], additionalProperties: false,
          properties: {
            target: { type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id: { type: 'string' } } },
            input: { type: 'object', description: 'The action\'s input: see x-actions.<id>.inputSchema.' },
            reasonCode: { type: 'string', description: 'One of the action\'s reason codes.' },
            note: { type: ['string', 'null'], maxLength: 2000 },
          },
        },
        BulkActionRequest: {
          type: 'object', required: ['targets', 'reasonCode'],
          properties: {
            targets: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id: { type: 'string' } } } },
            input: { type: 'object' }, reasonCode: { type: 'string' }, note: { type: ['string', 'null'], maxLength: 2000 },
          },
        },
      },
    },
    'x-actions': Object.fromEntries(described.map((a) => [a.id, a])),
  };
}

export function createOpenApiRoute({ document, access }: { document: Json; access: RouteAccess }): Router {
  const router = Router();
  router.get('/openapi.json', ...access('GET /api/openapi.json'), (_req, res) => {
    res.json(document);
  });
  return router;
}
