// Four eyes. A decision is taken under a row lock on the request: the requester (or anyone acting
// as them) can never approve, one deny ends the request, an expired request takes no decision.
// When the last required approval lands, the stored payload executes through the runner with the
// approval id as its idempotency key, so it runs exactly once even if two approvers race or the
// process dies in between (the sweep picks approved requests without a run back up).
import type { PrismaClient } from '@prisma/client';
import type { AuditService } from '../audit/types.js';
import { prismaExecutor } from '../audit/sql-executor.js';
import { AppError, conflict, forbidden, notFound } from '../http/errors.js';
import type { OperatorAuth, OperatorPrincipal } from '../auth/operator-auth.js';
import { can } from '../rbac/access.js';
import { actorOf, type ExecutionResult } from '../actions/action-runner.js';
import type { ActionDefinition, ActionActor } from '../actions/define-action.js';
import type { Execution } from '../actions/action-runner.js';
import type { IdempotencyStore } from '../actions/idempotency.js';
import { approvalView, effectiveStatus, payloadHash, type ApprovalPayload } from './approval-store.js';

export const selfApprovalForbidden = () =>
  new AppError({ status: 403, code: 'self_approval_forbidden', title: 'Self-approval forbidden', detail: 'The requester, or anyone acting as the requester, cannot decide their own request.' });

const ignoreInFlight = (err: unknown) => {
  if (err instanceof AppError && err.code === 'idempotency_key_in_flight') return null;
  throw err;
};

type Decider = OperatorPrincipal & { impersonatedUserId?: number | null };

export function createApprovalService({ prisma, audit, auth, idempotency, runner }: {
  prisma: PrismaClient;
  audit: AuditService;
  auth: OperatorAuth;
  idempotency: IdempotencyStore;
  runner: { execute: (execution: Execution) => Promise<ExecutionResult>; get: (id: string) => ActionDefinition | undefined };
}) {
  async function decide({ approvalId, operator, decision, note }: { approvalId: string; operator: Decider; decision: 'approve' | 'deny'; note: string | null }) {
    const actor: ActionActor = actorOf(operator);
    const decided = await prisma.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM approval_requests WHERE id = ${approvalId}::uuid FOR UPDATE`;
      if (!locked) throw notFound(`No approval request ${approvalId}.`);
      const approval = await tx.approvalRequest.findUniqueOrThrow({ where: { id: approvalId }, include: { decisions: true } });
      const auditDecision = (outcome: 'succeeded' | 'denied', extra: Record<string, unknown> = {}) =>
        audit.append(prismaExecutor(tx), {
          actor, action: `approval.${decision}`, entityType: 'approval', entityId: approvalId, note,
          after: { actionId: approval.actionId, payloadHash: approval.payloadHash, ...extra }, outcome,
        });

      const isSelf = approval.requestedBy === operator.id
        || (operator.impersonatedUserId != null && operator.impersonatedUserId === approval.impersonatedUserId);
      if (decision === 'approve' && isSelf) {
        await auditDecision('denied', { refused: 'self_approval_forbidden' });
        return { error: selfApprovalForbidden() };
      }
      if (!can(operator, 'approval.decide') || !can(operator, approval.approverPermission)) {
        await auditDecision('denied', { refused: 'forbidden' });
        return { error: forbidden(`Deciding this request needs approval.decide and ${approval.approverPermission}.`) };
      }
      const status = effectiveStatus(approval);
      if (status === 'expired' && approval.status === 'pending') {
        await tx.approvalRequest.update({ where: { id: approvalId }, data: { status: 'expired' } });
      }
      if (status !== 'pending') return { error: conflict(`approval_${status}`, `This request is ${status}; it takes no more decisions.`) };
      if (approval.decisions.some((d) => d.operatorId === operator.id)) return { error: conflict('approval_already_decided', 'You have already decided this request.') };

      await tx.approvalDecision.create({ data: { approvalId, operatorId: operator.id, decision, note } });
      const approvals = approval.decisions.filter((d) => d.decision === 'approve').length + (decision === 'approve' ? 1 : 0);
      const next = decision === 'deny' ? 'denied' : approvals >= approval.approvalsRequired ? 'approved' : 'pending';
      const updated = await tx.approvalRequest.update({
        where: { id: approvalId }, data: { status: next, decidedAt: next === 'pending' ? null : new Date() }, include: { decisions: true },
      });
      await auditDecision('succeeded', { status: next });
      return { approval: updated };
    });
    // Refusals are audited inside the transaction, which must commit: thrown only now.
    if ('error' in decided) throw decided.error;
    // A concurrent execution of the same request (another node, the sweep) holds the key: fine.
    const executed = decided.approval.status === 'approved' ? await executeApproved(decided.approval.id).catch(ignoreInFlight) : null;
    const approval = await prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId }, include: { decisions: true } });
    // The executed run, or the problem that stopped it (the failed run is in GET /api/runs).
    const body = executed?.body as { run?: unknown } | undefined;
    return { approval: approvalView(approval), run: body?.run ?? null, problem: executed && executed.status >= 400 ? executed.body : null };
  }

  /** Executes an approved request's stored payload, once (the approval id is the key). */
  async function executeApproved(approvalId: string): Promise<{ status: number; body: unknown } | null> {
    const approval = await prisma.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
    const action = runner.get(approval.actionId);
    const requester = await auth.loadPrincipal(approval.requestedBy);
    if (!action || !requester) return null;
    const payload = approval.payload as unknown as ApprovalPayload;
    const keyScope = { operatorId: approval.requestedBy, scope: approval.actionId, key: approval.id };
    const claim = await idempotency.claim(keyScope, approval.payloadHash);
    if (claim.kind === 'replay') return { status: claim.status, body: JSON.parse(claim.body) };
    const actor = { ...actorOf(requester), impersonatedUserId: approval.impersonatedUserId };
    // The payload must still be what was approved, and the requester still allowed to ask for it.
    const refusal = payloadHash(payload) !== approval.payloadHash
      ? conflict('approval_payload_mismatch', 'The stored payload no longer matches the approved hash; nothing was executed.')
      : !can(requester, action.permission) ? forbidden(`The requester no longer holds ${action.permission}.`) : null;
    const execution: Execution = {
      action, actor, request: { ...payload, note: payload.note ?? null }, keyScope, isPreApproved: true, origin: { approvalId },
    };
    const result = refusal ? await runner.execute({ ...execution, action: { ...action, load: () => Promise.reject(refusal) } }) : await runner.execute(execution);
    return { status: result.status, body: JSON.parse(result.body) };
  }

  /** Marks expired requests and executes approved ones left without a run (a crash in between). */
  async function sweep(): Promise<{ expired: number; resumed: number }> {
    const expired = await prisma.approvalRequest.updateMany({ where: { status: 'pending', expiresAt: { lte: new Date() } }, data: { status: 'expired' } });
    const orphans = await prisma.approvalRequest.findMany({ where: { status: 'approved', runId: null }, select: { id: true }, take: 100 });
    for (const { id } of orphans) await executeApproved(id).catch(ignoreInFlight);
    return { expired: expired.count, resumed: orphans.length };
  }

  return { decide, executeApproved, sweep };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
