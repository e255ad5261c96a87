// What the OpenAPI document (src/http/openapi.ts) says about the timeline route beyond the route table.
type Json = Record<string, unknown>;

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** Operation fields by route key, merged over the generated ones. */
export const TIMELINE_OPERATIONS: Record<string, Json> = {
  'GET /api/entities/{type}/{id}/timeline': {
    description: 'Domain events, operator actions (the audit log, flag changes included), support notes and what the installed packs '
      + 'link to the entity (an order\'s refund also shows on its buyer, seller and payment), newest first. Needs the read permission '
      + 'of the entity type\'s resource; entries about other subjects show only with that subject type\'s read permission; personal '
      + 'data in `data` is masked without `pii.read`. Projected from the sources within about a second of their commit.',
    parameters: [
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
    ],
    responses: {
      200: { description: '`{ items: [{ id, occurredAt, source: event|audit|<pack source>, sourceId, kind, subject: { type, id }, isLinked, actorOperatorId, actorName, data }], nextCursor }`' },
      403: problem('`forbidden`: the caller lacks the entity type\'s read permission (audited).'),
      404: problem('`not_found`: no timeline for this type, or no such record the caller may see (also while impersonating outside its tenant).'),
      422: problem('`validation_failed`: a bad limit or a cursor that is not from this list.'),
    },
  },
};
