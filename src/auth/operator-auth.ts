// Operator passwords against the Operator table, and the principal every request reloads. Unknown
// emails and wrong passwords take the same path (a verify against a dummy hash) and give the same
// answer: no user enumeration. The whole login (throttle, second factor) is src/auth/login-service.ts.
import { hash, verify } from '@node-rs/argon2';
import type pg from 'pg';
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

// Runs on every request (the principal is reloaded each time): one prepared statement on the pg
// pool. Through Prisma's raw query the same read costs about ten times the CPU (bench/actions).
const PRINCIPAL_SQL = `SELECT o.id, o.email, o.name, o.status::text AS status,
       (SELECT array_agg(r.key ORDER BY r.key COLLATE "C") FROM operator_roles orr JOIN roles r ON r.id = orr.role_id WHERE orr.operator_id = o.id) AS roles,
       (SELECT array_agg(DISTINCT p COLLATE "C" ORDER BY p COLLATE "C") FROM operator_roles orr JOIN roles r ON r.id = orr.role_id, unnest(r.permissions) AS p
         WHERE orr.operator_id = o.id) AS permissions
  FROM operators o WHERE o.id = $1`;

export function createOperatorAuth({ prisma, pool }: { prisma: PrismaClient; pool: Pick<pg.Pool, 'query'> }) {
  const dummyHash = hashPassword(`dummy-${Math.random()}`);

  async function loadPrincipal(operatorId: number): Promise<OperatorPrincipal | null> {
    const { rows } = await pool.query<{ id: number; email: string; name: string; status: string; roles: string[] | null; permissions: string[] | null }>({ name: 'operator_principal', text: PRINCIPAL_SQL, values: [operatorId] });
    const operator = rows[0];
    if (!operator || operator.status !== 'active') return null;
    return { id: operator.id, email: operator.email, name: operator.name, roles: operator.roles ?? [], permissions: operator.permissions ?? [] };
  }

  /** The operator's id when the password is right and the account active; null otherwise, after the same work. */
  async function checkPassword({ email, password }: { email: string; password: string }): Promise<number | null> {
    const operator = await prisma.operator.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, passwordHash: true, status: true } });
    const isValid = await verify(operator?.passwordHash ?? (await dummyHash), password).catch(() => false);
    return operator && isValid && operator.status === 'active' ? operator.id : null;
  }

  async function recordLogin(operatorId: number): Promise<void> {
    await prisma.operator.update({ where: { id: operatorId }, data: { lastLoginAt: new Date() } });
  }

  return { checkPassword, recordLogin, loadPrincipal };
}

export type OperatorAuth = ReturnType<typeof createOperatorAuth>;
