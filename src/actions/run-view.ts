// A run as the API shows it (GET /api/runs, the action response). The stored error is already
// redacted (a code and a public message); nothing here adds internals.
import type { ActionRun } from '@prisma/client';

export function runView(run: ActionRun) {
  return {
    id: run.id,
    actionId: run.actionId,
    status: run.status,
    operatorId: run.operatorId,
    impersonatedUserId: run.impersonatedUserId,
    target: { type: run.targetType, id: run.targetId },
    input: run.input,
    reasonCode: run.reasonCode,
    note: run.note,
    result: run.result,
    error: run.error,
    approvalId: run.approvalId,
    bulkJobId: run.bulkJobId,
    retryOfRunId: run.retryOfRunId,
    retriedByRunId: run.retriedByRunId,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.durationMs,
  };
}
