// Seeds the roles at every start: missing ones are created with their grants (src/rbac/seed-roles.ts
// and each pack's seedGrants); an existing role is never changed, so role managers' edits survive.
import type { PrismaClient } from '@prisma/client';
import type { Plugin } from '../platform/plugin.js';
import { buildRbacModel } from './rbac-model.js';

/**
 * Creates the seeded roles that are missing, with their grants; an existing role is never changed.
 * Then refuses to go on if any role (seeded or edited) grants a key the catalog does not know: a
 * typo must not silently deny or grant. Runs at every start.
 */
export async function ensureSeedRoles({ prisma, plugins }: { prisma: Pick<PrismaClient, 'role'>; plugins: Plugin[] }): Promise<void> {
  const model = buildRbacModel({ plugins });
  await prisma.role.createMany({
    data: model.roles.map(({ key, name, description, permissions, limits }) => ({ key, name, description, permissions, limits })),
    skipDuplicates: true,
  });
  const roles = await prisma.role.findMany({ select: { key: true, permissions: true }, orderBy: { key: 'asc' } });
  const unknown = roles.flatMap((r) => r.permissions.filter((p) => !(p in model.catalog)).map((p) => `${r.key}: ${p}`));
  if (unknown.length > 0) {
    throw new Error(`roles grant permissions that no installed pack declares (${unknown.join(', ')}); fix the roles or reinstall the pack`);
  }
}
