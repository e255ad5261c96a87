// What the support case actions share: locking and reading a case (Prisma-shaped, for audit
// before/after), the entities a case can be linked to, and recording the first response.
import type { SupportCase } from '@prisma/client';
import type { ActionTarget, RunContext, SqlTag } from '../../../src/actions/define-action.js';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { notFound, validationFailed } from '../../../src/http/errors.js';
import { targetId } from '../actions/action-support.js';
import { SqlText, withSqlText } from '../actions/sql-rows.js';

const CASE_COLUMNS = `id, subject, status, priority, assignee_operator_id AS "assigneeOperatorId", order_id AS "orderId",
  organization_id AS "organizationId", customer_user_id AS "customerUserId", sla_first_response_due_at AS "slaFirstResponseDueAt",
  first_responded_at AS "firstRespondedAt", sla_breached_at AS "slaBreachedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** The column list, spliced into statements by withSqlText (never input). */
const caseColumnList = new SqlText(CASE_COLUMNS);
export const caseColumns = (): SqlText => caseColumnList;

/** Locks the target case and reads it; `notFound` when there is none. */
export async function lockCase(sql: SqlTag, target: ActionTarget): Promise<SupportCase> {
  const id = targetId(target);
  const [row] = await withSqlText(sql)<SupportCase>`SELECT ${caseColumnList} FROM support_cases WHERE id = ${id} FOR NO KEY UPDATE`;
  if (!row) throw notFound(`No support case ${target.id}.`);
  return row;
}

export function refuseIfClosed(supportCase: SupportCase): void {
  if (supportCase.status === 'closed') throw actionRefused('case_closed', `Support case ${supportCase.id} is closed; open a new case instead.`);
}

/**
 * The entity types a case may be linked to, and their tables. A closed list: the table name is
 * spliced into SQL, and a link must name a record that exists.
 */
export const LINKABLE_TABLES = {
  order: 'orders', checkout: 'checkouts', shipment: 'shipments', payment: 'payments', refund: 'refunds',
  payout: 'payouts', dispute: 'disputes', listing: 'listings', organization: 'organizations',
  customer_user: 'customer_users', risk_flag: 'risk_flags', trust_case: 'trust_cases',
} as const;
export type LinkableType = keyof typeof LINKABLE_TABLES;
export const LINKABLE_TYPES = Object.keys(LINKABLE_TABLES) as LinkableType[];

export type CaseLink = { type: LinkableType; id: string };

/** Checks every link names an existing record (one statement); 404 naming the first that does not. */
export async function checkLinks(sql: SqlTag, links: CaseLink[]): Promise<void> {
  const byType = new Map<LinkableType, number[]>();
  for (const link of links) {
    const id = /^[1-9][0-9]{0,9}$/.test(link.id) ? Number(link.id) : NaN;
    if (!Number.isSafeInteger(id) || id > 2_147_483_647) throw notFound(`No ${link.type} ${link.id}.`);
    byType.set(link.type, [...(byType.get(link.type) ?? []), id]);
  }
  // One statement per type (a table name is not a parameter), sent together.
  const found = await Promise.all([...byType].map(([type, ids]) => {
    const strings = [`SELECT id::text AS id FROM ${LINKABLE_TABLES[type]} WHERE id = ANY(`, '::int[])'];
    return sql<{ id: string }>(Object.assign(strings, { raw: strings }), ids).then((rows) => rows.map((r) => `${type}:${r.id}`));
  }));
  const seen = new Set(found.flat());
  const missing = links.find((l) => !seen.has(`${l.type}:${Number(l.id)}`));
  if (missing) throw notFound(`No ${missing.type} ${missing.id}.`);
}

/** Links given more than once count once; the target comes first. */
export function uniqueLinks(links: CaseLink[]): CaseLink[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    const key = `${l.type}:${Number(l.id)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).map((l) => ({ type: l.type, id: String(Number(l.id)) }));
}

export function linkableTarget(target: ActionTarget): CaseLink {
  if (!Object.hasOwn(LINKABLE_TABLES, target.type)) throw validationFailed(`A support case cannot be linked to a ${target.type}.`);
  return { type: target.type as LinkableType, id: target.id };
}

/**
 * The case's first response is the first note or status change by a person after it was opened:
 * stamped once. Answered after the due time, the breach is recorded too (the sweep may not have
 * run yet). Returns the case as it is after.
 */
export function withFirstResponse(ctx: Pick<RunContext<unknown, unknown>, 'now' | 'actor'>, supportCase: SupportCase, isSystem: boolean): SupportCase {
  if (supportCase.firstRespondedAt !== null || isSystem) return supportCase;
  const isLate = ctx.now.getTime() > supportCase.slaFirstResponseDueAt.getTime();
  return { ...supportCase, firstRespondedAt: ctx.now, slaBreachedAt: supportCase.slaBreachedAt ?? (isLate ? supportCase.slaFirstResponseDueAt : null) };
}

/** True when the actor is a system principal (docs/adr/0017): its work is no response. */
export const isSystemActor = (actor: { roles: string[] }): boolean => actor.roles.some((r) => r.startsWith('system:'));
