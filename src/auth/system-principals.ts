// System principals: named, non-human actors that run actions through the same runner as operators
// (a pack's scheduled workflow cancelling an order, say), so every step is an ordinary audited run
// with RBAC applied (docs/adr/0017-support-cases-and-system-workflows.md). Each is an operator row
// with status `system` (never `active`: no login, no session, no principal for any request) and an
// unusable password hash, holding one role of its own, `system:<key>`, whose permissions are the
// ones the pack declares in code: re-applied at every start, so the principal can do exactly what
// its workflow needs and nothing a role edit slipped in. Audit rows name it by operator id and role.
import type pg from 'pg';
import { inTransaction } from '../db/transaction-scope.js';
import type { Permission } from '../rbac/permissions.js';
import type { OperatorPrincipal } from './operator-auth.js';

export type SystemPrincipalSpec = {
  /** Stable key, e.g. `non-fulfilment`: the operator is `system:non-fulfilment`, its role too. */
  key: string;
  name: string;
  description: string;
  /** What its workflow's actions require; declared permission keys only (checked at start). */
  permissions: Permission[];
};

export const SYSTEM_STATUS = 'system';
export const systemPrincipalId = (key: string): string => `system:${key}`;
/** Not an argon2 hash: no password verifies against it, whatever the status says. */
const NO_PASSWORD = '!system-principal:no-login';

/**
 * Creates or updates each declared system principal: its operator row (status system), its role
 * with exactly the declared permissions, and the grant. Refuses a key whose email a human
 * operator already uses, and permissions nobody declares.
 */
export async function ensureSystemPrincipals({ pool, specs, catalog }: {
  pool: pg.Pool;
  specs: SystemPrincipalSpec[];
  catalog: Record<string, string>;
}): Promise<void> {
  for (const spec of specs) {
    const unknown = spec.permissions.filter((p) => !Object.hasOwn(catalog, p));
    if (unknown.length > 0) throw new Error(`system principal ${spec.key} holds undeclared permissions: ${unknown.join(', ')}`);
    const id = systemPrincipalId(spec.key);
    await inTransaction(pool, async (client) => {
      const { rows: [existing] } = await client.query<{ status: string }>('SELECT status::text AS status FROM operators WHERE email = $1 FOR UPDATE', [id]);
      if (existing && existing.status !== SYSTEM_STATUS) throw new Error(`operator ${id} exists and is not a system principal; rename it`);
      const { rows: [operator] } = await client.query<{ id: number }>(
        `INSERT INTO operators (email, name, password_hash, status, updated_at) VALUES ($1, $2, $3, 'system', now())
         ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash, updated_at = now()
         RETURNING id`, [id, spec.name, NO_PASSWORD]);
      const { rows: [role] } = await client.query<{ id: number }>(
        `INSERT INTO roles (key, name, description, permissions) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, permissions = EXCLUDED.permissions
         RETURNING id`, [id, spec.name, spec.description, [...spec.permissions].sort()]);
      await client.query('INSERT INTO operator_roles (operator_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [operator.id, role.id]);
      // The role is the principal's alone: a person granted it by hand loses it at the next start.
      await client.query('DELETE FROM operator_roles WHERE role_id = $1 AND operator_id <> $2', [role.id, operator.id]);
    });
  }
}

/** The principal a system actor runs as (roles and permissions as stored), or null if missing. */
export async function loadSystemPrincipal(pool: Pick<pg.Pool, 'query'>, key: string): Promise<OperatorPrincipal | null> {
  const { rows: [row] } = await pool.query<{ id: number; email: string; name: string; roles: string[] | null; permissions: string[] | null }>(
    `SELECT o.id, o.email, o.name,
       (SELECT array_agg(r.key ORDER BY r.key) FROM operator_roles orr JOIN roles r ON r.id = orr.role_id WHERE orr.operator_id = o.id) AS roles,
       (SELECT array_agg(DISTINCT p ORDER BY p) FROM operator_roles orr JOIN roles r ON r.id = orr.role_id, unnest(r.permissions) AS p WHERE orr.operator_id = o.id) AS permissions
     FROM operators o WHERE o.email = $1 AND o.status = 'system'`, [systemPrincipalId(key)]);
  return row ? { id: row.id, email: row.email, name: row.name, roles: row.roles ?? [], permissions: row.permissions ?? [] } : null;
}
