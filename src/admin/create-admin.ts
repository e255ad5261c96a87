// Builds the AdminJS backoffice from resource definitions: the core's and each plugin's. Every
// action's access is computed from the resource's declared permissions (ResourceDefinition.access)
// and the permissions loaded into the session's operator, synchronously: AdminJS treats a Promise
// as truthy. A resource writes only where it declares a permission for it; domain records stay
// read-only, changed by audited actions (the action runner) instead.
import './adminjs-env.js';
import fs from 'node:fs';
import AdminJS, { type Action, type ActionContext, type ActionResponse, type ResourceWithOptions } from 'adminjs';
import { Database, getModelByName } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import type { ResourceDefinition } from '../platform/plugin.js';
import { can } from '../rbac/access.js';
import { ADMIN_ACTIONS, requiredPermission, type RbacModel } from '../rbac/rbac-model.js';
import { createRbacHooks } from '../hooks/rbac-hooks.js';
import { validateRolePayload } from '../hooks/role-payload-hook.js';
import { PrismaResource } from './prisma-resource.js';
import { createAuditedWrites } from '../hooks/audited-writes.js';
import type { AuditService } from '../audit/types.js';
import { NAVIGATION } from './navigation.js';
import { ADMIN_TRANSLATIONS } from './admin-translations.js';
import { projectPath } from '../platform/paths.js';

AdminJS.registerAdapter({ Database, Resource: PrismaResource });

type Dmmf = { datamodel: { models: { name: string; dbName: string | null; fields: unknown[] }[] } };

// prisma generate writes the full DMMF here (prisma/dmmf-generator.cjs); the js-engine client no
// longer carries it and @adminjs/prisma cannot work without it.
function loadClientModule() {
  const file = projectPath('prisma', 'generated', 'dmmf.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npx prisma generate\``);
  const dmmf = JSON.parse(fs.readFileSync(file, 'utf8')) as Dmmf;
  return { Prisma: { dmmf } };
}

type ActionOptions = Partial<Action<ActionResponse>>;
type Hooks = ReturnType<typeof createRbacHooks>;
const asList = <T>(hook: T | T[] | undefined): T[] => (hook === undefined ? [] : Array.isArray(hook) ? hook : [hook]);

// Every standard action and every custom one the definition configures gets its access from the
// resource's declared permissions; a definition cannot grant access through its own options.
function actionsWithAccess(definition: ResourceDefinition, hooks: Hooks, extraBefore: Partial<Record<string, ActionOptions['before']>>) {
  const configured = (definition.options?.actions ?? {}) as Record<string, ActionOptions>;
  const names = [...new Set([...ADMIN_ACTIONS, ...Object.keys(configured)])];
  return Object.fromEntries(
    names.map((name) => {
      const own = configured[name] ?? {};
      const permission = requiredPermission(definition.access, name);
      const isAccessible = permission ? ({ currentAdmin }: ActionContext) => can(currentAdmin, permission) : false;
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

/** The backoffice over the core's resources and those of every installed plugin. */
export function createAdmin({ prisma, audit, rbac, extraResources = [], rootPath = '/admin' }: {
  prisma: PrismaClient;
  /** Every backoffice write is audited in its own transaction (src/hooks/audited-writes.ts). */
  audit: AuditService;
  /** buildRbacModel({ plugins }): the resources, their permissions and the catalog. */
  rbac: RbacModel;
  /** Resources not backed by a Prisma model (the audit log), appended as they are. */
  extraResources?: ResourceWithOptions[];
  rootPath?: string;
}): AdminJS {
  const resources = rbac.resources;
  const write = createAuditedWrites({ prisma, audit });
  const hooks = createRbacHooks({ resources });
  // Roles are saved only with keys the catalog knows (the start refuses unknown ones).
  const validateRole = (definition: ResourceDefinition) => validateRolePayload({ catalog: rbac.catalog, access: definition.access });
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
    return {
      resource: {
        model,
        client: prisma,
        clientModule,
        large: definition.isLarge ? { table, sortable: definition.sortable ?? [] } : undefined,
        secretFields: definition.secretFields,
        write,
      },
      options: {
        ...definition.options,
        // `unsortable` already carries the definition's own settings for those properties.
        properties: { ...definition.options?.properties, ...unsortable },
        navigation,
        sort: definition.options?.sort ?? { sortBy: 'id', direction: 'desc' as const },
        actions: actionsWithAccess(definition, hooks, definition.model === 'Role' ? { new: validateRole(definition), edit: validateRole(definition) } : {}),
      },
    };
  });
  return new AdminJS({
    rootPath,
    loginPath: `${rootPath}/login`,
    logoutPath: `${rootPath}/logout`,
    resources: [...adminResources, ...extraResources],
    branding: { companyName: 'opsdeck', logo: false, withMadeWithLove: false },
    settings: { defaultPerPage: 20 },
    // Group names are shown as written; AdminJS would otherwise start-case them ("Trust Catalog").
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      translations: {
        en: { labels: { ...Object.fromEntries(Object.keys(NAVIGATION).map((name) => [name, name])), AuditLog: 'Audit log' }, messages: ADMIN_TRANSLATIONS.messages },
      },
    },
  });
}
