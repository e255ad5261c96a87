// What every marketplace action shares: reading the target's id, locking rows so two actions on the
// same record serialise, formatting money for approvers, and the text stored in `...Reason` columns.
import { Prisma } from '@prisma/client';
import { notFound } from '../../../src/http/errors.js';
import type { ActionTarget, RunContext } from '../../../src/actions/define-action.js';

/** The parts of the run context the shared steps (refund, freeze, takedown, hold) use. */
export type StepContext = Pick<RunContext<unknown, unknown>, 'tx' | 'actor' | 'now' | 'reasonCode' | 'note' | 'changed' | 'emit' | 'enqueue'>;

/** Tables an action may lock: a closed list, because the name is spliced into the SQL. */
export type LockableTable =
  | 'orders' | 'payments' | 'organizations' | 'listings' | 'payouts' | 'risk_flags' | 'customer_users';

/**
 * How a row is locked. `NO KEY UPDATE` is what an UPDATE of non-key columns takes anyway: it
 * serialises two actions on one record but, unlike `FOR UPDATE`, does not block inserts of child
 * rows (a refund's ledger entry referencing an organization being frozen). `SHARE` is for a parent
 * that must not change under us while we change a child (a payout's organization).
 */
export type LockMode = 'NO KEY UPDATE' | 'SHARE';

/** Target ids are integers in this pack; anything else names no record (404, not 422). */
export function targetId(target: ActionTarget): number {
  const id = /^[1-9][0-9]{0,9}$/.test(target.id) ? Number(target.id) : NaN;
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw notFound(`No ${target.type} ${target.id}.`);
  return id;
}

/** Locks the rows with these ids (in id order, so two lockers never deadlock); returns the ids found. */
export async function lockRows(tx: Prisma.TransactionClient, table: LockableTable, ids: number[], mode: LockMode = 'NO KEY UPDATE'): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<{ id: number }[]>(
    Prisma.sql`SELECT id FROM ${Prisma.raw(`"${table}"`)} WHERE id IN (${Prisma.join(ids)}) ORDER BY id FOR ${Prisma.raw(mode)}`,
  );
  return rows.map((row) => row.id);
}

/** Locks one target row, or throws `notFound` when it does not exist. */
export async function lockTarget(tx: Prisma.TransactionClient, table: LockableTable, target: ActionTarget, mode: LockMode = 'NO KEY UPDATE'): Promise<number> {
  const id = targetId(target);
  const [found] = await lockRows(tx, table, [id], mode);
  if (found === undefined) throw notFound(`No ${target.type} ${target.id}.`);
  return id;
}

/**
 * Locks an organization (shared: it cannot be frozen, contained or held meanwhile) and then one of
 * its rows (a listing, a payout). Always the organization first, the order org.contain and the
 * organization-wide holds take their locks in, so the two never deadlock.
 */
export async function lockUnderOrganization(
  tx: Prisma.TransactionClient,
  { table, target, findOrgId }: { table: LockableTable; target: ActionTarget; findOrgId: (id: number) => Promise<number | null> },
): Promise<{ id: number; orgId: number }> {
  const id = targetId(target);
  // A row's organization never changes, so reading it before the lock is safe.
  const orgId = await findOrgId(id);
  if (orgId === null) throw notFound(`No ${target.type} ${target.id}.`);
  await lockRows(tx, 'organizations', [orgId], 'SHARE');
  return { id: await lockTarget(tx, table, target), orgId };
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
