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
  { method: 'GET', path: '/api/roles', permission: 'role.read', summary: 'Roles with their permissions, and the permission catalog' },
  { method: 'GET', path: '/api/audit', permission: 'audit.read', summary: 'The audit log, filtered, keyset-paginated' },
  { method: 'GET', path: '/api/audit/export', permission: 'audit.export', summary: 'The audit log streamed as NDJSON or CSV' },
  { method: 'GET', path: '/api/audit/verify', permission: 'audit.verify', summary: 'Recompute the hash chain and checkpoints' },
] as const satisfies readonly ApiRouteAccess[];

export type ApiRouteKey = `${(typeof API_ROUTES)[number]['method']} ${(typeof API_ROUTES)[number]['path']}`;

/** The table entry of a route, by `METHOD /path`; throws on a route missing from the table. */
export function apiRoute(key: ApiRouteKey): ApiRouteAccess {
  const route = API_ROUTES.find((r) => `${r.method} ${r.path}` === key);
  if (!route) throw new Error(`no API route ${key} in src/rbac/api-routes.ts`);
  return route;
}
