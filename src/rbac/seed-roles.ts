// The seeded roles (seed 000's five marketplace roles, seed 003's nine internal roles) and what
// they are granted when first created. Roles are data: ensureSeedRoles creates missing ones and
// never touches an existing role, so edits made by role managers survive restarts
// (src/rbac/ensure-seed-roles.ts).
//
// Grants are written permission by permission (who gets this key?): the core's here, each domain
// pack's beside its permission declarations (`seedGrants` in definePlugin). `npm run docs:rbac`
// renders the whole matrix into docs/rbac-matrix.md, the one table to read.
import type { CORE_PERMISSIONS } from './permissions.js';

export const SEED_ROLES = [
  // ---- seed 000: the marketplace's admin roles
  { key: 'support_agent', name: 'Support Agent', seed: '000', description: 'Views all entities; opens and works support cases; cancels orders and issues refunds within limits.' },
  { key: 'risk_agent', name: 'Risk/Trust Agent', seed: '000', description: 'Holds payouts, freezes orgs, takes listings down, works risk flags and trust cases; sees personal data.' },
  { key: 'finance_admin', name: 'Finance Admin', seed: '000', description: 'Money views; manual ledger adjustments, payout gating overrides, refunds above the limit.' },
  { key: 'catalog_admin', name: 'Catalog Admin', seed: '000', description: 'Approves and publishes catalog changes; deprecates and reactivates items.' },
  { key: 'super_admin', name: 'Super Admin', seed: '000', description: 'Every permission: manages roles; emergency actions.', holdsEverything: true },
  // ---- seed 003: the internal operations roles
  { key: 'support_tier_1', name: 'Support tier 1', seed: '003', description: 'Read-only support views (no personal data); escalates to tier 2.' },
  { key: 'support_tier_2', name: 'Support tier 2', seed: '003', description: 'Support views plus limited changes: support cases, shipment fixes, pre-ship cancellations.' },
  { key: 'support_admin', name: 'Support admin', seed: '003', description: 'Full support capabilities: refunds over the limit, disputes, suspensions, impersonation, personal data.' },
  { key: 'implementation_specialist', name: 'Implementation specialist', seed: '003', description: 'Onboarding: seller and catalog setup (catalog writes), read access to what it touches.' },
  { key: 'implementation_manager', name: 'Implementation manager', seed: '003', description: 'Implementation specialist plus assignment and escalation (support cases, approvals).' },
  { key: 'client_success', name: 'Client success', seed: '003', description: 'Read-only health monitoring of customers: orders, payouts, disputes, cases.' },
  { key: 'hotline_operator', name: 'Hotline operator', seed: '003', description: 'Intake only: finds the customer and order, opens support cases and adds notes.' },
  { key: 'hotline_supervisor', name: 'Hotline supervisor', seed: '003', description: 'Hotline operator plus reassignment, QA approvals and the audit log.' },
  { key: 'platform_admin', name: 'Platform admin', seed: '003', description: 'Full system access: every permission.', holdsEverything: true },
] as const satisfies readonly { key: string; name: string; seed: '000' | '003'; description: string; holdsEverything?: boolean }[];

export type SeedRoleKey = (typeof SEED_ROLES)[number]['key'];
export type SeedRole = { key: SeedRoleKey; name: string; seed: '000' | '003'; description: string; holdsEverything?: boolean };

const EVERY_ROLE: SeedRoleKey[] = SEED_ROLES.filter((r) => !('holdsEverything' in r)).map((r) => r.key);

/** Core permission -> the seeded roles granted it (besides the two that hold everything). */
export const CORE_SEED_GRANTS: Record<keyof typeof CORE_PERMISSIONS, SeedRoleKey[]> = {
  // Case pickers (assignee) and "placed by"/"frozen by" links need to see operators.
  'operator.read': ['support_agent', 'risk_agent', 'finance_admin', 'catalog_admin', 'support_tier_2', 'support_admin', 'implementation_manager', 'hotline_supervisor'],
  'operator.manage': [],
  // Everyone may see what each role allows (the Roles & permissions screen).
  'role.read': EVERY_ROLE,
  'role.manage': [],
  'audit.read': ['risk_agent', 'finance_admin', 'support_admin', 'hotline_supervisor'],
  'audit.export': [],
  'audit.verify': [],
  // Anyone may run some action, or ask for an approval: everyone sees their own runs and requests.
  'run.own.read': EVERY_ROLE,
  'run.read': ['risk_agent', 'finance_admin', 'support_admin', 'hotline_supervisor'],
  'approval.read': EVERY_ROLE,
  'approval.decide': ['risk_agent', 'finance_admin', 'catalog_admin', 'support_admin', 'implementation_manager', 'hotline_supervisor'],
  'pii.read': ['risk_agent', 'support_admin'],
  'user.impersonate': ['support_admin'],
  'flag.read': EVERY_ROLE,
  // Flags switch features for every customer (kill switches, releases, experiment winners): only the
  // administrators who hold every key change them, and always with a second one approving
  // (docs/adr/0013-flag-change-requests.md). Grant it to a product role once a deployment has one.
  'flag.change': [],
  // Experiment results are product analytics: catalog admins (who own what is sold and how it is
  // shown) and client success (who watch customer health) read them. Designing and running
  // experiments is the administrators' for now (Super Admin and Platform admin hold every key);
  // so is sending events as an operator: client apps post with an API token of scope experiments:ingest (docs/adr/0014).
  'experiment.read': ['catalog_admin', 'client_success'],
  'experiment.manage': [],
  'experiment.ingest': [],
  // Machine clients' credentials are the administrators' (Super Admin and Platform admin hold every key).
  'api_token.read': [],
  'api_token.manage': [],
  // Sessions are the administrators' (Super Admin and Platform admin hold every key).
  'session.read': [],
  'session.revoke': [],
};
