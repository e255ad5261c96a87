// The action runner's face in AdminJS: each action targeting a resource's entity type is a record
// action (its form: src/admin/components/action-form.tsx) whose handler calls the SAME runner as
// `POST /api/actions/{id}`, with the record as target and the session's operator; actions the
// resource offers in bulk are bulk actions whose form drives the bulk API. Access comes from the
// RBAC model (each action's own permission), like every other AdminJS action; the runner checks it
// again.
import type { Action, ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import { NotFoundError } from 'adminjs';
import type { ResourceDefinition } from '../platform/plugin.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActionDefinition } from '../actions/define-action.js';
import type { ActionRunner, ActionSummary } from '../actions/types.js';
import { actionBindings } from '../actions/action-bindings.js';
import { describeAction } from '../actions/action-catalog.js';
import { actionNotice } from './action-notice.js';
import type { AdminComponents } from './admin-components.js';
import type { AdminStepUp } from './admin-step-up.js';
import { actingOperator, currentImpersonation } from '../impersonation/impersonation-context.js';
import type { FlagService } from '../flags/flag-service.js';
import type { FlagKey } from '../flags/flag-catalog.js';
import { isFlagOnFor } from '../flags/flag-gating.js';

type ActionOptions = Partial<Action<ActionResponse>>;

const RECORD_MENU = 'Actions';

/** What the form needs to know about the action (AdminJS sends `custom` to the browser). */
function formSpec(summary: ActionSummary, entityType: string, apiRoot: string, isStepUp: boolean) {
  const approval = summary.policy.approval;
  return {
    actionId: summary.id,
    title: summary.title,
    description: summary.description,
    inputSchema: summary.inputSchema,
    reasonCodes: summary.reasonCodes,
    isEmergency: summary.isEmergency,
    approvalHint: approval
      ? approval.isConditional
        ? 'Above your limit, this is sent for a second person\'s approval and runs once approved.'
        : 'A second person must approve this; it runs once approved.'
      : null,
    entityType,
    // The form asks for an authentication code (src/admin/admin-step-up.ts).
    isStepUp,
    bulkUrl: `${apiRoot}/actions/${encodeURIComponent(summary.id)}/bulk`,
    jobsUrl: `${apiRoot}/jobs/`,
  };
}

/** The form's fields: `actionRequest` (JSON: input, reasonCode, note) and `idempotencyKey`. */
function readForm(payload: Record<string, unknown> | undefined): { request: Record<string, unknown>; idempotencyKey: string | undefined } {
  let request: unknown = {};
  try {
    request = typeof payload?.actionRequest === 'string' ? JSON.parse(payload.actionRequest) : {};
  } catch {
    // Not JSON: the runner answers 422 for the missing fields.
  }
  const fields = request && typeof request === 'object' && !Array.isArray(request) ? (request as Record<string, unknown>) : {};
  const idempotencyKey = typeof payload?.idempotencyKey === 'string' ? payload.idempotencyKey : undefined;
  // The target is never the form's: it is the record this action was opened on.
  return { request: { input: fields.input, reasonCode: fields.reasonCode, note: fields.note }, idempotencyKey };
}

// A button whose action's flag is off for the operator (or, in bulk, with the bulk kill switch
// off) is hidden. Hiding is cosmetic: the runner refuses the action anyway (feature_disabled,
// audited), also when its form was opened before the switch went off.
function visibleWhile(flags: Pick<FlagService, 'isEnabled'> | undefined, keys: (string | undefined)[]): ActionOptions['isVisible'] {
  const checks = flags ? keys.filter((key): key is string => !!key).map((key) => isFlagOnFor(flags, key as FlagKey)) : [];
  return checks.length === 0 ? true : ({ currentAdmin }: ActionContext) => checks.every((isOn) => isOn({ currentAdmin }));
}

export function runnerActions({ definition, actions, runner, components, apiRoot, stepUp, flags }: {
  /** A resource definition, or a resource outside the RBAC model that names its entity type (create-admin.ts ExtraAdminResource). */
  definition: Pick<ResourceDefinition, 'entityType' | 'bulkActions'>;
  actions: readonly ActionDefinition[];
  runner: Pick<ActionRunner, 'submit'>;
  components: AdminComponents;
  /** Where the HTTP API is mounted (the bulk form calls it). */
  apiRoot: string;
  /** Verifies the form's code for actions marked stepUp; without it those actions never run here. */
  stepUp?: AdminStepUp;
  /** Hides the buttons of actions whose flag is off for the operator. */
  flags?: Pick<FlagService, 'isEnabled'>;
}): Record<string, ActionOptions> {
  const entityType = definition.entityType;
  if (!entityType) return {};
  return Object.fromEntries(
    actionBindings(definition, actions).map((binding) => {
      const summary = describeAction(binding.action);
      const isStepUp = binding.action.policy?.stepUp === true;
      const custom = formSpec(summary, entityType, apiRoot, isStepUp);
      if (binding.kind === 'bulk') {
        const bulk: ActionOptions = {
          actionType: 'bulk',
          isVisible: visibleWhile(flags, [binding.action.flag, 'opsdeck.bulk-actions']),
          icon: 'Layers',
          component: components.BulkActionForm,
          custom,
          // The selection, for the form; the job itself goes through the bulk API.
          handler: async (_request: ActionRequest, _response: unknown, context: ActionContext) => ({
            records: (context.records ?? []).map((r) => r.toJSON(context.currentAdmin)),
          }),
        };
        return [binding.name, bulk];
      }
      const record: ActionOptions = {
        actionType: 'record',
        isVisible: visibleWhile(flags, [binding.action.flag]),
        // One "Actions" menu in the record's header, however many actions target it.
        parent: RECORD_MENU,
        icon: summary.isEmergency ? 'AlertOctagon' : 'Zap',
        component: components.ActionForm,
        custom,
        handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
          const { record, currentAdmin, resource, h } = context;
          if (!record) throw new NotFoundError(`No such ${entityType}.`, 'runnerActions');
          if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
          const recordId = String(record.id());
          const form = readForm(request.payload);
          // Before the runner: without a fresh code nothing is claimed, run or recorded.
          const stepUpProblem = isStepUp
            ? stepUp
              ? await stepUp.prove({ request, operator: currentAdmin as unknown as OperatorPrincipal, typed: request.payload?.stepUpCode, what: binding.action.title })
              : `${binding.action.title} needs a fresh authentication code.`
            : null;
          if (stepUpProblem) {
            return {
              record: record.toJSON(currentAdmin),
              notice: { type: 'error' as const, message: stepUpProblem },
              outcome: { status: 401, code: 'step_up_required', runId: null, approvalId: null, isDone: false, isKeySpent: false },
            };
          }
          const response = await runner.submit({
            actionId: binding.action.id,
            operator: actingOperator(currentAdmin as unknown as OperatorPrincipal, currentImpersonation()),
            idempotencyKey: form.idempotencyKey,
            body: { target: { type: entityType, id: recordId }, ...form.request },
          });
          const { notice, outcome } = actionNotice(binding.action.title, response);
          const fresh = (await resource.findOne(recordId, context)) ?? record;
          return {
            record: fresh.toJSON(currentAdmin),
            notice,
            outcome,
            redirectUrl: outcome.isDone ? h.recordActionUrl({ resourceId: resource.id(), recordId, actionName: 'show' }) : undefined,
          };
        },
      };
      return [binding.name, record];
    }),
  );
}
