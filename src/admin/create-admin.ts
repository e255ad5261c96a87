// Builds the AdminJS backoffice from resource definitions: the core's and each plugin's. Until the
// action runner exists (with RBAC and audit), the generated backoffice is read-only: no raw
// create/edit/delete that would change data outside an audited action.
import './adminjs-env.js';
import fs from 'node:fs';
import path from 'node:path';
import AdminJS, { type ResourceOptions } from 'adminjs';
import { Database, getModelByName } from '@adminjs/prisma';
import type { PrismaClient } from '@prisma/client';
import type { ResourceDefinition } from '../platform/plugin.js';
import { PrismaResource } from './prisma-resource.js';
import { NAVIGATION } from './navigation.js';

AdminJS.registerAdapter({ Database, Resource: PrismaResource });

type Dmmf = { datamodel: { models: { name: string; dbName: string | null; fields: unknown[] }[] } };

// prisma generate writes the full DMMF here (prisma/dmmf-generator.cjs); the js-engine client no
// longer carries it and @adminjs/prisma cannot work without it.
function loadClientModule() {
  const file = path.resolve('prisma/generated/dmmf.json');
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

export function createAdmin({ prisma, resources, rootPath = '/admin' }: {
  prisma: PrismaClient;
  resources: ResourceDefinition[];
  rootPath?: string;
}): AdminJS {
  const clientModule = loadClientModule();
  const adminResources = resources.map((definition) => {
    const model = getModelByName(definition.model, clientModule as never);
    const navigation = NAVIGATION[definition.navigation] ?? { name: definition.navigation, icon: 'Folder' };
    const table = (model as { dbName?: string | null }).dbName ?? model.name;
    return {
      resource: {
        model,
        client: prisma,
        clientModule,
        large: definition.isLarge ? { table, sortable: definition.sortable ?? [] } : undefined,
      },
      options: {
        ...definition.options,
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
    branding: { companyName: 'opsdeck', withMadeWithLove: false },
    settings: { defaultPerPage: 20 },
  });
}
