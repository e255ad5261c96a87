// Reading the log: the filters of GET /api/audit, its export and the backoffice screen, turned into
// SQL that an index serves (operator, action, entity, time), keyset pages on the sequence number
// (newest first), and rows shaped as AuditRecord. Never a COUNT(*), never an OFFSET.
import { z } from 'zod';
import type pg from 'pg';
import { AUDIT_OUTCOMES, type AuditFilters, type AuditOutcome, type AuditRecord, type SqlExecutor } from './types.js';

// ISO 8601 dates or date-times (a date alone is midnight UTC).
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone')
  .transform((value) => new Date(value))
  .refine((date) => !Number.isNaN(date.getTime()), 'is not a valid date');

export const auditFiltersSchema = z
  .object({
    actor: z.coerce.number().int().positive().max(2_147_483_647).optional(),
    action: z.string().min(1).max(200).optional(),
    entityType: z.string().min(1).max(100).optional(),
    entityId: z.string().min(1).max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    outcome: z.enum(AUDIT_OUTCOMES as [AuditOutcome, ...AuditOutcome[]]).optional(),
  })
  .strict()
  .refine((f) => !(f.entityId && !f.entityType), { message: 'needs entityType as well', path: ['entityId'] })
  .refine((f) => !(f.from && f.to && f.from >= f.to), { message: 'must be after from', path: ['to'] });

export const auditListSchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(40).optional(),
  })
  .passthrough();

/** The cursor is opaque to clients: the last sequence number of the page, encoded. */
export const encodeCursor = (seq: number): string => Buffer.from(`s${seq}`).toString('base64url');

export function decodeCursor(cursor: string): number | null {
  const match = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

export const RECORD_COLUMNS = `seq, occurred_at, operator_id, operator_roles, impersonated_user_id, action, entity_type,
  entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome, hash`;

/** `WHERE` conditions for the filters, appending their values to `params`. */
export function auditWhere(filters: AuditFilters, params: unknown[]): string {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filters.actor !== undefined) add('operator_id = ?', filters.actor);
  if (filters.action !== undefined) add('action = ?', filters.action);
  if (filters.entityType !== undefined) add('entity_type = ?', filters.entityType);
  if (filters.entityId !== undefined) add('entity_id = ?', filters.entityId);
  if (filters.from !== undefined) add('occurred_at >= ?', filters.from);
  if (filters.to !== undefined) add('occurred_at < ?', filters.to);
  if (filters.outcome !== undefined) add('outcome = ?', filters.outcome);
  return conditions.length ? conditions.join(' AND ') : 'TRUE';
}

type Row = {
  seq: string; occurred_at: Date; operator_id: number | null; operator_roles: string[]; impersonated_user_id: string | null;
  action: string; entity_type: string | null; entity_id: string | null; reason_code: string | null; note: string | null;
  before: unknown; after: unknown; ip: string | null; user_agent: string | null; correlation_id: string | null;
  outcome: AuditOutcome; hash: Buffer;
};

export function toAuditRecord(row: Row): AuditRecord {
  return {
    seq: Number(row.seq),
    time: row.occurred_at.toISOString(),
    operatorId: row.operator_id,
    operatorRoles: row.operator_roles,
    impersonatedUserId: row.impersonated_user_id === null ? null : Number(row.impersonated_user_id),
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    reasonCode: row.reason_code,
    note: row.note,
    before: row.before,
    after: row.after,
    ip: row.ip,
    userAgent: row.user_agent,
    correlationId: row.correlation_id,
    outcome: row.outcome,
    hash: row.hash.toString('hex'),
  };
}

/** One page, newest first, strictly before `beforeSeq` when given. */
export async function listAuditRecords(pool: Pick<pg.Pool, 'query'>, { filters, limit, beforeSeq }: {
  filters: AuditFilters;
  limit: number;
  beforeSeq?: number;
}): Promise<{ items: AuditRecord[]; nextSeq: number | null }> {
  const params: unknown[] = [];
  let where = auditWhere(filters, params);
  if (beforeSeq !== undefined) {
    params.push(beforeSeq);
    where += ` AND seq < $${params.length}`;
  }
  params.push(limit + 1);
  const { rows } = await pool.query<Row>(
    `SELECT ${RECORD_COLUMNS} FROM audit.events WHERE ${where} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map(toAuditRecord);
  return { items, nextSeq: rows.length > limit ? items[items.length - 1].seq : null };
}

export async function findAuditRecords(pool: Pick<pg.Pool, 'query'>, seqs: number[]): Promise<AuditRecord[]> {
  if (seqs.length === 0) return [];
  const { rows } = await pool.query<Row>(`SELECT ${RECORD_COLUMNS} FROM audit.events WHERE seq = ANY($1::bigint[]) ORDER BY seq DESC`, [seqs]);
  return rows.map(toAuditRecord);
}

/**
 * Sealed rows after `afterSeq` in chain order (oldest first), at most `limit`, up to `upToSeq` when
 * given: how projections follow the log. Sealed rows have no gap and never change, so a reader
 * that remembers the last number it handled misses nothing.
 */
export async function listAuditRecordsAfter(db: SqlExecutor, { afterSeq, upToSeq, limit }: {
  afterSeq: string;
  upToSeq?: string | null;
  limit: number;
}): Promise<AuditRecord[]> {
  const { rows } = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM audit.events WHERE seq > $1::bigint AND ($2::bigint IS NULL OR seq <= $2::bigint) ORDER BY seq LIMIT $3`,
    [afterSeq, upToSeq ?? null, limit],
  );
  return (rows as Row[]).map(toAuditRecord);
}
