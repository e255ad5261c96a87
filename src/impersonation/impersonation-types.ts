// The contract between the core's impersonation (sessions, audit, read-only gate, tokens) and the
// domain pack that owns customer users. The core never reads a pack's tables: a pack declares
// `impersonation` in definePlugin (src/platform/plugin.ts) and the core asks it who a customer is.
import type pg from 'pg';

/** A customer user as impersonation needs it: who, in which organization, and how to name them. */
export type ImpersonationTarget = {
  userId: number;
  /** The tenant: lists are scoped to it while the impersonation runs. */
  orgId: number | null;
  email: string;
  name: string;
  orgName: string | null;
};

/** An organization as the tenant switcher shows it, with a few of its users to pick from. */
export type ImpersonationTenant = {
  id: number;
  name: string;
  domain: string | null;
  status: string;
  users: { id: number; email: string; name: string }[];
};

export type ImpersonationDb = Pick<pg.Pool, 'query'>;

/** What a pack declares so its customer users can be impersonated (at most one pack may). */
export type ImpersonationTargets = {
  /** The AdminJS model of the customer users: its records get the "Impersonate" button. */
  resourceModel: string;
  /** The customer user with its organization; null when there is no such user. */
  load: (db: ImpersonationDb, userId: number) => Promise<ImpersonationTarget | null>;
  /** Organizations matching a name or domain fragment, or an id (the tenant switcher). */
  searchTenants: (db: ImpersonationDb, query: { text: string; limit: number; usersPerTenant: number }) => Promise<ImpersonationTenant[]>;
  /** These organizations, in the order given (the switcher's recent tenants). */
  tenantsByIds: (db: ImpersonationDb, ids: number[], usersPerTenant: number) => Promise<ImpersonationTenant[]>;
};

/** Why an impersonation is started: a code from this list, plus free text. */
export const IMPERSONATION_REASONS = [
  'customer_reported_issue',
  'reproduce_bug',
  'verify_fix',
  'onboarding_assistance',
  'configuration_review',
  'security_investigation',
  'other',
] as const;
export type ImpersonationReason = (typeof IMPERSONATION_REASONS)[number];

/** The backoffice action on the customer-user resource that opens the start form. */
export const IMPERSONATE_ACTION = 'impersonate';

export const DEFAULT_MINUTES = 60;
/** Seed 003: an impersonation lasts at most four hours. */
export const MAX_MINUTES = 240;

/** A running impersonation as the session, res.locals and GET /api/impersonations/current carry it. */
export type ActiveImpersonation = {
  id: string;
  operatorId: number;
  targetUserId: number;
  targetOrgId: number | null;
  reasonCode: string;
  ticketId: string | null;
  startedAt: string;
  expiresAt: string;
};

/** What the session remembers between requests (the row in `impersonations` is the truth). */
export type SessionImpersonation = { id: string; operatorId: number };

declare module 'express-session' {
  interface SessionData {
    /** The impersonation this session runs, if any (src/impersonation/). */
    impersonation?: SessionImpersonation;
  }
}
