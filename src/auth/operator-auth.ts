// Operator authentication against the Operator table. Unknown emails and wrong passwords take the
// same path (a verify against a dummy hash) and give the same answer: no user enumeration.
import { hash, verify } from '@node-rs/argon2';
import type { PrismaClient } from '@prisma/client';

export type OperatorPrincipal = {
  id: number;
  email: string;
  name: string;
  roles: string[];
  permissions: string[];
};

// OWASP's argon2id floor: m=19 MiB, t=2, p=1.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export function createOperatorAuth({ prisma }: { prisma: PrismaClient }) {
  const dummyHash = hashPassword(`dummy-${Math.random()}`);

  async function loadPrincipal(operatorId: number): Promise<OperatorPrincipal | null> {
    const operator = await prisma.operator.findUnique({
      where: { id: operatorId },
      include: { roles: { include: { role: true } } },
    });
    if (!operator || operator.status !== 'active') return null;
    const roles = operator.roles.map((r) => r.role);
    return {
      id: operator.id,
      email: operator.email,
      name: operator.name,
      roles: roles.map((r) => r.key).sort(),
      permissions: [...new Set(roles.flatMap((r) => r.permissions))].sort(),
    };
  }

  async function authenticate({ email, password }: { email: string; password: string }): Promise<OperatorPrincipal | null> {
    const operator = await prisma.operator.findUnique({ where: { email: email.trim().toLowerCase() } });
    const isValid = await verify(operator?.passwordHash ?? (await dummyHash), password).catch(() => false);
    if (!operator || !isValid || operator.status !== 'active') return null;
    await prisma.operator.update({ where: { id: operator.id }, data: { lastLoginAt: new Date() } });
    return loadPrincipal(operator.id);
  }

  return { authenticate, loadPrincipal };
}

export type OperatorAuth = ReturnType<typeof createOperatorAuth>;
