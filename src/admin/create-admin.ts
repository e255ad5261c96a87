// Builds the AdminJS backoffice from resource definitions: the core's and each plugin's. Until the
// action runner exists (with RBAC and audit), the generated backoffice is read-only: no raw
// create/edit/delete that would change data outside an audited action.
import './adminjs-env.js';
import fs from 'node:fs';
import AdminJS, { type ResourceOptions } from 'adminjs';
import { Database, getModelByName } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import type { Plugin, ResourceDefinition } from '../platform/plugin.js';
import { coreResources } from '../resources/core-resources.js';
import { PrismaResource } from './prisma-resource.js';
import { NAVIGATION } from './navigation.js';
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

const READ_ONLY: ResourceOptions['actions'] = {
  new: { isAccessible: false },
  edit: { isAccessible: false },
  delete: { isAccessible: false },
  bulkDelete: { isAccessible: false },
};

/** The backoffice over the core's resources and those of every installed plugin. */
export function createAdmin({ prisma, plugins, rootPath = '/admin' }: {
  prisma: PrismaClient;
  plugins: Plugin[];
  rootPath?: string;
}): AdminJS {
  const resources = [...coreResources, ...plugins.flatMap((p) => p.resources)];
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
      },
      options: {
        ...definition.options,
        // `unsortable` already carries the definition's own settings for those properties.
        properties: { ...definition.options?.properties, ...unsortable },
        navigation,
        sort: definition.options?.sort ?? { sortBy: 'id', direction: 'desc' as const },
        actions: { ...READ_ONLY, ...definition.options?.actions },
      },
    };
  });
  return new AdminJS({
    rootPath,
    loginPath: `${rootPath}/login`,
    logoutPath: `${rootPath}/logout`,
    resources: adminResources,
    branding: { companyName: 'opsdeck', logo: false, withMadeWithLove: false },
    settings: { defaultPerPage: 20 },
    // Group names are shown as written; AdminJS would otherwise start-case them ("Trust Catalog").
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      translations: { en: { labels: Object.fromEntries(Object.keys(NAVIGATION).map((name) => [name, name])) } },
    },
  });
}
