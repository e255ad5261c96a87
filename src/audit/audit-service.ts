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

  async function appendStandalone(event: AuditEvent): Promise<{ seq: string }> {
    const client = await pool.connect();
    let isBroken = false;
    try {
      await client.query('BEGIN');
      const result = await append(pgExecutor(client), event);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (isBroken = true));
      throw err;
    } finally {
      client.release(isBroken);
    }
  }

  return {
    append,
    appendStandalone,
    seal: () => sealAuditLog({ pool }),
    checkpoint: () => writeCheckpoint({ pool, signingKey }),
    verify: (options = {}) => verifyAuditChain({ pool, signingKey, ...options }),
  };
}
