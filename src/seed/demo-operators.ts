// Demo operators, one per seeded role (seed 000's five, then seed 003's nine), each with a
// password and a TOTP authenticator generated on first start. The passwords exist only in the
// credentials file (mode 600) and as argon2 hashes in the database; the TOTP secrets in the file in
// clear, by design (a newcomer adds them to an app, or gets a current code: `npm run operator --
// totp <email>`), and in the database sealed under MFA_ENCRYPTION_KEY like every operator's.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import { hashPassword } from '../auth/operator-auth.js';
import { newTotpSecret, totpUri } from '../auth/totp.js';
import type { Plugin } from '../platform/plugin.js';
import type { SecretBox } from '../auth/secret-box.js';
import { ensureSeedRoles } from '../rbac/ensure-seed-roles.js';
import type { SeedRoleKey } from '../rbac/seed-roles.js';

const DEMO_OPERATORS: { email: string; name: string; role: SeedRoleKey }[] = [
  { email: 'admin@opsdeck.local', name: 'Ada Admin', role: 'super_admin' },
  { email: 'support@opsdeck.local', name: 'Sam Support', role: 'support_agent' },
  { email: 'risk@opsdeck.local', name: 'Riley Risk', role: 'risk_agent' },
  { email: 'finance@opsdeck.local', name: 'Fin Finance', role: 'finance_admin' },
  { email: 'catalog@opsdeck.local', name: 'Cat Catalog', role: 'catalog_admin' },
  { email: 'tier1@opsdeck.local', name: 'Tia Tier-One', role: 'support_tier_1' },
  { email: 'tier2@opsdeck.local', name: 'Theo Tier-Two', role: 'support_tier_2' },
  { email: 'support-admin@opsdeck.local', name: 'Sasha Support-Admin', role: 'support_admin' },
  { email: 'implementation@opsdeck.local', name: 'Ivy Implementation', role: 'implementation_specialist' },
  { email: 'implementation-manager@opsdeck.local', name: 'Ian Implementation-Manager', role: 'implementation_manager' },
  { email: 'success@opsdeck.local', name: 'Cleo Success', role: 'client_success' },
  { email: 'hotline@opsdeck.local', name: 'Hal Hotline', role: 'hotline_operator' },
  { email: 'hotline-supervisor@opsdeck.local', name: 'Hana Hotline-Supervisor', role: 'hotline_supervisor' },
  { email: 'platform@opsdeck.local', name: 'Pat Platform', role: 'platform_admin' },
];

export type DemoCredential = { email: string; password: string; role: string; totpSecret: string; otpauthUri: string };

export async function seedDemoOperators({ prisma, plugins, secretBox }: { prisma: PrismaClient; plugins: Plugin[]; secretBox: SecretBox }): Promise<DemoCredential[]> {
  const credentials = DEMO_OPERATORS.map((o) => {
    const totpSecret = newTotpSecret();
    return { email: o.email, role: o.role, password: randomBytes(12).toString('base64url'), totpSecret, otpauthUri: totpUri({ secret: totpSecret, email: o.email }) };
  });
  const hashes = await Promise.all(credentials.map((c) => hashPassword(c.password)));
  await prisma.$transaction(async (tx) => {
    await ensureSeedRoles({ prisma: tx, plugins });
    const roles = new Map((await tx.role.findMany()).map((r) => [r.key, r.id]));
    for (const [i, o] of DEMO_OPERATORS.entries()) {
      await tx.operator.create({
        data: {
          email: o.email, name: o.name, passwordHash: hashes[i], roles: { create: [{ roleId: roles.get(o.role)! }] },
          // Enrolled and confirmed: the demo logs in with password and code from the first start.
          mfa: { create: { totpSecret: secretBox.seal(credentials[i].totpSecret), confirmedAt: new Date() } },
        },
      });
    }
  });
  return credentials;
}
