// The audit service's contract. Everything that changes data or touches security writes through
// it; its implementation (chain, partitions, verifier) lives beside this file.

export type AuditOutcome = 'attempted' | 'succeeded' | 'failed' | 'denied';

export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['attempted', 'succeeded', 'failed', 'denied'];

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
  /**
   * Appends inside the caller's transaction: the change and its audit row commit or fail together.
   * `seq` is the row's place in the chain, final at once; the row is chained (hashed) by the sealer
   * within seconds of the commit (docs/adr/0004-audit-chain.md).
   */
  append: (sql: SqlExecutor, event: AuditEvent) => Promise<{ seq: string }>;
  /**
   * Appends several events in one statement inside the caller's transaction: the same rows as
   * `append` once per event in order (`seqs[i]` is `events[i]`'s number, ascending, so they are
   * chained in this order), all or none. An empty list writes nothing.
   */
  appendMany: (sql: SqlExecutor, events: AuditEvent[]) => Promise<{ seqs: string[] }>;
  /** Appends in a transaction of its own (logins, denials: no business change to join). */
  appendStandalone: (event: AuditEvent) => Promise<{ seq: string }>;
};

/** One row of the log as the API and the backoffice show it. */
export type AuditRecord = {
  seq: number;
  time: string;
  operatorId: number | null;
  operatorRoles: string[];
  impersonatedUserId: number | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  reasonCode: string | null;
  note: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
  outcome: AuditOutcome;
  /** sha256(previous hash || canonical row), hex. */
  hash: string;
};

/** Filters shared by GET /api/audit, its export and the backoffice screen. */
export type AuditFilters = {
  actor?: number;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** Inclusive lower and exclusive upper bound on the event time. */
  from?: Date;
  to?: Date;
  outcome?: AuditOutcome;
};

export type ChainProblemKind =
  | 'hash_mismatch'
  | 'missing'
  | 'duplicate'
  | 'beyond_head'
  | 'head_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature'
  | 'archive_signature'
  | 'archive_gap';

/** The verifier's answer: `GET /api/audit/verify` returns it as is. */
export type AuditVerification = {
  ok: boolean;
  /** Rows whose hash was recomputed and matched, up to the first problem. */
  checked: number;
  firstBadSeq: number | null;
  problem: { kind: ChainProblemKind; seq: number; detail: string } | null;
  headSeq: number;
  checkpointsChecked: number;
};
