// What the OpenAPI document (src/http/openapi.ts) says about GET /api/dashboard beyond the route table.
type Json = Record<string, unknown>;

export const DASHBOARD_OPERATIONS: Record<string, Json> = {
  'GET /api/dashboard': {
    description: 'The operations dashboard: figures declared by the core (pending approvals, open failed runs) and by installed packs '
      + '(disputes and support cases by status and past SLA, risk exposure, payout holds, stale shipments), each shown only to operators '
      + 'holding its permission. Values come from a snapshot the platform recomputes every 30 seconds, never from a query per request, '
      + 'except personal figures (pending approvals: the caller\'s inbox "pending for me", counted when read); '
      + '`refreshedAt` is the oldest figure\'s time. `href` opens the list the figure counts in the backoffice.',
    responses: {
      200: {
        description: '`{ refreshedAt: string|null, figures: [ { id, label, group, unit: "count"|"money", currency: string|null, value: number|null, href, refreshedAt } ] }` '
          + '(money in minor units; `value` null until first computed)',
      },
    },
  },
};
