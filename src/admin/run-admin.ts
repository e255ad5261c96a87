// The "Runs & exceptions" screen's behaviour in AdminJS (configuration in
// src/resources/core-resources.ts): Retry on a failed run calls runs.retry, the same service as
// POST /api/runs/{id}/retry, under the form's Idempotency-Key; "Open exceptions" opens the list
// filtered to failed runs not yet retried. Rows are limited to the operator's own (all with
// run.read) by the resource itself.
import type { Action, ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { RunService } from '../actions/run-service.js';
import { isRunVisibleTo } from '../actions/run-visibility.js';
import { actionNotice } from './action-notice.js';
import type { AdminComponents } from './admin-components.js';

type ActionOptions = Partial<Action<ActionResponse>>;

export function runAdmin({ runs, components, needsStepUp }: {
  runs: Pick<RunService, 'retry'>;
  components: AdminComponents;
  /** A retry of an action marked stepUp needs a fresh step-up, like the action itself (src/auth/action-step-up.ts). */
  needsStepUp?: (request: ActionRequest, operator: OperatorPrincipal, actionId: string) => string | null;
}): { actions: Record<string, ActionOptions> } {
  const retry: ActionOptions = {
    actionType: 'record',
    icon: 'RotateCw',
    component: components.ConfirmForm,
    // Cosmetic: the service refuses anything but a failed run not retried yet.
    isVisible: ({ record }) => record?.params?.status === 'failed' && !record.params.retriedByRunId,
    custom: {
      prompt: 'Retry runs the same request again (target, input, reason), as you and under your permissions; a run is retried at most once.',
      submitLabel: 'Retry',
      hasNote: false,
      summary: ['actionId', 'targetType', 'targetId', 'input', 'reasonCode', 'errorCode', 'error'],
    },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const { record, currentAdmin, resource, h } = context;
      if (!record) throw new Error('record action without a record');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const operator = currentAdmin as unknown as OperatorPrincipal;
      const runId = String(record.id());
      const idempotencyKey = typeof request.payload?.idempotencyKey === 'string' ? request.payload.idempotencyKey : undefined;
      const stepUpProblem = needsStepUp?.(request, operator, String(record.params.actionId)) ?? null;
      if (stepUpProblem) {
        return {
          record: record.toJSON(currentAdmin),
          notice: { type: 'error' as const, message: stepUpProblem },
          outcome: { status: 401, code: 'step_up_required', runId: null, approvalId: null, isDone: false, isKeySpent: false },
        };
      }
      const response = await runs.retry({ runId, operator, idempotencyKey, isVisible: isRunVisibleTo(operator) });
      const { notice, outcome } = actionNotice(`Retry of ${record.params.actionId}`, response);
      // Settled either way once a new run exists: show it (it may have failed again).
      const newRunId = outcome.runId;
      const fresh = (await resource.findOne(runId, context)) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        notice,
        outcome: { ...outcome, isDone: Boolean(newRunId) || outcome.isDone },
        redirectUrl: newRunId || outcome.isDone ? h.recordActionUrl({ resourceId: resource.id(), recordId: newRunId ?? runId, actionName: 'show' }) : undefined,
      };
    },
  };

  const openExceptions: ActionOptions = {
    actionType: 'resource',
    icon: 'AlertTriangle',
    component: false,
    handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) => ({
      redirectUrl: context.h.resourceUrl({ resourceId: context.resource.id(), search: '?filters.exception=open' }),
    }),
  };

  return { actions: { retry, openExceptions } };
}
