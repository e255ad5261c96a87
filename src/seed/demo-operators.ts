// Demo operators, one per seed-000 role, each with a password generated on first start. The
// passwords exist only in the credentials file (mode 600) and as argon2 hashes in the database.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { hashPassword } from '../auth/operator-auth.js';

// Seed 000's admin roles. Permissions arrive with the RBAC catalog; until then roles carry none.
export const DEMO_ROLES = [
  { key: 'support_agent', name: 'Support Agent', description: 'View all entities; open support cases; refunds within limits.' },
  { key: 'risk_agent', name: 'Risk/Trust Agent', description: 'Holds and freezes; listing takedowns; trust cases.' },
  { key: 'finance_admin', name: 'Finance Admin', description: 'Manual ledger adjustments; payout gating overrides.' },
  { key: 'catalog_admin', name: 'Catalog Admin', description: 'Approve and publish catalog changes.' },
  { key: 'super_admin', name: 'Super Admin', description: 'Manage roles; emergency actions.' },
];

const DEMO_OPERATORS = [
  { email: 'admin@opsdeck.local', name: 'Ada Admin', role: 'super_admin' },
  { email: 'support@opsdeck.local', name: 'Sam Support', role: 'support_agent' },
  { email: 'risk@opsdeck.local', name: 'Riley Risk', role: 'risk_agent' },
  { email: 'finance@opsdeck.local', name: 'Fin Finance', role: 'finance_admin' },
  { email: 'catalog@opsdeck.local', name: 'Cat Catalog', role: 'catalog_admin' },
];

export type DemoCredential = { email: string; password: string; role: string };

export async function seedDemoOperators({ prisma }: { prisma: PrismaClient }): Promise<DemoCredential[]> {
  const credentials = DEMO_OPERATORS.map((o) => ({ email: o.email, role: o.role, password: randomBytes(12).toString('base64url') }));
  const hashes = await Promise.all(credentials.map((c) => hashPassword(c.password)));
  await prisma.$transaction(async (tx) => {
    await tx.role.createMany({ data: DEMO_ROLES.map((r) => ({ ...r, permissions: [] })), skipDuplicates: true });
    const roles = new Map((await tx.role.findMany()).map((r) => [r.key, r.id]));
    for (const [i, o] of DEMO_OPERATORS.entries()) {
      await tx.operator.create({
        data: { email: o.email, name: o.name, passwordHash: hashes[i], roles: { create: [{ roleId: roles.get(o.role)! }] } },
      });
    }
  });
  return credentials;
}
