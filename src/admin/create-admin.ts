// Builds the AdminJS backoffice from resource definitions: the core's and each plugin's. Every
// action's access is computed from the resource's declared permissions (ResourceDefinition.access)
// and the permissions loaded into the session's operator, synchronously: AdminJS treats a Promise
// as truthy. A resource writes only where it declares a permission for it; domain records stay
// read-only, changed by audited actions (the action runner) instead.
import './adminjs-env.js';
import fs from 'node:fs';
import AdminJS, { type Action, type ActionContext, type ActionRequest, type ActionResponse, type PropertyOptions, type ResourceWithOptions } from 'adminjs';
import { Database, getModelByName } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import type { ResourceAccess, ResourceDefinition } from '../platform/plugin.js';
import type { ActionDefinition } from '../actions/define-action.js';
import { can } from '../rbac/access.js';
import { ADMIN_ACTIONS, requiredPermission, type RbacModel } from '../rbac/rbac-model.js';
import { createRbacHooks } from '../hooks/rbac-hooks.js';
import { validateRolePayload } from '../hooks/role-payload-hook.js';
import { PrismaResource } from './prisma-resource.js';
import { createListPositions } from './list-anchors/list-positions.js';
import { createAuditedWrites } from '../hooks/audited-writes.js';
import type { AuditService } from '../audit/types.js';
import { NAVIGATION } from './navigation.js';
import { ADMIN_TRANSLATIONS } from './admin-translations.js';
import { projectPath } from '../platform/paths.js';
import type { ActionRunner } from '../actions/types.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { RunService } from '../actions/run-service.js';
import { actionBindings } from '../actions/action-bindings.js';
import { createComponents, type AdminComponents } from './admin-components.js';
import { runnerActions } from './runner-actions.js';
import { approvalAdmin } from './approval-admin.js';
import { isSteppedUp } from '../auth/step-up.js';
import { runAdmin } from './run-admin.js';
import { sessionAdmin } from './session-admin.js';
import { sessionOf, type AdminStepUp } from './admin-step-up.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActionStepUp } from '../auth/action-step-up.js';
import type { OperatorSessions } from '../auth/operator-sessions.js';
import { SECURITY_PAGE } from '../auth/require-operator.js';
import { requireStepUpOnSave } from '../hooks/step-up-hook.js';
import { impersonateAction, impersonationEnv } from '../impersonation/impersonation-admin.js';
import type { FlagService } from '../flags/flag-service.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import { isFlagOnFor } from '../flags/flag-gating.js';
import { timelineProperties, withTimelineShown } from '../timeline/timeline-admin.js';
import { consolePages } from '../consoles/console-pages.js';
import type { ApiTokenService } from '../auth/api-tokens/api-token-service.js';
import { apiTokenAdmin } from '../auth/api-tokens/api-token-admin.js';

AdminJS.registerAdapter({ Database, Resource: PrismaResource });

type Dmmf = { datamodel: { models: { name: string; dbName: string | null; fields: unknown[] }[] } };

// prisma generate writes the full DMMF here (prisma/dmmf-generator.cjs); the js-engine client no
// longer carries it and @adminjs/prisma cannot work without it.
export function loadClientModule() {
  const file = projectPath('prisma', 'generated', 'dmmf.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx prisma generate\``);
  const dmmf = JSON.parse(fs.readFileSync(file, 'utf8')) as Dmmf;
  return { Prisma: { dmmf } };
}

type ActionOptions = Partial<Action<ActionResponse>>;
type Hooks = ReturnType<typeof createRbacHooks>;
const asList = <T>(hook: T | T[] | undefined): T[] => (hook === undefined ? [] : Array.isArray(hook) ? hook : [hook]);

/** The services behind the backoffice's action buttons: the same ones the HTTP API calls. */
export type AdminActionServices = {
  runner: Pick<ActionRunner, 'submit'>;
  approvals: Pick<ApprovalService, 'decide'>;
  runs: Pick<RunService, 'retry'>;
};

/** Login security's services (src/auth/): step-up in forms, and the sessions screen's Revoke. */
export type AdminSecurity = {
  stepUp: AdminStepUp;
  actionStepUp: Pick<ActionStepUp, 'pending'>;
  sessions: Pick<OperatorSessions, 'revoke'>;
};

// Two sets of options for the same actions, hooks of both kept (the definition's run first).
function mergeActions(a: Record<string, ActionOptions>, b: Record<string, ActionOptions>): Record<string, ActionOptions> {
  const merged: Record<string, ActionOptions> = { ...a };
  for (const [name, options] of Object.entries(b)) {
    const own = a[name] ?? {};
    merged[name] = { ...own, ...options, before: [...asList(own.before), ...asList(options.before)], after: [...asList(own.after), ...asList(options.after)] };
  }
  return merged;
}

/**
 * What the admin face adds to a resource besides its configuration: the action runner's buttons
 * (from the actions targeting its entity type), and the behaviour of the core's inbox and runs
 * screens (their services are only known here).
 */
function serviceOptions(definition: ResourceDefinition, { rbac, services, prisma, components, apiRoot, security, flags, tokens }: {
  rbac: RbacModel; services: AdminActionServices; prisma: PrismaClient; components: AdminComponents; apiRoot: string; security?: AdminSecurity; flags?: FlagService;
  tokens?: Pick<ApiTokenService, 'revoke'>;
}): { actions: Record<string, ActionOptions>; properties: Record<string, PropertyOptions> } {
  const runner = runnerActions({ definition, actions: rbac.actions, runner: services.runner, components, apiRoot, stepUp: security?.stepUp, flags });
  // A retry of a step-up action from Runs & exceptions needs the step-up too (proved on the Security page).
  const retryNeedsStepUp = (request: ActionRequest, operator: OperatorPrincipal, actionId: string) => {
    const session = sessionOf(request);
    const action = security && session ? security.actionStepUp.pending({ session }, operator, actionId) : rbac.actions.find((a) => a.id === actionId && a.policy?.stepUp);
    return action ? `${action.title} needs a fresh authentication code. Confirm one on the Security page, then retry.` : null;
  };
  // Approving such an action runs it: the approver proves a fresh code too.
  const approvalNeedsStepUp = (request: ActionRequest, actionId: string) => {
    const action = rbac.actions.find((a) => a.id === actionId && a.policy?.stepUp);
    const session = sessionOf(request);
    if (!action || (session && isSteppedUp({ session }))) return null;
    return `Approving ${action.title} needs a fresh authentication code. Confirm one on the Security page, then approve.`;
  };
  const impersonate = definition.model === rbac.impersonationModel ? impersonateAction(components) : {};
  const core =
    definition.model === 'ApprovalRequest' ? approvalAdmin({ approvals: services.approvals, prisma, components, needsStepUp: approvalNeedsStepUp })
    : definition.model === 'ActionRun' ? { ...runAdmin({ runs: services.runs, components, needsStepUp: retryNeedsStepUp }), properties: {} }
    : definition.model === 'OperatorSession' && security ? { ...sessionAdmin({ sessions: security.sessions }), properties: {} }
    : definition.model === 'ApiToken' && tokens ? { ...apiTokenAdmin({ tokens }), properties: {} }
    : { actions: {}, properties: {} };
  return { actions: { ...runner, ...impersonate, ...core.actions }, properties: core.properties };
}

// Columns that are not columns: offered in the filter drawer as a choice (src/platform/plugin.ts).
const virtualFilterProperties = (definition: ResourceDefinition): Record<string, PropertyOptions> =>
  Object.fromEntries(
    Object.entries(definition.virtualFilters ?? {}).map(([name, filter]) => [
      name,
      { type: 'string', availableValues: filter.values, isSortable: false, isVisible: { list: false, show: false, edit: false, filter: true } },
    ]),
  );

// JSON columns are shown as indented JSON on show pages (AdminJS shows nothing for them).
const jsonProperties = (model: { fields: unknown[] }, components: AdminComponents): Record<string, PropertyOptions> =>
  Object.fromEntries(
    (model.fields as { name: string; type: string }[]).filter((f) => f.type === 'Json').map((f) => [f.name, { components: { show: components.JsonValue } }]),
  );

// Every standard action and every custom one the definition configures gets its access from the
// resource's declared permissions; a definition cannot grant access through its own options.
// A resource behind a flag (ResourceDefinition.flag) is inaccessible while the flag is off for the
// operator: AdminJS then drops it from the navigation (no list action, no link) and hides its
// buttons; admin-access-guard.ts refuses its data calls with feature_disabled.
function actionsWithAccess(definition: ResourceDefinition, configured: Record<string, ActionOptions>, hooks: Hooks, extraBefore: Partial<Record<string, ActionOptions['before']>>, flags?: FlagService) {
  const names = [...new Set([...ADMIN_ACTIONS, ...Object.keys(configured)])];
  const isResourceOn = definition.flag && flags ? isFlagOnFor(flags, definition.flag as FlagKey) : () => true;
  return Object.fromEntries(
    names.map((name) => {
      const own = configured[name] ?? {};
      const permission = requiredPermission(definition.access, name);
      const isAccessible = permission ? (context: ActionContext) => can(context.currentAdmin, permission) && isResourceOn(context) : false;
      const isWrite = name === 'new' || name === 'edit';
      return [
        name,
        {
          ...own,
          // isVisible keeps AdminJS's default (search is never a button): AdminJS shows an action
          // only when it is both visible and accessible, so what a role may not run is not shown.
          isAccessible,
          before: [...(isWrite ? [hooks.dropMaskedPayload] : []), ...asList(extraBefore[name]), ...asList(own.before)],
          // Runs last, so nothing added after it can put unmasked data back.
          after: [...asList(own.after), hooks.protectResponse],
        },
      ];
    }),
  );
}

/**
 * A resource registered with AdminJS as it is (not a Prisma model: the audit log, experiments,
 * flags). With `entityType`, the runner's actions on that type are its record buttons, each with its
 * action's permission, as on a model's resource; `access` is what the admin access guard enforces
 * for it (extraResourceGuards).
 */
export type ExtraAdminResource = ResourceWithOptions & { entityType?: string; access?: ResourceAccess };

/** The guard entries (src/admin/admin-access-guard.ts) of extra resources that declare `access`, runner buttons included. */
export function extraResourceGuards(extras: readonly ExtraAdminResource[], actions: readonly ActionDefinition[]): Pick<ResourceDefinition, 'model' | 'access'>[] {
  return extras.filter((e) => e.access).map((extra) => {
    const buttons = Object.fromEntries(actionBindings({ entityType: extra.entityType }, actions).map((b) => [b.name, b.permission]));
    return { model: String(extra.options.id), access: { ...extra.access!, actions: { ...buttons, ...extra.access!.actions } } };
  });
}

/** The backoffice over the core's resources and those of every installed plugin. */
export function createAdmin({ prisma, audit, rbac, actions: services, security, flags, tokens, extraResources = [], rootPath = '/admin', apiRoot = '/api' }: {
  prisma: PrismaClient;
  /** The runner, approvals and runs: action buttons call the same services as the HTTP API. */
  actions: AdminActionServices;
  /** Every backoffice write is audited in its own transaction (src/hooks/audited-writes.ts). */
  audit: AuditService;
  /** buildRbacModel({ plugins }): the resources, their permissions and the catalog. */
  rbac: RbacModel;
  /** Step-up and the sessions screen; without it, step-up actions and role edits are refused here. */
  security?: AdminSecurity;
  /** Flag evaluation: resources and action buttons behind a switched-off flag are hidden (src/flags/flag-gating.ts). */
  flags?: FlagService;
  /** The API tokens screen's Revoke (src/auth/api-tokens/); without it the screen is read-only. */
  tokens?: Pick<ApiTokenService, 'revoke'>;
  /** Resources not backed by a Prisma model (the audit log), appended as they are (plus their runner buttons). */
  extraResources?: ExtraAdminResource[];
  rootPath?: string;
  /** Where the HTTP API is mounted (the bulk form calls it). */
  apiRoot?: string;
}): AdminJS {
  const resources = rbac.resources;
  const { loader: componentLoader, components } = createComponents();
  // The packs' consoles (src/consoles/): a page each, refused by createConsolePageGuard without its permission.
  const consoles = consolePages({ consoles: rbac.consoles, loader: componentLoader });
  const write = createAuditedWrites({ prisma, audit });
  const positions = createListPositions({ prisma });
  const hooks = createRbacHooks({ resources });
  // Roles are saved only with keys the catalog knows (the start refuses unknown ones).
  const validateRole = (definition: ResourceDefinition) => validateRolePayload({ catalog: rbac.catalog, access: definition.access });
  // ...and, changing what its holders may do, with a fresh code (after validation: a rejected form spends none).
  const roleBefore = (definition: ResourceDefinition) => [validateRole(definition), requireStepUpOnSave({ access: definition.access, stepUp: security?.stepUp, what: 'Saving a role' })];
  const clientModule = loadClientModule();
  // The sidebar follows NAVIGATION's console order, whatever order packs list their resources in.
  const groups = Object.keys(NAVIGATION);
  const rank = (d: ResourceDefinition) => (groups.includes(d.navigation) ? groups.indexOf(d.navigation) : groups.length);
  const ordered = [...resources].sort((a, b) => rank(a) - rank(b));
  const adminResources = ordered.map((definition) => {
    const model = getModelByName(definition.model, clientModule as never);
    const navigation = NAVIGATION[definition.navigation] ?? { name: definition.navigation, icon: 'Folder' };
    const table = (model as { dbName?: string | null }).dbName ?? model.name;
    // On a large table only indexed columns may be offered as sort keys.
    const unsortable = definition.isLarge
      ? Object.fromEntries(
          (model.fields as { name: string; isId: boolean }[])
            .filter((f) => !f.isId && !(definition.sortable ?? []).includes(f.name))
            .map((f) => [f.name, { isSortable: false, ...definition.options?.properties?.[f.name] }]),
        )
      : {};
    const service = serviceOptions(definition, { rbac, services, prisma, components, apiRoot, security, flags, tokens });
    const configured = mergeActions((definition.options?.actions ?? {}) as Record<string, ActionOptions>, service.actions);
    return {
      resource: {
        model,
        client: prisma,
        clientModule,
        large: definition.isLarge ? { table, sortable: definition.sortable ?? [], positions } : undefined,
        secretFields: definition.secretFields,
        write,
        visibleTo: definition.visibleTo,
        tenantScope: definition.tenantScope,
        virtualFilters: definition.virtualFilters,
      },
      options: {
        ...definition.options,
        // `unsortable` already carries the definition's own settings for those properties.
        properties: { ...jsonProperties(model, components), ...virtualFilterProperties(definition), ...timelineProperties(definition, components), ...service.properties, ...definition.options?.properties, ...unsortable },
        ...withTimelineShown(definition),
        navigation,
        sort: definition.options?.sort ?? { sortBy: 'id', direction: 'desc' as const },
        actions: actionsWithAccess(definition, configured, hooks, definition.model === 'Role' ? { new: roleBefore(definition), edit: roleBefore(definition) } : {}, flags),
      },
    };
  });
  // Extra resources of an entity type get the runner's buttons, each behind its action's permission.
  const extras = extraResources.map(({ entityType, access: _guarded, ...extra }) => {
    if (!entityType) return extra;
    const buttons = runnerActions({ definition: { entityType }, actions: rbac.actions, runner: services.runner, components, apiRoot, stepUp: security?.stepUp, flags });
    const guarded = Object.fromEntries(actionBindings({ entityType }, rbac.actions).map((b) => [b.name, {
      ...buttons[b.name], isAccessible: ({ currentAdmin }: ActionContext) => can(currentAdmin, b.permission),
    }]));
    return { ...extra, options: { ...extra.options, actions: { ...extra.options?.actions, ...guarded } } };
  });
  // Button labels: each runner action's title ("Freeze organization"), and the core screens' own.
  const actionLabels = Object.fromEntries(
    [...resources, ...extraResources].flatMap((d) => actionBindings(d, rbac.actions)).map((b) => [b.name, b.kind === 'bulk' ? `${b.action.title} (selected)` : b.action.title]),
  );
  return new AdminJS({
    rootPath,
    loginPath: `${rootPath}/login`,
    logoutPath: `${rootPath}/logout`,
    resources: [...adminResources, ...extras],
    componentLoader,
    // Where an operator sets up their authenticator and confirms codes; an enrolment-only session lands here.
    pages: { [SECURITY_PAGE]: { component: components.SecurityPage, icon: 'Lock' }, ...consoles.pages },
    env: { ...impersonationEnv(apiRoot), ...consoles.env },
    // The home page is the operations dashboard (GET /api/dashboard, src/dashboard/).
    dashboard: { component: components.Dashboard },
    branding: { companyName: 'opsdeck', logo: false, withMadeWithLove: false },
    settings: { defaultPerPage: 20 },
    // Group names are shown as written; AdminJS would otherwise start-case them ("Trust Catalog").
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      translations: {
        en: {
          labels: { ...Object.fromEntries(Object.keys(NAVIGATION).map((name) => [name, name])), ...ADMIN_TRANSLATIONS.labels },
          actions: { ...ADMIN_TRANSLATIONS.actions, ...actionLabels },
          messages: ADMIN_TRANSLATIONS.messages,
          pages: consoles.titles,
        },
      },
    },
  });
}
