// The audit service: the only writer of the audit log. `append` inserts the event into audit.inbox
// through the caller's transaction, where it takes its sequence number; the row commits or rolls
// back with the caller's change, and any failure is the caller's failure (never swallowed). The
// sealer chains committed rows within seconds (docs/adr/0004-audit-chain.md).
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import { currentRequest } from '../http/request-context.js';
import type { AuditEvent, AuditService, AuditVerification, SqlExecutor } from './types.js';
import { auditSnapshots } from './event-snapshot.js';
import { pgExecutor, registerPreparedStatement } from './sql-executor.js';
import { sealAuditLog } from './sealer.js';
import { writeCheckpoint, type StoredCheckpoint } from './checkpoints.js';
import { verifyAuditChain } from './verifier.js';

export const APPEND_SQL = `INSERT INTO audit.inbox (operator_id, operator_roles, impersonated_user_id, action, entity_type,
  entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome)
VALUES ($1::integer, $2::text[], $3::bigint, $4::varchar, $5::varchar, $6::varchar, $7::varchar, $8::text,
  $9::json, $10::json, $11::varchar, $12::varchar, $13::varchar, $14::varchar)
RETURNING seq::text AS seq`;
registerPreparedStatement(APPEND_SQL);

// Several events in one statement, in the order given. Each column travels as one array (the same
// text, numbers and casts as APPEND_SQL, so the stored rows are byte for byte those of `append`; the
// json text is cast from text, never re-rendered). Roles are a text[] per row, and unnest flattens a
// 2-D array, so they travel flat with each row's slice bounds. Rows take their numbers (nextval, the
// column default) in ordinality order, so the sealer chains them in event order.
export const APPEND_MANY_SQL = `WITH appended AS (
  INSERT INTO audit.inbox (operator_id, operator_roles, impersonated_user_id, action, entity_type,
    entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome)
  SELECT e.operator_id, ($2::text[])[e.roles_from:e.roles_to], e.impersonated_user_id, e.action, e.entity_type,
    e.entity_id, e.reason_code, e.note, e.before::json, e.after::json, e.ip, e.user_agent, e.correlation_id, e.outcome
  FROM unnest($1::integer[], $3::integer[], $4::integer[], $5::bigint[], $6::varchar[], $7::varchar[], $8::varchar[],
         $9::varchar[], $10::text[], $11::text[], $12::text[], $13::varchar[], $14::varchar[], $15::varchar[], $16::varchar[])
    WITH ORDINALITY AS e(operator_id, roles_from, roles_to, impersonated_user_id, action, entity_type, entity_id,
         reason_code, note, before, after, ip, user_agent, correlation_id, outcome, ordinality)
  ORDER BY e.ordinality
  RETURNING seq
)
SELECT seq::text AS seq FROM appended ORDER BY appended.seq`;
registerPreparedStatement(APPEND_MANY_SQL);

const USER_AGENT_MAX = 512;

// PostgreSQL text cannot hold NUL; a stray one must not fail the operation being audited.
const clean = (value: string | null | undefined): string | null => (value == null ? null : value.replace(/\0/g, '\uFFFD'));

/** The parameters of APPEND_SQL for an event, with the request's context when there is one. */
function appendParams(event: AuditEvent): unknown[] {
  const request = currentRequest();
  const { before, after } = auditSnapshots(event);
  const json = (value: unknown) => (value === null ? null : clean(JSON.stringify(value)));
  return [
    event.actor.operatorId ?? null,
    event.actor.roles.map((role) => clean(role)),
    event.actor.impersonatedUserId ?? null,
    clean(event.action),
    clean(event.entityType),
    clean(event.entityId),
    clean(event.reasonCode),
    clean(event.note),
    json(before),
    json(after),
    clean(request?.ip),
    clean(request?.userAgent)?.slice(0, USER_AGENT_MAX) ?? null,
    clean(request?.correlationId),
    event.outcome,
  ];
}

/** The parameters of APPEND_MANY_SQL: APPEND_SQL's for each event, one array per column. */
function appendManyParams(events: AuditEvent[]): unknown[] {
  const columns: unknown[][] = Array.from({ length: 16 }, () => []);
  const roles: unknown[] = [];
  for (const event of events) {
    const [operatorId, eventRoles, ...rest] = appendParams(event);
    columns[0].push(operatorId);
    columns[2].push(roles.length + 1);
    roles.push(...(eventRoles as unknown[]));
    columns[3].push(roles.length);
    rest.forEach((value, i) => columns[4 + i].push(value));
  }
  columns[1] = roles;
  return columns;
}

export type AuditServiceImpl = AuditService & {
  /** Chains what is committed now (tests and tools; in the platform the sealer runs on a timer). */
  seal: () => Promise<number>;
  checkpoint: () => Promise<StoredCheckpoint | null>;
  verify: (options?: { fromSeq?: number }) => Promise<AuditVerification>;
};

export function createAuditService({ pool, signingKey, logger }: { pool: pg.Pool; signingKey: string; logger?: Logger }): AuditServiceImpl {
  if (signingKey.length < 32) throw new Error('the audit signing key must be at least 32 characters');

  async function append(sql: SqlExecutor, event: AuditEvent): Promise<{ seq: string }> {
    try {
      const { rows } = await sql.query(APPEND_SQL, appendParams(event));
      return { seq: String(rows[0].seq) };
    } catch (err) {
      // Logged for the operators of the platform, then the caller's transaction fails with it.
      logger?.warn({ err, action: event.action }, 'audit append failed');
      throw err;
    }
  }

  async function appendMany(sql: SqlExecutor, events: AuditEvent[]): Promise<{ seqs: string[] }> {
    if (events.length === 0) return { seqs: [] };
    try {
      const { rows } = await sql.query(APPEND_MANY_SQL, appendManyParams(events));
      // Numbers are taken in event order and returned sorted, so the i-th is the i-th event's.
      if (rows.length !== events.length) throw new Error(`audit appendMany stored ${rows.length} rows for ${events.length} events`);
      return { seqs: rows.map((row) => String(row.seq)) };
    } catch (err) {
      logger?.warn({ err, actions: [...new Set(events.map((event) => event.action))], count: events.length }, 'audit append failed');
      throw err;
    }
  }

  // One INSERT is its own transaction: no BEGIN/COMMIT round trips needed around it.
  function appendStandalone(event: AuditEvent): Promise<{ seq: string }> {
    return append(pgExecutor(pool), event);
  }

  return {
    append,
    appendMany,
    appendStandalone,
    seal: () => sealAuditLog({ pool }),
    checkpoint: () => writeCheckpoint({ pool, signingKey }),
    verify: (options = {}) => verifyAuditChain({ pool, signingKey, ...options }),
  };
}
