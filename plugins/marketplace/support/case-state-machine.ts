// A support case's statuses and the moves between them, as data (seed 000: Open -> WaitingOnBuyer /
// WaitingOnSeller -> Resolved -> Closed). Waiting cases go back to open when the other side answers,
// or straight to resolved; a resolved case can be reopened until it is closed. Closed is terminal:
// a closed case is the record of what was done, and new trouble is a new case linked to the same
// entities (reopening would rewrite the history a closed case's SLA figures were counted on).
import type { SupportCaseStatus } from '@prisma/client';

export const CASE_STATUSES = ['open', 'waiting_on_buyer', 'waiting_on_seller', 'resolved', 'closed'] as const satisfies readonly SupportCaseStatus[];

export const CASE_TRANSITIONS: Readonly<Record<SupportCaseStatus, readonly SupportCaseStatus[]>> = {
  open: ['waiting_on_buyer', 'waiting_on_seller', 'resolved'],
  waiting_on_buyer: ['open', 'waiting_on_seller', 'resolved'],
  waiting_on_seller: ['open', 'waiting_on_buyer', 'resolved'],
  resolved: ['closed', 'open'],
  closed: [],
};

/** Statuses in which the case still waits for someone at the marketplace (SLA counts, notes allowed). */
export const isActiveStatus = (status: SupportCaseStatus): boolean => status !== 'closed';

export function isLegalTransition(from: SupportCaseStatus, to: SupportCaseStatus): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}
