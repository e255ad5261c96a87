// What every marketplace action shares: reading the target's id, locking rows so two actions on the
// same record serialise, formatting money for approvers, and the text stored in `...Reason` columns.
// Locks and reads are plain SQL over `ctx.sql` (see sql-rows.ts for why): a row is locked and read
// in one statement, which also reads it as it is once the lock is ours.
import { notFound } from '../../../src/http/errors.js';
import type { ActionTarget, RunContext, SqlTag } from '../../../src/actions/define-action.js';
import { SqlText, withSqlText, type SelectList } from './sql-rows.js';

/** The parts of the run context the shared steps (refund, freeze, takedown, hold) use. */
export type StepContext = Pick<RunContext<unknown, unknown>, 'sql' | 'send' | 'actor' | 'now' | 'reasonCode' | 'note' | 'changed' | 'emit' | 'enqueue'>;

/** Tables an action may lock: a closed list, because the name is spliced into the SQL. */
export type LockableTable =
  | 'orders' | 'payments' | 'organizations' | 'listings' | 'payouts' | 'risk_flags' | 'customer_users' | 'disputes' | 'shipments';

/**
 * How a row is locked. `NO KEY UPDATE` is what an UPDATE of non-key columns takes anyway: it
 * serialises two actions on one record but, unlike `FOR UPDATE`, does not block inserts of child
 * rows (a refund's ledger entry referencing an organization being frozen). `SHARE` is for a parent
 * that must not change under us while we change a child (a payout's organization).
 */
export type LockMode = 'NO KEY UPDATE' | 'SHARE';

const tableName = (table: LockableTable) => new SqlText(`"${table}"`);
const lockClause = (mode: LockMode) => new SqlText(`FOR ${mode}`);

/** Target ids are integers in this pack; anything else names no record (404, not 422). */
export function targetId(target: ActionTarget): number {
  const id = /^[1-9][0-9]{0,9}$/.test(target.id) ? Number(target.id) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw notFound(`No ${target.type} ${target.id}.`);
  return id;
}

/** Locks the rows with these ids (in id order, so two lockers never deadlock); returns the ids found. */
export async function lockRows(sql: SqlTag, table: LockableTable, ids: number[], mode: LockMode = 'NO KEY UPDATE'): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await withSqlText(sql)<{ id: number }>`
    SELECT id FROM ${tableName(table)} WHERE id = ANY(${ids}::int[]) ORDER BY id ${lockClause(mode)}`;
  return rows.map((row) => row.id);
}

/** Locks one target row, or throws `notFound` when it does not exist. */
export async function lockTarget(sql: SqlTag, table: LockableTable, target: ActionTarget, mode: LockMode = 'NO KEY UPDATE'): Promise<number> {
  const id = targetId(target);
  const [found] = await lockRows(sql, table, [id], mode);
  if (found === undefined) throw notFound(`No ${target.type} ${target.id}.`);
  return id;
}

/** Locks one target row and returns it (`columns` from sql-rows.ts), or throws `notFound`. */
export async function lockRow<T>(
  sql: SqlTag,
  { table, target, columns, mode = 'NO KEY UPDATE' }: { table: LockableTable; target: ActionTarget; columns: SelectList; mode?: LockMode },
): Promise<T> {
  const id = targetId(target);
  const [row] = await withSqlText(sql)<T>`SELECT ${columns()} FROM ${tableName(table)} WHERE id = ${id} ${lockClause(mode)}`;
  if (row === undefined) throw notFound(`No ${target.type} ${target.id}.`);
  return row;
}

/**
 * Locks a seller's organization (shared: it cannot be frozen, contained or held meanwhile) and
 * then one of its rows (a listing, a payout), which it returns. Always the organization first, the
 * order org.contain and the organization-wide holds take their locks in, so the two never deadlock.
 */
export async function lockUnderOrganization<T>(
  sql: SqlTag,
  { table, target, columns }: { table: 'listings' | 'payouts'; target: ActionTarget; columns: SelectList },
): Promise<{ row: T; orgId: number }> {
  const id = targetId(target);
  // A row's organization never changes, so reading it in the locking statement is safe.
  const [org] = await withSqlText(sql)<{ id: number }>`
    SELECT id FROM organizations WHERE id = (SELECT seller_org_id FROM ${tableName(table)} WHERE id = ${id}) FOR SHARE`;
  if (org === undefined) throw notFound(`No ${target.type} ${target.id}.`);
  return { row: await lockRow<T>(sql, { table, target, columns }), orgId: org.id };
}

/** Minor units as the approver reads them: 15000 USD -> "150.00 USD" (JPY has no decimals). */
export function formatMoney(amount: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: keep two decimals rather than fail the approval message.
  }
  return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
}

/** What `freezeReason`, `takedownReason`, ... store: the reason code, then the operator's note. */
export function reasonText({ reasonCode, note }: { reasonCode: string; note: string | null }): string {
  return note ? `${reasonCode}: ${note}` : reasonCode;
}
