// The Approvals inbox's behaviour in AdminJS (its configuration is in src/resources/core-resources.ts):
// Approve and Deny call approvals.decide, the same service as POST /api/approvals/{id}/approve|deny;
// three quick views open the list filtered to "Pending for me", "Mine" and "Decided"; lists and
// show pages give the effective status (a pending request past its expiry is expired) and the
// decisions taken so far. Rows are limited to what the operator may see by the resource itself.
import type { Action, ActionContext, ActionRequest, ActionResponse, After, PropertyOptions, RecordJSON } from 'adminjs';
import type { PrismaClient } from '@prisma/client';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import { effectiveStatus } from '../approvals/approval-store.js';
import { AppError } from '../http/errors.js';
import { problemNotice, type ActionOutcome } from './action-notice.js';
import type { AdminComponents } from './admin-components.js';

type ActionOptions = Partial<Action<ActionResponse>>;
type Decision = 'approve' | 'deny';

const DECISIONS: Record<Decision, { title: string; prompt: string; isDanger: boolean }> = {
  approve: { title: 'Approve', prompt: 'Approving executes exactly this payload, once, as the requester. Check it first.', isDanger: false },
  deny: { title: 'Deny', prompt: 'Denying ends the request; nothing is executed.', isDanger: true },
};

const VIEWS = { pendingForMe: 'for_me', mine: 'mine', decided: 'decided' } as const;

// The effective status: a pending request past its expiry is expired, whether or not the sweep ran.
function withEffectiveStatus(record: RecordJSON): RecordJSON {
  const { status, expiresAt } = record.params;
  if (status !== 'pending' || !expiresAt) return record;
  return { ...record, params: { ...record.params, status: effectiveStatus({ status: 'pending', expiresAt: new Date(expiresAt) }) } };
}

export function approvalAdmin({ approvals, prisma, components, needsStepUp }: {
  approvals: Pick<ApprovalService, 'decide'>;
  prisma: PrismaClient;
  components: AdminComponents;
  /** Approving an action marked stepUp needs a fresh step-up from the approver: what to tell them, or null. */
  needsStepUp?: (request: ActionRequest, actionId: string) => string | null;
}): { actions: Record<string, ActionOptions>; properties: Record<string, PropertyOptions> } {
  const statusAfter: After<ActionResponse> = (response) => {
    if (response.record) response.record = withEffectiveStatus(response.record);
    if (Array.isArray(response.records)) response.records = response.records.map(withEffectiveStatus);
    return response;
  };

  // The decisions so far, one line each, on the show page.
  const decisionsAfter: After<ActionResponse> = async (response) => {
    const id = response.record?.id;
    if (!id) return response;
    const decisions = await prisma.approvalDecision.findMany({ where: { approvalId: String(id) }, orderBy: { decidedAt: 'asc' }, include: { operator: { select: { name: true } } } });
    const lines = decisions.map((d) => `${d.decision} by ${d.operator.name} (operator ${d.operatorId}) at ${d.decidedAt.toISOString()}${d.note ? `: ${d.note}` : ''}`);
    response.record = { ...response.record, params: { ...response.record.params, decisions: lines.length ? lines.join('\n') : 'none yet' } };
    return response;
  };

  const decide = (decision: Decision): ActionOptions => ({
    actionType: 'record',
    icon: decision === 'approve' ? 'CheckCircle' : 'XCircle',
    component: components.ConfirmForm,
    // Cosmetic: the service refuses a decision on anything but a pending request.
    isVisible: ({ record }) => record?.params?.status === 'pending',
    custom: {
      prompt: DECISIONS[decision].prompt,
      submitLabel: DECISIONS[decision].title,
      hasNote: true,
      isDanger: DECISIONS[decision].isDanger,
      summary: ['actionId', 'targetType', 'targetId', 'policyReason', 'payload', 'payloadHash'],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const { record, currentAdmin, resource, h } = context;
      if (!record) throw new Error('record action without a record');
      if (request.method !== 'post') return { record: withEffectiveStatus(record.toJSON(currentAdmin)) };
      const approvalId = String(record.id());
      const note = typeof request.payload?.note === 'string' ? request.payload.note.trim().slice(0, 2000) || null : null;
      const title = `${DECISIONS[decision].title} ${record.params.actionId}`;
      const stepUpProblem = decision === 'approve' ? needsStepUp?.(request, String(record.params.actionId)) ?? null : null;
      if (stepUpProblem) {
        return {
          record: withEffectiveStatus(record.toJSON(currentAdmin)),
          notice: { type: 'error' as const, message: stepUpProblem },
          outcome: { status: 401, code: 'step_up_required', runId: null, approvalId, isDone: false, isKeySpent: false },
        };
      }
      let notice;
      let outcome: Pick<ActionOutcome, 'isDone' | 'isKeySpent' | 'runId'>;
      try {
        const decided = await approvals.decide({ approvalId, operator: currentAdmin as unknown as OperatorPrincipal, decision, note });
        // The executed run, or the problem that stopped it (a failed run, in Runs & exceptions).
        const run = decided.run as { id?: string } | null;
        const problem = decided.problem as { detail?: string; runId?: string } | null;
        const runId = run?.id ?? problem?.runId ?? null;
        if (decision === 'deny') notice = { type: 'success' as const, message: `${title}: denied; nothing was executed.` };
        else if (decided.approval.status === 'pending') notice = { type: 'info' as const, message: `${title}: your approval is recorded; more approvals are needed.` };
        else if (problem) notice = { type: 'error' as const, message: `${title}: approved, but the action failed: ${problem.detail ?? 'see the run'}${runId ? ` (run ${runId})` : ''}` };
        else if (run) notice = { type: 'success' as const, message: `${title}: approved and executed (run ${runId}).` };
        else notice = { type: 'info' as const, message: `${title}: approved; it is being executed.` };
        outcome = { isDone: true, isKeySpent: true, runId };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        notice = problemNotice(title, err);
        outcome = { isDone: false, isKeySpent: true, runId: null };
      }
      const fresh = (await resource.findOne(approvalId, context)) ?? record;
      return {
        record: withEffectiveStatus(fresh.toJSON(currentAdmin)),
        notice,
        outcome,
        redirectUrl: outcome.isDone ? h.recordActionUrl({ resourceId: resource.id(), recordId: approvalId, actionName: 'show' }) : undefined,
      };
    },
  });

  // A quick view: the list, filtered (buttons above the list; no change, so a GET is right).
  const view = (value: string): ActionOptions => ({
    actionType: 'resource',
    icon: 'Filter',
    component: false,
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) => ({
      redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id(), search: `?filters.view=${value}` }),
    }),
  });

  return {
    actions: {
      list: { after: statusAfter },
      search: { after: statusAfter },
      show: { after: [statusAfter, decisionsAfter] },
      approve: decide('approve'),
      deny: decide('deny'),
      ...Object.fromEntries(Object.entries(VIEWS).map(([name, value]) => [name, view(value)])),
    },
    properties: {
      decisions: { type: 'textarea', isVisible: { list: false, filter: false, show: true, edit: false } },
    },
  };
}
