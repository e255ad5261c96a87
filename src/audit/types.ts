// The audit service's contract. Everything that changes data or touches security writes through
// it; its implementation (chain, partitions, verifier) lives beside this file.

export type AuditOutcome = 'attempted' | 'succeeded' | 'failed' | 'denied';

export type AuditActor = {
  operatorId: number | null;
  roles: string[];
  impersonatedUserId?: number | null;
};

export type AuditEvent = {
  actor: AuditActor;
  /** What happened: `<Resource>.<action>` for backoffice writes, `session.login`, `access.denied`, ... */
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  reasonCode?: string | null;
  note?: string | null;
  /** Snapshots; the service stores a diff for updates and masks `secretFields`. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  secretFields?: string[];
  outcome: AuditOutcome;
};

/** Anything that can run a parameterised query inside the caller's transaction. */
export type SqlExecutor = { query: (sql: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

export type AuditService = {
  /** Appends inside the caller's transaction: the change and its audit row commit or fail together. */
  append: (sql: SqlExecutor, event: AuditEvent) => Promise<{ seq: string }>;
  /** Appends in a transaction of its own (logins, denials: no business change to join). */
  appendStandalone: (event: AuditEvent) => Promise<{ seq: string }>;
};
