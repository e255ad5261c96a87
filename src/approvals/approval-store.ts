// Approval requests as data: created in the requesting action's transaction, read by the inbox
// and the API, locked by a decision. The payload is stored exactly as requested, with its sha256
// over the canonical JSON, so what an approver sees is what executes.
import { randomUUID } from 'node:crypto';
import type { Prisma, ApprovalRequest, ApprovalDecision } from '@prisma/client';
import { requestHash } from '../actions/idempotency.js';
import type { ActionActor, ActionTarget } from '../actions/define-action.js';

/** Pending requests expire after this long. */
export const APPROVAL_TTL_HOURS = 24;

export type ApprovalPayload = { target: ActionTarget; input: unknown; reasonCode: string; note: string | null };

export const payloadHash = (payload: unknown): string => requestHash(payload);

export async function createApproval(
  tx: Prisma.TransactionClient,
  { actionId, actor, payload, reason, approvalsRequired, approverPermission, now }: {
    actionId: string; actor: ActionActor; payload: ApprovalPayload; reason: string;
    approvalsRequired: number; approverPermission: string; now: Date;
  },
): Promise<ApprovalRequest & { decisions: ApprovalDecision[] }> {
  return tx.approvalRequest.create({
    data: {
      id: randomUUID(),
      actionId,
      requestedBy: actor.operatorId,
      requesterRoles: actor.roles,
      impersonatedUserId: actor.impersonatedUserId,
      targetType: payload.target.type,
      targetId: payload.target.id,
      payload: payload as unknown as Prisma.InputJsonValue,
      payloadHash: payloadHash(payload),
      policyReason: reason,
      approvalsRequired,
      approverPermission,
      createdAt: now,
      expiresAt: new Date(now.getTime() + APPROVAL_TTL_HOURS * 3_600_000),
    },
    include: { decisions: true },
  });
}

/** A pending request past its expiry is expired, whether or not the sweep has marked it yet. */
export function effectiveStatus(approval: Pick<ApprovalRequest, 'status' | 'expiresAt'>, now = new Date()): ApprovalRequest['status'] {
  return approval.status === 'pending' && approval.expiresAt <= now ? 'expired' : approval.status;
}

/** The API's view of a request (GET /api/approvals/{id}): the exact payload and its hash. */
export function approvalView(approval: ApprovalRequest & { decisions?: ApprovalDecision[] }) {
  return {
    id: approval.id,
    actionId: approval.actionId,
    status: effectiveStatus(approval),
    requestedBy: approval.requestedBy,
    requesterRoles: approval.requesterRoles,
    impersonatedUserId: approval.impersonatedUserId,
    target: { type: approval.targetType, id: approval.targetId },
    payload: approval.payload,
    payloadHash: approval.payloadHash,
    policyReason: approval.policyReason,
    approvalsRequired: approval.approvalsRequired,
    approverPermission: approval.approverPermission,
    decisions: (approval.decisions ?? []).map((d) => ({ operatorId: d.operatorId, decision: d.decision, note: d.note, decidedAt: d.decidedAt.toISOString() })),
    runId: approval.runId,
    createdAt: approval.createdAt.toISOString(),
    expiresAt: approval.expiresAt.toISOString(),
    decidedAt: approval.decidedAt?.toISOString() ?? null,
  };
}
