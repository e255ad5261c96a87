// Everything access control knows, assembled once from code: the permission catalog (core plus
// each pack's keys), the seeded roles with their grants, the resources with their required
// permissions, and the guarded API routes. It is validated as a whole: a role, a resource or a
// route naming a key nobody declares stops the start, because a typo would silently deny or grant.
// The AdminJS face, the API guard's route table, the docs (npm run docs:rbac) and the RBAC matrix
// test all read this one model.
import type { Plugin, ResourceAccess, ResourceDefinition, RoleLimits } from '../platform/plugin.js';
import type { ActionDefinition } from '../actions/define-action.js';
import { actionBindings, bindingProblems } from '../actions/action-bindings.js';
import { coreResources } from '../resources/core-resources.js';
import { CORE_PERMISSIONS, type Permission, type PermissionCatalog } from './permissions.js';
import { CORE_SEED_GRANTS, SEED_ROLES, type SeedRole } from './seed-roles.js';
import { API_ROUTES, type ApiRouteAccess } from './api-routes.js';
import { impersonationTargets } from '../impersonation/impersonation-targets.js';
import { IMPERSONATE_ACTION } from '../impersonation/impersonation-types.js';
import { pluginRouteProblems, routeAccess, type InstalledPluginRoute } from '../platform/plugin-routes.js';
import { consoleProblems, consoleRoutes, type ConsoleDefinition } from '../consoles/console-types.js';
import { SECURITY_PAGE } from '../auth/require-operator.js';

/** The generated backoffice's standard actions, as AdminJS names them. */
export const ADMIN_ACTIONS = ['list', 'show', 'search', 'new', 'edit', 'delete', 'bulkDelete'] as const;
export type AdminActionName = (typeof ADMIN_ACTIONS)[number];

export type SeededRole = SeedRole & { permissions: Permission[]; limits: RoleLimits };

export type RbacModel = {
  /** Permission key -> what it allows. */
  catalog: PermissionCatalog;
  /** Permission key -> who declares it: 'core' or a plugin id. */
  sources: Record<Permission, string>;
  roles: SeededRole[];
  resources: ResourceDefinition[];
  /** Every installed pack's operator actions. */
  actions: ActionDefinition[];
  /** The core's routes (src/rbac/api-routes.ts), then the packs' (their own and their consoles'). */
  apiRoutes: readonly ApiRouteAccess[];
  /** The packs' routes with their handlers (src/platform/plugin-routes.ts), consoles' included. */
  pluginRoutes: InstalledPluginRoute[];
  /** Every installed pack's consoles (src/consoles/). */
  consoles: { pluginId: string; console: ConsoleDefinition }[];
  /** The model whose records can be impersonated (its "Impersonate" button needs user.impersonate), if any pack offers one. */
  impersonationModel: string | null;
};

/** The permission an action on a resource requires, or null when nobody may run it. */
export function requiredPermission(access: ResourceAccess, action: string): Permission | null {
  switch (action) {
    case 'list':
    case 'show':
    case 'search':
      return access.read;
    case 'new':
      return access.create ?? null;
    case 'edit':
      return access.write ?? null;
    case 'delete':
    case 'bulkDelete':
      return access.delete ?? null;
    default:
      return (Object.hasOwn(access.actions ?? {}, action) && access.actions?.[action]) || null;
  }
}

/** The resource with its action-runner buttons added to `access.actions` (see src/actions/action-bindings.ts). */
function withActionButtons(resource: ResourceDefinition, actions: ActionDefinition[]): ResourceDefinition {
  const bindings = actionBindings(resource, actions);
  if (bindings.length === 0 || !resource.access) return resource;
  const buttons = Object.fromEntries(bindings.map((b) => [b.name, b.permission]));
  return { ...resource, access: { ...resource.access, actions: { ...buttons, ...resource.access.actions } } };
}

/** The customer-user resource gets the backoffice's "Impersonate" button (src/impersonation/). */
function withImpersonateButton(resource: ResourceDefinition, model: string | null): ResourceDefinition {
  if (resource.model !== model || !resource.access) return resource;
  return { ...resource, access: { ...resource.access, actions: { ...resource.access.actions, [IMPERSONATE_ACTION]: 'user.impersonate' } } };
}

export function isKnownPermission(catalog: PermissionCatalog, key: string): boolean {
  return Object.hasOwn(catalog, key);
}

export function buildRbacModel({ plugins }: { plugins: Plugin[] }): RbacModel {
  const problems: string[] = [];

  // ---- catalog: core keys, then each pack's; a key has one owner
  const catalog: PermissionCatalog = { ...CORE_PERMISSIONS };
  const sources: Record<Permission, string> = Object.fromEntries(Object.keys(CORE_PERMISSIONS).map((k) => [k, 'core']));
  for (const plugin of plugins) {
    for (const [key, description] of Object.entries(plugin.permissions ?? {})) {
      if (isKnownPermission(catalog, key)) problems.push(`plugin ${plugin.id} redeclares permission ${key} (declared by ${sources[key]})`);
      catalog[key] = description;
      sources[key] = plugin.id;
    }
  }

  // ---- seed grants: every key's grant is written out (even as []), and only known roles get one
  const roleKeys = new Set<string>(SEED_ROLES.map((r) => r.key));
  const grantedTo = new Map<Permission, Set<string>>();
  const addGrants = (owner: string, grants: Record<string, readonly string[]>, declared: string[]) => {
    for (const [key, roles] of Object.entries(grants)) {
      if (!isKnownPermission(catalog, key)) problems.push(`${owner} grants unknown permission ${key}`);
      else if (sources[key] !== owner) problems.push(`${owner} grants ${key}, which ${sources[key]} declares`);
      for (const role of roles) if (!roleKeys.has(role)) problems.push(`${owner} grants ${key} to unknown role ${role}`);
      grantedTo.set(key, new Set(roles));
    }
    for (const key of declared) if (!Object.hasOwn(grants, key)) problems.push(`${owner} declares ${key} without saying which seeded roles get it (seedGrants)`);
  };
  addGrants('core', CORE_SEED_GRANTS, Object.keys(CORE_PERMISSIONS));
  for (const plugin of plugins) addGrants(plugin.id, plugin.seedGrants ?? {}, Object.keys(plugin.permissions ?? {}));

  const allKeys = Object.keys(catalog).sort();
  const roles: SeededRole[] = SEED_ROLES.map((role) => ({
    ...role,
    permissions: 'holdsEverything' in role ? allKeys : allKeys.filter((key) => grantedTo.get(key)?.has(role.key)),
    limits: Object.assign({}, ...plugins.map((p) => p.seedLimits?.[role.key] ?? {})) as RoleLimits,
  }));

  // ---- actions: unique ids, known permissions (the action's and its approvers')
  const actions = plugins.flatMap((p) => p.actions ?? []);
  const actionIds = new Set<string>();
  for (const action of actions) {
    if (actionIds.has(action.id)) problems.push(`action ${action.id} is defined twice`);
    actionIds.add(action.id);
    for (const key of [action.permission, action.policy?.approval?.approverPermission]) {
      if (key !== undefined && !isKnownPermission(catalog, key)) problems.push(`action ${action.id} requires unknown permission ${key}`);
    }
    if (action.reasonCodes.length === 0) problems.push(`action ${action.id} accepts no reason code`);
  }

  // ---- resources: one definition per model, every action's key declared; the runner's buttons
  // (actions targeting the resource's entity type) join `access.actions` with each action's permission
  const declared = [...coreResources, ...plugins.flatMap((p) => p.resources)];
  const impersonationModel = impersonationTargets(plugins)?.resourceModel ?? null;
  const resources = declared.map((resource) => withImpersonateButton(withActionButtons(resource, actions), impersonationModel));
  const models = new Set<string>();
  const entityTypes = new Map<string, string>();
  for (const resource of declared) problems.push(...bindingProblems(resource, actions));
  for (const resource of resources) {
    if (models.has(resource.model)) problems.push(`resource ${resource.model} is defined twice`);
    models.add(resource.model);
    if (resource.entityType) {
      const other = entityTypes.get(resource.entityType);
      if (other) problems.push(`resources ${other} and ${resource.model} both claim entity type ${resource.entityType}`);
      entityTypes.set(resource.entityType, resource.model);
    }
    if (!resource.access?.read) {
      problems.push(`resource ${resource.model} declares no read permission (access.read)`);
      continue;
    }
    const { actions: custom, ...standard } = resource.access;
    for (const [what, key] of [...Object.entries(standard), ...Object.entries(custom ?? {})]) {
      if (key !== undefined && !isKnownPermission(catalog, key)) problems.push(`resource ${resource.model} requires unknown permission ${key} (${what})`);
    }
  }

  // ---- API routes
  for (const route of API_ROUTES) {
    if (route.permission !== null && !isKnownPermission(catalog, route.permission)) {
      problems.push(`route ${route.method} ${route.path} requires unknown permission ${route.permission}`);
    }
  }

  // ---- the packs' routes and consoles: every route and page names a known key (or null, for routes)
  const consoles = plugins.flatMap((p) => (p.consoles ?? []).map((console) => ({ pluginId: p.id, console })));
  const pluginRoutes: InstalledPluginRoute[] = [
    ...plugins.flatMap((p) => (p.routes ?? []).map((route) => ({ ...route, fullPath: `/api${route.path}`, pluginId: p.id }))),
    ...consoles.flatMap(({ pluginId, console }) => consoleRoutes(pluginId, console)),
  ];
  problems.push(...consoleProblems(consoles, [SECURITY_PAGE]), ...pluginRouteProblems(pluginRoutes, API_ROUTES));
  for (const { console } of consoles) {
    if (!isKnownPermission(catalog, console.permission)) problems.push(`console ${console.id} requires unknown permission ${console.permission}`);
  }
  for (const route of pluginRoutes) {
    if (route.permission !== null && !isKnownPermission(catalog, route.permission)) {
      problems.push(`route ${route.method} ${route.fullPath} requires unknown permission ${route.permission}`);
    }
  }

  if (problems.length > 0) throw new Error(`RBAC configuration is invalid: ${problems.join('; ')}`);
  const apiRoutes = [...API_ROUTES, ...pluginRoutes.map(routeAccess)];
  return { catalog, sources, roles, resources, actions, apiRoutes, pluginRoutes, consoles, impersonationModel };
}
