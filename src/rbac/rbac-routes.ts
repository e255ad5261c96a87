// GET /api/roles: the API face of the "Roles & permissions" screen (the backoffice face is the
// Role resource). Roles are few, so the whole set is one document, not a paginated list.
import { Router, type RequestHandler } from 'express';
import type { PrismaClient } from '@prisma/client';
import { apiRoute } from './api-routes.js';
import type { Permission, PermissionCatalog } from './permissions.js';

export type PermissionGuard = (permission: Permission) => RequestHandler[];

export type RolesResponse = {
  roles: { key: string; name: string; description: string; permissions: Permission[] }[];
  permissions: { key: Permission; description: string }[];
};

/** Mount under /api. `guard` is createPermissionGuard({ auth, audit }). */
export function createRbacRoutes({ prisma, guard, catalog }: { prisma: Pick<PrismaClient, 'role'>; guard: PermissionGuard; catalog: PermissionCatalog }): Router {
  const router = Router();
  const roles = apiRoute('GET /api/roles');

  router.get(roles.path.replace(/^\/api/, ''), ...guard(roles.permission!), async (_req, res) => {
    const rows = await prisma.role.findMany({ orderBy: { key: 'asc' }, select: { key: true, name: true, description: true, permissions: true } });
    const body: RolesResponse = {
      roles: rows.map((r) => ({ ...r, permissions: [...r.permissions].sort() })),
      permissions: Object.keys(catalog)
        .sort()
        .map((key) => ({ key, description: catalog[key] })),
    };
    res.json(body);
  });

  return router;
}
