// Roles are data: seeded here on every start (missing ones only, never overwriting an edit) and
// editable by role managers. Permissions are code and arrive with the RBAC catalog; until then
// the seeded roles carry none.
import type { PrismaClient } from '@prisma/client';

export const SEED_ROLES = [
  { key: 'support_agent', name: 'Support Agent', description: 'View all entities; open support cases; refunds within limits.' },
  { key: 'risk_agent', name: 'Risk/Trust Agent', description: 'Holds and freezes; listing takedowns; trust cases.' },
  { key: 'finance_admin', name: 'Finance Admin', description: 'Manual ledger adjustments; payout gating overrides.' },
  { key: 'catalog_admin', name: 'Catalog Admin', description: 'Approve and publish catalog changes.' },
  { key: 'super_admin', name: 'Super Admin', description: 'Manage roles; emergency actions.' },
];

export async function ensureSeedRoles({ prisma }: { prisma: Pick<PrismaClient, 'role'> }): Promise<void> {
  await prisma.role.createMany({ data: SEED_ROLES.map((r) => ({ ...r, permissions: [] })), skipDuplicates: true });
}
