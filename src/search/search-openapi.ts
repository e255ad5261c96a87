// What the OpenAPI document (src/http/openapi.ts) says about the omnibox's routes beyond the route
// table: the query parameters, the answers, the problem codes (../shared/API.md "Search and
// entities", extended with matchKind, matchedOn, typeLabel, expand, links and recentEvents).
import { QUERY_MAX, QUERY_MIN } from './search-plan.js';
import { SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from './search-routes.js';

type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

const summary: Json = {
  type: 'object', required: ['type', 'id', 'title', 'summary', 'href'],
  properties: {
    type: { type: 'string', description: 'Entity type: order, checkout, shipment, payment, refund, customer_user, organization, listing, support_case, dispute, operator (and any pack\'s).' },
    id: { type: 'string' }, title: { type: 'string' }, summary: { type: 'string' },
    href: { type: 'string', description: 'The backoffice\'s show page.' },
  },
};
const link = { ...summary, required: [...(summary.required as string[]), 'relation'], properties: { ...(summary.properties as Json), relation: { type: 'string', description: 'e.g. checkout, payment, shipment, refund, buyer, seller, dispute, support_case' } } };

/** Operation fields by route key, merged over the generated ones. */
export const SEARCH_OPERATIONS: Record<string, Json> = {
  'GET /api/search': {
    description: 'The query\'s shape decides where it is looked up: digits as every serial id (order, checkout, customer, organization, listing, case, dispute, operator) '
      + 'and as the start of a tracking number; `pi_`/`ch_`/`re_` as payment and refund references (whole, or their start); an address as a customer\'s or operator\'s email '
      + '(whole, or its start); a word (3+ characters) inside emails and organization names. Exact matches come first, then prefix, then contains matches. '
      + 'Each entity type is searched only with its read permission, within the rows the operator may see (while impersonating: the customer\'s organization); '
      + 'personal data is masked without `pii.read`, and a partial match on personal data needs `pii.read`. The answer carries `Server-Timing: search;dur=<ms>`.',
    parameters: [
      { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: QUERY_MIN, maxLength: QUERY_MAX }, description: 'Trimmed; inner white space collapsed; no control characters.' },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: SEARCH_LIMIT_MAX, default: SEARCH_LIMIT_DEFAULT } },
      { name: 'expand', in: 'query', schema: { type: 'string', example: 'links,events' }, description: 'Exact matches with `links` (their related entities the operator may see) and `events` (`recentEvents`, the timeline\'s newest, once a timeline is wired).' },
    ],
    responses: {
      200: {
        description: '`{ items }`, exact matches first.',
        content: { 'application/json': { schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: {
          ...summary,
          properties: {
            ...(summary.properties as Json),
            typeLabel: { type: 'string' },
            matchKind: { type: 'string', enum: ['exact', 'prefix', 'contains'] },
            matchedOn: { type: 'string', description: 'The identifier that matched: id, email, tracking_number, payment_intent, charge, refund_ref, name.' },
            links: { type: 'array', items: link },
            recentEvents: { type: 'array', items: { type: 'object' } },
          },
        } } } } } },
      },
      422: problem('`validation_failed`: q missing, empty, longer than 200 characters, with control characters, or given twice; a bad limit or expand.'),
    },
  },
  'GET /api/entities/{type}/{id}': {
    description: 'The row\'s own columns (masked as on its show page; secret columns never) and `links` to its related entities the operator may see.',
    responses: {
      200: { description: '`{ type, id, title, summary, href, fields, links, recentEvents? }`' },
      403: problem('`forbidden`: the type\'s read permission is missing (audited).'),
      404: problem('`not_found`: no such type, or no such row within the rows the operator may see (one answer for both).'),
    },
  },
};
