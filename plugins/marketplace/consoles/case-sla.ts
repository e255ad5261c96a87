// When a support case or a dispute counts as "in breach of its SLA": defined once, here, for the
// dashboard's figures, the disputes queue and their drill-downs.
//
// Support cases: a case still open (open, waiting on buyer or seller) is in breach once the minute
// sweep marked it (`sla_breached_at`, plugins/marketplace/support/sla-breach-sweep.ts), or when it
// is past its first-response due time unanswered and the sweep has not come round yet.

export const OPEN_SUPPORT_CASE_STATUSES = ['open', 'waiting_on_buyer', 'waiting_on_seller'] as const;

/** The same condition as a Prisma `where` on SupportCase (the backoffice list's "past SLA" filter). */
export const supportCaseBreachedWhere = (now: Date) => ({
  status: { in: [...OPEN_SUPPORT_CASE_STATUSES] },
  OR: [{ slaBreachedAt: { not: null } }, { firstRespondedAt: null, slaFirstResponseDueAt: { lt: now } }],
});

/** SQL condition over `support_cases` (alias `c`); `now` names the parameter holding the current time (`$1`). */
export const supportCaseBreachedSql = (now: string) =>
  `c.status IN ('open', 'waiting_on_buyer', 'waiting_on_seller')
   AND (c.sla_breached_at IS NOT NULL OR (c.first_responded_at IS NULL AND c.sla_first_response_due_at < ${now}))`;

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
