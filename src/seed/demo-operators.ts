// Demo operators, one per seed-000 role, each with a password generated on first start. The
// passwords exist only in the credentials file (mode 600) and as argon2 hashes in the database.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { hashPassword } from '../auth/operator-auth.js';
import { ensureSeedRoles } from '../auth/roles.js';

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
    await ensureSeedRoles({ prisma: tx });
    const roles = new Map((await tx.role.findMany()).map((r) => [r.key, r.id]));
    for (const [i, o] of DEMO_OPERATORS.entries()) {
      await tx.operator.create({
        data: { email: o.email, name: o.name, passwordHash: hashes[i], roles: { create: [{ roleId: roles.get(o.role)! }] } },
      });
    }
  });
  return credentials;
}
