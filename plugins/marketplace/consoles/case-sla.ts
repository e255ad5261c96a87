// When a support case or a dispute counts as "in breach of its SLA": defined once, here, for the
// dashboard's figures, the disputes queue and their drill-downs.
//
// Support cases: the table has only `sla_first_response_due_at` today; a case still waiting on us
// (open, waiting on buyer or seller) past that time is in breach. When cases record their first
// response (`first_responded_at`) and breach time (`sla_breached_at`), this is the one place to
// switch: breached = sla_breached_at IS NOT NULL AND status still open-ish.

export const OPEN_SUPPORT_CASE_STATUSES = ['open', 'waiting_on_buyer', 'waiting_on_seller'] as const;

/** The same condition as a Prisma `where` on SupportCase (the backoffice list's "past SLA" filter). */
export const supportCaseBreachedWhere = (now: Date) => ({ status: { in: [...OPEN_SUPPORT_CASE_STATUSES] }, slaFirstResponseDueAt: { lt: now } });

/** SQL condition over `support_cases` (alias `c`); `now` names the parameter holding the current time (`$1`). */
export const supportCaseBreachedSql = (now: string) =>
  `c.status IN ('open', 'waiting_on_buyer', 'waiting_on_seller') AND c.sla_first_response_due_at < ${now}`;

/** Disputes that still need work; resolved and closed ones have no SLA clock. */
export const OPEN_DISPUTE_STATUSES = ['open', 'awaiting_evidence', 'under_review'] as const;
export type OpenDisputeStatus = (typeof OPEN_DISPUTE_STATUSES)[number];

/** SQL condition over `disputes` (alias `d`); `now` names the parameter holding the current time. */
export const disputeBreachedSql = (now: string) => `d.status IN ('open', 'awaiting_evidence', 'under_review') AND d.sla_due_at < ${now}`;

/** The SLA clock the consoles show: seconds left (negative once overdue), null without a clock. */
export function slaClock({ status, slaDueAt, now }: { status: string; slaDueAt: Date; now: Date }): { secondsLeft: number; isOverdue: boolean } | null {
  if (!(OPEN_DISPUTE_STATUSES as readonly string[]).includes(status)) return null;
  const secondsLeft = Math.floor((slaDueAt.getTime() - now.getTime()) / 1000);
  return { secondsLeft, isOverdue: secondsLeft < 0 };
}
