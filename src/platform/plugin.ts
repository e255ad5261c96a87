// The one entry through which a domain pack extends a deployment: its resources (AdminJS over its
// Prisma models), its permissions and their seed grants, and its demo/scale data. Later
// capabilities (actions, flags, timeline and search sources) hang off the same definition, so
// adding to a deployment stays configuration.
import type pg from 'pg';
import type { PrismaClient } from '@prisma/client';
import type { ResourceOptions } from 'adminjs';
import type { Logger } from './logger.js';
import type { Permission, PermissionCatalog } from '../rbac/permissions.js';
import type { SeedRoleKey } from '../rbac/seed-roles.js';
import type { PiiKind } from '../rbac/masking.js';
import type { ActionDefinition } from '../actions/define-action.js';
import type { OutboxHandler } from '../actions/outbox.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ImpersonationTargets } from '../impersonation/impersonation-types.js';
import type { FlagSpec } from '../flags/flag-catalog.js';
import type { PackSettings } from '../config/pack-settings.js';
import type { SearchSource } from '../search/search-types.js';
import type { PluginTimeline } from '../timeline/timeline-types.js';
import type { SystemPrincipalSpec } from '../auth/system-principals.js';
import type { ScheduledJob } from '../actions/scheduled-jobs.js';
import type { DashboardFigure, ReadModelRefresh } from '../dashboard/dashboard-types.js';
import type { PluginRoute } from './plugin-routes.js';
import type { PluginWebhook } from './plugin-webhooks.js';
import type { ConsoleDefinition } from '../consoles/console-types.js';

/** Per-action limits of a role, in minor units per currency: `{ 'order.refund': { USD: 10000 } }`. */
export type RoleLimits = Record<string, Record<string, number>>;

/**
 * Who may do what with a resource in the backoffice. Every key must be in the permission catalog
 * (checked at start). An absent key means nobody, not even a Super Admin: the generated backoffice
 * only writes where a resource says so.
 */
export type ResourceAccess = {
  /** list, show and search. */
  read: Permission;
  /** new (create a record). */
  create?: Permission;
  /** edit (change a record). */
  write?: Permission;
  /** delete and bulkDelete; most records prefer reversible state (status, frozenAt) instead. */
  delete?: Permission;
  /**
   * The resource's own custom AdminJS actions by name (e.g. an inbox's approve); an undeclared one
   * is refused. The action runner's buttons are not declared here: they are derived from the
   * actions that target the resource's `entityType`, with each action's own permission.
   */
  actions?: Record<string, Permission>;
};

/** A Prisma `where` over the resource's model. */
export type RowFilter = Record<string, unknown>;

/**
 * A filter that is not a column (e.g. the approvals inbox's "pending for me"), offered in the
 * list's filter drawer under its name: `where(value, operator)` is its condition, null matches
 * nothing (an unknown value).
 */
export type VirtualFilter = {
  values: { value: string; label: string }[];
  where: (value: string, operator: OperatorPrincipal) => RowFilter | null;
};

export type ResourceDefinition = {
  /** Prisma model name, e.g. 'Order'. */
  model: string;
  /** The entity type actions and audit rows call it (`order`, `customer_user`): the API's target type. */
  entityType?: string;
  /** Navigation group shown in the backoffice sidebar. */
  navigation: string;
  /** Tables that can hold millions of rows get estimated totals and keyset paging. */
  isLarge?: boolean;
  /** For large tables: indexed properties a list may sort by (the id always can). */
  sortable?: string[];
  /** Columns that never leave the server (password hashes, secrets): not even in API responses. */
  secretFields?: string[];
  /** Required permissions per action (deny by default). */
  access: ResourceAccess;
  /** Personal data, shown masked to operators without `pii.read` (lists, show pages, titles, API). */
  pii?: Record<string, PiiKind>;
  /**
   * Every installed action targeting `entityType` is a button on the record (the action runner runs
   * it with the record as target); these action ids are also offered in bulk on selected records.
   */
  bulkActions?: string[];
  /**
   * The rows an operator may see at all, enforced by the resource itself on every read (list,
   * count, show, search, bulk selections, related records): what is outside does not exist for
   * them. Without it, whoever holds `access.read` sees every row.
   */
  visibleTo?: (operator: OperatorPrincipal) => RowFilter;
  /** Filters that are not columns, by name (see VirtualFilter). */
  virtualFilters?: Record<string, VirtualFilter>;
  /**
   * The rows of one customer organization: while an operator impersonates a customer user, every
   * read of the resource (list, count, show, search, related records) is limited to the target's
   * organization (src/impersonation/). Without it, the resource is not scoped.
   */
  tenantScope?: (orgId: number) => RowFilter;
  /**
   * A declared flag (src/flags/) the whole resource sits behind: while it is off for an operator the
   * resource leaves their navigation and its backoffice data calls answer 403 `feature_disabled`
   * (audited). Its actions keep their own `flag`.
   */
  flag?: string;
  /** AdminJS resource options (list columns, filters, sort); configuration only. */
  options?: ResourceOptions;
};

export type SeedContext = {
  pool: pg.Pool;
  prisma: PrismaClient;
  log: Logger;
  /** Seed for the deterministic generator: the same seed gives the same data. */
  seed: number;
};

export type Plugin = {
  id: string;
  resources: ResourceDefinition[];
  /** The pack's permission keys and what each allows, e.g. `{ 'order.read': 'See orders' }`. */
  permissions?: PermissionCatalog;
  /**
   * Which seeded roles get each of the pack's permissions when the roles are first created (Super
   * Admin and Platform admin get every key anyway). Every key of `permissions` must appear.
   */
  seedGrants?: Record<Permission, SeedRoleKey[]>;
  /**
   * The pack's feature flags (src/flags/flag-catalog.ts), each named `<plugin id>.<name>`; created
   * in Unleash at start when missing. Declare them with defineFlags() to keep the literal keys.
   */
  flags?: Record<string, FlagSpec>;
  /**
   * The pack's own environment variables (src/config/pack-settings.ts), validated at start with the
   * core's configuration; its code reads them with `packSettings(config, <this>)`. One object, or
   * one per capability of the pack.
   */
  settings?: PackSettings<any> | readonly PackSettings<any>[];
  /** The pack's operator actions (one file each), run by the action runner on both faces. */
  actions?: ActionDefinition[];
  /** The pack's entities in the omnibox: the identifiers that find each and how a row reads (src/search/). */
  search?: SearchSource[];
  /** The pack's customer users as impersonation targets (at most one installed pack declares it). */
  impersonation?: ImpersonationTargets;
  /** Figures the pack adds to the operations dashboard (src/dashboard/), each with its permission and drill-down. */
  dashboard?: DashboardFigure[];
  /** Read models the dashboard's minute job refreshes before computing figures (docs/adr/0019-dashboard-read-models.md). */
  readModels?: ReadModelRefresh[];
  /**
   * The entity timeline (src/timeline/): which entities an entry about one of the pack's subjects
   * also belongs on (links, resolved in batch), the subject types' read permissions, and the pack's
   * own tables the timeline follows (support notes).
   */
  timeline?: PluginTimeline;
  /** Non-human actors the pack's workflows run actions as (src/auth/system-principals.ts, docs/adr/0017). */
  systemPrincipals?: SystemPrincipalSpec[];
  /** Sweeps and workflow steps on pg-boss's cron (src/actions/scheduled-jobs.ts). */
  scheduledJobs?: ScheduledJob[];
  /**
   * The pack's HTTP routes under /api (src/platform/plugin-routes.ts), each with its permission;
   * listed in the route table, the RBAC matrix and the OpenAPI document like the core's.
   */
  routes?: PluginRoute[];
  /**
   * Inbound webhooks under /api/webhooks (src/platform/plugin-webhooks.ts): signature-authenticated,
   * raw body, outside the operator session and its request checks.
   */
  webhooks?: PluginWebhook[];
  /** The pack's consoles: an AdminJS page each, over read-model routes under /api/consoles/<id> (src/consoles/). */
  consoles?: ConsoleDefinition[];
  /** Side-effect handlers by outbox message kind (notifications, external calls). */
  outboxHandlers?: Record<string, OutboxHandler>;
  /** Limits written into seeded roles when they are first created; editable as role data after. */
  seedLimits?: Partial<Record<SeedRoleKey, RoleLimits>>;
  /** A small realistic data set, run once on a first start. */
  seedDemo?: (ctx: SeedContext) => Promise<void>;
  /** Bulk generator for `npm run seed -- --orders N`; returns rows written per table. */
  seedScale?: (ctx: SeedContext & { orders: number }) => Promise<Record<string, number>>;
};

export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
