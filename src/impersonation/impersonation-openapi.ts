// What the OpenAPI document (src/http/openapi.ts) says about the impersonation routes beyond the
// route table: the start body (from the same zod schema the route validates with), the answers,
// and the problem codes. API.md's "Impersonation" section is extended here, as its preamble asks.
import { z } from 'zod/v4';
import { startBody } from './impersonation-routes.js';
import { MAX_MINUTES } from './impersonation-types.js';

type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** Operation fields by route key, merged over the generated ones. */
export const IMPERSONATION_OPERATIONS: Record<string, Json> = {
  'POST /api/impersonations': {
    description: `\`reason\` is a code from the list and \`note\` the free text (required); \`minutes\` defaults to 60, at most ${MAX_MINUTES}. `
      + 'The target is a customer user of the installed pack, never an operator. The session gets a new id; while it runs every request is audited '
      + 'with both identities, writes are refused (`impersonation_read_only`) except actions whose policy sets `allowDuringImpersonation`, '
      + 'and lists are scoped to the customer\'s organization.',
    requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(startBody, { io: 'input', unrepresentable: 'any' }) } } },
    responses: {
      201: { description: '`{ id, expiresAt, startedAt, targetUserId, targetOrgId, reasonCode, ticketId, remainingSeconds, readOnly, target }`' },
      401: problem('Not logged in, or `step_up_required`: POST /api/session/step-up with a fresh code, then retry.'),
      403: problem('`forbidden` without user.impersonate; `impersonation_target_forbidden` for an operator\'s account.'),
      404: problem('No such customer user.'),
      409: problem('`impersonation_active`: one is already running (they do not nest).'),
      422: problem('`validation_failed`: e.g. more than 240 minutes, a reason outside the list.'),
    },
  },
  'GET /api/impersonations/current': {
    responses: { 200: { description: '`{ impersonation: null | { id, expiresAt, remainingSeconds, target: { id, email, name, orgId, orgName }, ... } }`' } },
  },
  'DELETE /api/impersonations/{id}': {
    responses: { 200: { description: '`{ id, endedAt, endReason }`; the session gets a new id.' }, 404: problem('Not one of the caller\'s impersonations.') },
  },
  'POST /api/impersonations/{id}/token': {
    description: 'An ES256 JWT for the customer-facing app: `sub` the customer user id, `act: { sub: "operator:<id>" }` (RFC 8693), `imp` the impersonation id, '
      + '`aud`/`iss` from IMPERSONATION_JWT_AUDIENCE/ISSUER, at most 5 minutes and never past the impersonation\'s expiry. Verify with GET /.well-known/jwks.json.',
    responses: {
      200: { description: '`{ token, tokenType: "Bearer", expiresAt, impersonationId }` (Cache-Control: no-store)' },
      404: problem('Not the impersonation running in this session.'),
      503: problem('`impersonation_tokens_unavailable`: no signing key configured.'),
    },
  },
  'GET /api/impersonations/tenants': {
    parameters: [{ name: 'q', in: 'query', required: false, schema: { type: 'string', maxLength: 200 }, description: 'Name or domain fragment, or an organization id; without it, the last five tenants used.' }],
    responses: { 200: { description: '`{ items: [{ id, name, domain, status, users: [{ id, email, name }] }], isRecent }`' } },
  },
};
