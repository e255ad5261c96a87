// What the OpenAPI document (src/http/openapi.ts) says about the API token routes beyond the route
// table, and the bearer scheme client apps use on the routes that take tokens.
import { z } from 'zod/v4';
import { createTokenBody } from './api-token-routes.js';

type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const view = '`{ id, name, prefix, scope, createdById, createdAt, lastUsedAt, revokedAt, revokedById }`';

/** The security scheme of bearer-token calls (components.securitySchemes.apiToken). */
export const API_TOKEN_SECURITY_SCHEME = {
  type: 'http', scheme: 'bearer',
  description: 'An API token (`odt_...`) from POST /api/tokens or `npm run operator -- token create`, sent as `Authorization: Bearer <token>`. '
    + 'Accepted only by routes that say so, with the scope they name; 401 `invalid_token` (unknown or revoked), 403 `insufficient_scope`.',
};

/** Operation fields by route key, merged over the generated ones. */
export const API_TOKEN_OPERATIONS: Record<string, Json> = {
  'GET /api/tokens': { responses: { 200: { description: `\`{ items: [${view}] }\`, newest first (revoked ones too). Never the token.` } } },
  'POST /api/tokens': {
    description: 'Creates a token for a machine client. The answer carries the token itself, once: only its sha256 is stored. Audited (`api_token.create`).',
    requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(createTokenBody, { io: 'input' }) } } },
    responses: { 201: { description: `\`{ token, apiToken: ${view} }\`` }, 422: problem('`validation_failed`: no name, an unknown scope.') },
  },
  'DELETE /api/tokens/{id}': {
    description: 'Revokes the token: its next call gets 401 `invalid_token`. The row stays. Audited (`api_token.revoke`).',
    responses: { 200: { description: `\`{ apiToken: ${view} }\`` }, 404: problem('No such token.'), 409: problem('`already_revoked`.') },
  },
};
