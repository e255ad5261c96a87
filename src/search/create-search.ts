// The omnibox as the composition root wires it: the registry of searchable types (validated at
// start), the service, and its routes.
import type { PrismaClient } from '@prisma/client';
import type { Router } from 'express';
import type pg from 'pg';
import { loadClientModule } from '../admin/create-admin.js';
import { createSqlLookups } from './search-sql.js';
import type { IncludeModel } from './search-sql-include.js';
import type { AuditService } from '../audit/types.js';
import type { Plugin } from '../platform/plugin.js';
import type { RbacModel } from '../rbac/rbac-model.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import { buildSearchRegistry } from './search-registry.js';
import { createSearchRoutes } from './search-routes.js';
import { createSearchService, type SearchService } from './search-service.js';
import type { RecentEvents } from './search-types.js';

export function createSearch({ prisma, pool, plugins, rbac, adminRootPath, access, audit, recentEvents }: {
  prisma: PrismaClient;
  pool: pg.Pool;
  plugins: Plugin[];
  rbac: Pick<RbacModel, 'resources'>;
  adminRootPath: string;
  access: RouteAccess;
  audit: AuditService;
  recentEvents?: RecentEvents;
}): { service: SearchService; routes: Router } {
  const registry = buildSearchRegistry({ plugins, resources: rbac.resources, adminRootPath });
  // Secret columns (password hashes) are never even read by the omnibox's plain statements.
  const secret = new Map(rbac.resources.map((r) => [r.model, new Set(r.secretFields ?? [])]));
  const models = (loadClientModule().Prisma.dmmf.datamodel.models as IncludeModel[])
    .map((m) => ({ ...m, fields: m.fields.filter((f) => !secret.get(m.name)?.has(f.name)) }));
  const sql = createSqlLookups({ pool, models });
  const service = createSearchService({ prisma, sql, registry, recentEvents });
  return { service, routes: createSearchRoutes({ search: service, access, audit }) };
}
