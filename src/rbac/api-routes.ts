// The HTTP API's routes and the permission each requires, in one table: the routers guard with
// these entries (so a route and its documented permission cannot drift apart), the RBAC matrix
// test calls each as every seeded role, and docs/rbac-matrix.md lists them. A route open to any
// logged-in operator says so with `permission: null`; nothing is implied.
import type { Permission } from './permissions.js';

export type ApiRouteAccess = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Full path as a client calls it, Express parameters as `:name`. */
  path: string;
  permission: Permission | null;
  summary: string;
};

export const API_ROUTES = [
  { method: 'GET', path: '/api/session', permission: null, summary: 'The current operator with roles and permissions' },
  // The caller's own second factor (docs/adr/0008-operator-mfa-and-sessions.md); an enrolment-only session may use the MFA routes.
  { method: 'POST', path: '/api/session/step-up', permission: null, summary: 'Prove a fresh TOTP (or recovery) code: actions marked stepUp then run for 5 minutes' },
  { method: 'GET', path: '/api/session/mfa', permission: null, summary: 'Whether the caller has an authenticator, and how many recovery codes are left' },
  { method: 'POST', path: '/api/session/mfa/enrol', permission: null, summary: 'A new TOTP secret with its otpauth URI and QR code (409 once one is confirmed)' },
  { method: 'POST', path: '/api/session/mfa/confirm', permission: null, summary: 'Confirm the authenticator with its first code; answers the ten recovery codes once' },
  { method: 'GET', path: '/api/sessions', permission: 'session.read', summary: 'Live operator sessions: operator, created, last seen, address, user agent' },
  { method: 'DELETE', path: '/api/sessions/:id', permission: 'session.revoke', summary: 'End a session (its row is deleted: the operator is logged out at once; audited)' },
  { method: 'GET', path: '/api/openapi.json', permission: null, summary: 'This API as an OpenAPI 3.1 document, with every action\'s input schema' },
  { method: 'GET', path: '/api/roles', permission: 'role.read', summary: 'Roles with their permissions, and the permission catalog' },
  { method: 'GET', path: '/api/audit', permission: 'audit.read', summary: 'The audit log, filtered, keyset-paginated' },
  { method: 'GET', path: '/api/audit/export', permission: 'audit.export', summary: 'The audit log streamed as NDJSON or CSV' },
  { method: 'GET', path: '/api/audit/verify', permission: 'audit.verify', summary: 'Recompute the hash chain and checkpoints' },
  // Actions: any operator may call; the runner checks each action's own permission (see "Actions").
  { method: 'GET', path: '/api/actions', permission: null, summary: 'The actions the caller may run, with input schemas, reason codes and policies' },
  { method: 'POST', path: '/api/actions/:actionId', permission: null, summary: 'Run an action (its own permission is checked by the runner)' },
  { method: 'POST', path: '/api/actions/:actionId/bulk', permission: null, summary: 'Run an action over up to 1000 targets as a durable job' },
  { method: 'GET', path: '/api/jobs/:id', permission: null, summary: 'A bulk job\'s progress and per-target outcomes (own jobs; all with run.read)' },
  { method: 'GET', path: '/api/runs', permission: 'run.own.read', summary: 'Action runs and exceptions (own runs; all with run.read)' },
  { method: 'GET', path: '/api/runs/:id', permission: 'run.own.read', summary: 'One run (own; any with run.read)' },
  { method: 'POST', path: '/api/runs/:id/retry', permission: null, summary: 'Retry a failed run (needs the action\'s permission)' },
  { method: 'GET', path: '/api/approvals', permission: 'approval.read', summary: 'Approval requests: own, and those the caller may decide' },
  { method: 'GET', path: '/api/approvals/:id', permission: 'approval.read', summary: 'One approval request with its exact payload and hash' },
  { method: 'POST', path: '/api/approvals/:id/approve', permission: null, summary: 'Approve (needs approval.decide and the request\'s approver permission; never one\'s own)' },
  { method: 'POST', path: '/api/approvals/:id/deny', permission: null, summary: 'Deny (needs approval.decide and the request\'s approver permission)' },
  // Impersonation (docs/adr/0010-impersonation.md): starting needs a fresh step-up too; ending and
  // reading one's own current impersonation are open to any operator (they only see their own).
  { method: 'POST', path: '/api/impersonations', permission: 'user.impersonate', summary: 'Start impersonating a customer user (read-only, at most 240 minutes; needs a fresh step-up)' },
  { method: 'GET', path: '/api/impersonations/current', permission: null, summary: 'The impersonation this session runs, with its target and remaining time, or null' },
  { method: 'GET', path: '/api/impersonations/tenants', permission: 'user.impersonate', summary: 'Tenant switcher: organizations by name, domain or id (?q=), or the last five used' },
  { method: 'DELETE', path: '/api/impersonations/:id', permission: null, summary: 'End one\'s own impersonation (a new session id)' },
  { method: 'POST', path: '/api/impersonations/:id/token', permission: 'user.impersonate', summary: 'A signed token (ES256, at most 5 minutes) for the customer-facing app, with an RFC 8693 act claim' },
  // Feature flags (docs/adr/0012-flags-as-code.md): what the caller's own session evaluates; no secret.
  { method: 'GET', path: '/api/flags', permission: null, summary: 'The declared feature flags as evaluated for the caller: key, type, description, enabled, default, source (unleash or default)' },
  // The omnibox (docs/adr/0015-omnibox-search.md): any operator may search; each entity type is searched and
  // shown only with its own read permission, within the rows the operator may see.
  { method: 'GET', path: '/api/search', permission: null, summary: 'The omnibox: ids, tracking numbers, payment references, emails, names; exact matches first (each entity type needs its read permission)' },
  { method: 'GET', path: '/api/entities/:type/:id', permission: null, summary: 'One entity\'s canonical details and links to related entities (needs the type\'s read permission)' },
  // Consoles (src/consoles/, docs/adr/0018-consoles.md): their own routes come from the packs, after this table.
  { method: 'GET', path: '/api/consoles', permission: null, summary: 'The consoles the caller may open (permission held, flag on): id, title, navigation group, page and API prefix' },
  // Experiments (docs/adr/0011-experiment-statistics.md).
  { method: 'GET', path: '/api/experiments', permission: 'experiment.read', summary: 'Experiments, newest first, keyset-paginated (?status=)' },
  { method: 'GET', path: '/api/experiments/:key', permission: 'experiment.read', summary: 'One experiment by its Unleash flag name, with the flag as Unleash has it' },
  { method: 'PUT', path: '/api/experiments/:key', permission: 'experiment.manage', summary: 'Create an experiment, or change its design (while a draft) and lifecycle; audited' },
  { method: 'POST', path: '/api/experiments/:key/events', permission: 'experiment.ingest', summary: 'A batch of up to 10,000 exposure and conversion events: all or nothing, idempotent per event id' },
  { method: 'GET', path: '/api/experiments/:key/results', permission: 'experiment.read', summary: 'Per-variant exposures, conversions, rates with 95% intervals, lift, p-values, the sample-ratio check and the winner' },
  // Four-eyes flag changes (docs/adr/0013-flag-change-requests.md): raises a flag.change request (the runner checks it again).
  { method: 'POST', path: '/api/experiments/:key/rollout-winner', permission: 'flag.change', summary: 'Request rolling the declared winner out to 100% (a flag.change approval request; 409 no_winner without one)' },
  // API tokens of machine clients (src/auth/api-tokens/): the token itself only in the create answer.
  { method: 'GET', path: '/api/tokens', permission: 'api_token.read', summary: 'API tokens: name, scope, prefix, created, last used, revoked (never the token)' },
  { method: 'POST', path: '/api/tokens', permission: 'api_token.manage', summary: 'Create an API token (name, scope experiments:ingest); the token is answered once, only its hash is kept; audited' },
  { method: 'DELETE', path: '/api/tokens/:id', permission: 'api_token.manage', summary: 'Revoke an API token: refused from its next call; audited' },
  // The entity timeline (docs/adr/0016-entity-timeline.md): the permission depends on the type, so the service checks it.
  { method: 'GET', path: '/api/entities/:type/:id/timeline', permission: null, summary: 'An entity\'s timeline, newest first, keyset-paginated (needs the read permission of the type\'s resource; checked by the service)' },
  // The operations dashboard (docs/adr/0019-dashboard-read-models.md): each figure carries its own permission.
  { method: 'GET', path: '/api/dashboard', permission: null, summary: 'The dashboard\'s figures the caller may see (each figure\'s own permission), from the snapshot refreshed every 30 s, with drill-down links' },
] as const satisfies readonly ApiRouteAccess[];

export type ApiRouteKey = `${(typeof API_ROUTES)[number]['method']} ${(typeof API_ROUTES)[number]['path']}`;

/** The table entry of a route, by `METHOD /path`; throws on a route missing from the table. */
export function apiRoute(key: ApiRouteKey): ApiRouteAccess {
  const route = API_ROUTES.find((r) => `${r.method} ${r.path}` === key);
  if (!route) throw new Error(`no API route ${key} in src/rbac/api-routes.ts`);
  return route;
}
