// The approvals API (../shared/API.md "Approvals"): the inbox (pending for me, mine, decided), one
// request with its exact payload and hash, and the two decisions. An operator sees their own
// requests and those they could decide; anything else is "not found".
import { Router, type Response } from 'express';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { Prisma, PrismaClient } from '@prisma/client';
import { z } from 'zod/v4';
import { notFound } from '../http/errors.js';
import { parseOr422 } from '../http/validation.js';
import { afterCursor, keyPage } from '../http/keyset-cursor.js';
import { can } from '../rbac/access.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ApprovalService } from './approval-service.js';
import { approvalView } from './approval-store.js';
import { actingOperator, impersonationOf } from '../impersonation/impersonation-context.js';
import type { ActionStepUp } from '../auth/action-step-up.js';
import { isSteppedUp, stepUpRequired } from '../auth/step-up.js';

const listQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'denied', 'expired']).optional(),
  /** for_me: pending requests I may decide and have not; mine: my requests; decided: no longer pending. */
  view: z.enum(['for_me', 'mine', 'decided']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
const decisionBody = z.strictObject({ note: z.string().trim().max(2000).nullish() });

/** Who reads the inbox: the operator's id and permissions are all its rules need. */
export type InboxReader = Pick<OperatorPrincipal, 'id' | 'permissions'>;

/** What an operator may see: their own requests, and those whose approver permission they hold. */
export function visibleTo(operator: InboxReader): Prisma.ApprovalRequestWhereInput {
  const decidable = can(operator, 'approval.decide') ? operator.permissions : [];
  return { OR: [{ requestedBy: operator.id }, { approverPermission: { in: decidable } }] };
}

export type InboxView = 'for_me' | 'mine' | 'decided';

/** The inbox's views (the API's `view`, the backoffice's quick filters), within visibleTo. */
export function inboxViewWhere(view: InboxView, operator: InboxReader, now = new Date()): Prisma.ApprovalRequestWhereInput {
  switch (view) {
    case 'for_me':
      return { status: 'pending', expiresAt: { gt: now }, requestedBy: { not: operator.id }, decisions: { none: { operatorId: operator.id } } };
    case 'mine':
      return { requestedBy: operator.id };
    case 'decided':
      return { status: { not: 'pending' } };
  }
}

/**
 * How many requests wait on this operator: the inbox's "pending for me" list exactly (the API's
 * `?view=for_me`, the backoffice's quick filter: visibleTo and the view), for the dashboard's figure.
 */
export function countPendingForMe(prisma: Pick<PrismaClient, 'approvalRequest'>, operator: InboxReader, now = new Date()): Promise<number> {
  return prisma.approvalRequest.count({ where: { AND: [visibleTo(operator), inboxViewWhere('for_me', operator, now)] } });
}

export function createApprovalRoutes({ prisma, approvals, access, stepUp }: {
  prisma: PrismaClient;
  approvals: ApprovalService;
  access: RouteAccess;
  /** Approving an action that needs a step-up needs one from the approver too (src/auth/action-step-up.ts). */
  stepUp?: Pick<ActionStepUp, 'needsStepUp'>;
}): Router {
  const router = Router();
  const operatorOf = (res: Response) => res.locals.operator as OperatorPrincipal;

  router.get('/approvals', ...access('GET /api/approvals'), async (req, res) => {
    const { status, view, limit, cursor } = parseOr422(listQuery, req.query, { where: 'query' });
    const operator = operatorOf(res);
    const now = new Date();
    const and: Prisma.ApprovalRequestWhereInput[] = [visibleTo(operator)];
    // Expiry is a time, not only a status: a pending request past it is listed as expired.
    if (status === 'pending') and.push({ status: 'pending', expiresAt: { gt: now } });
    else if (status === 'expired') and.push({ OR: [{ status: 'expired' }, { status: 'pending', expiresAt: { lte: now } }] });
    else if (status) and.push({ status });
    if (view) and.push(inboxViewWhere(view, operator, now));
    if (cursor) and.push(afterCursor('createdAt', cursor));
    const rows = await prisma.approvalRequest.findMany({ where: { AND: and }, include: { decisions: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
    const page = keyPage(rows, limit, (approval) => [approval.createdAt, approval.id]);
    res.json({ items: page.items.map(approvalView), nextCursor: page.nextCursor });
  });

  router.get('/approvals/:id', ...access('GET /api/approvals/:id'), async (req, res) => {
    const id = String(req.params.id);
    const approval = z.uuid().safeParse(id).success
      ? await prisma.approvalRequest.findFirst({ where: { AND: [{ id }, visibleTo(operatorOf(res))] }, include: { decisions: true } })
      : null;
    if (!approval) throw notFound(`No approval request ${id}.`);
    res.json({ approval: approvalView(approval) });
  });

  for (const decision of ['approve', 'deny'] as const) {
    router.post(`/approvals/:id/${decision}`, ...access(`POST /api/approvals/:id/${decision}`), async (req, res) => {
      const id = String(req.params.id);
      if (!z.uuid().safeParse(id).success) throw notFound(`No approval request ${id}.`);
      const { note } = parseOr422(decisionBody, req.body ?? {});
      // The approval runs the action: the second person proves a fresh code as the first one did.
      if (decision === 'approve' && stepUp && !isSteppedUp(req)) {
        const pending = await prisma.approvalRequest.findUnique({ where: { id }, select: { actionId: true } });
        if (pending && stepUp.needsStepUp(pending.actionId)) throw stepUpRequired(`Approving ${pending.actionId}`);
      }
      // An approver acting as a customer is that customer too: acting as the requester is refused.
      const result = await approvals.decide({ approvalId: id, operator: actingOperator(operatorOf(res), impersonationOf(res)), decision, note: note || null });
      res.json(result);
    });
  }

  return router;
}
