// The marketplace's customer users as impersonation targets (src/impersonation/): who a customer
// user is and which organization (tenant) they belong to, and the tenant switcher's search. Plain
// SQL over the pack's own tables; the core only sees the shapes in impersonation-types.ts.
import type { ImpersonationDb, ImpersonationTargets, ImpersonationTenant } from '../../src/impersonation/impersonation-types.js';

type TenantRow = { id: number; name: string; domain: string | null; status: string; users: { id: number; email: string; name: string }[] | null };

// Each organization with its first users (by id), in one statement.
const TENANT_COLUMNS = `o.id, o.name, o.domain, o.status::text AS status,
  (SELECT json_agg(json_build_object('id', u.id, 'email', u.email, 'name', u.name) ORDER BY u.id)
     FROM (SELECT id, email, name FROM customer_users WHERE organization_id = o.id ORDER BY id LIMIT $2) u) AS users`;

const tenantOf = (row: TenantRow): ImpersonationTenant => ({ ...row, users: row.users ?? [] });

// LIKE wildcards typed by the operator are matched literally.
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const marketplaceImpersonationTargets: ImpersonationTargets = {
  resourceModel: 'CustomerUser',

  async load(db: ImpersonationDb, userId: number) {
    const { rows } = await db.query<{ userId: number; orgId: number; email: string; name: string; orgName: string }>({
      name: 'marketplace_impersonation_target',
      text: `SELECT u.id AS "userId", u.organization_id AS "orgId", u.email, u.name, o.name AS "orgName"
             FROM customer_users u JOIN organizations o ON o.id = u.organization_id WHERE u.id = $1`,
      values: [userId],
    });
    return rows[0] ?? null;
  },

  async searchTenants(db, { text, limit, usersPerTenant }) {
    const id = /^\d{1,9}$/.test(text) ? Number(text) : null;
    const { rows } = await db.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM organizations o
       WHERE o.id = $3 OR o.name ILIKE $1 OR o.domain ILIKE $1
       ORDER BY (o.id = $3) DESC NULLS LAST, o.name LIMIT $4`,
      [likePattern(text), usersPerTenant, id, limit],
    );
    return rows.map(tenantOf);
  },

  async tenantsByIds(db, ids, usersPerTenant) {
    if (ids.length === 0) return [];
    const { rows } = await db.query<TenantRow>(
      `SELECT ${TENANT_COLUMNS} FROM organizations o WHERE o.id = ANY($1::int[]) ORDER BY array_position($1::int[], o.id)`,
      [ids, usersPerTenant],
    );
    return rows.map(tenantOf);
  },
};
