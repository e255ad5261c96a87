// What GET /api/actions publishes about an action: its input as JSON Schema (from the zod schema
// itself, so the form, the docs and the validation cannot drift apart), its reason codes and policy.
import { z } from 'zod/v4';
import { targetTypes, type ActionDefinition } from './define-action.js';
import type { ActionSummary } from './types.js';

export function describeAction(action: ActionDefinition): ActionSummary {
  const approval = action.policy?.approval;
  return {
    id: action.id,
    title: action.title,
    description: action.description ?? null,
    permission: action.permission,
    targetTypes: [...targetTypes(action)],
    inputSchema: z.toJSONSchema(action.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    reasonCodes: [...action.reasonCodes],
    isEmergency: action.isEmergency ?? false,
    policy: {
      approval: approval ? { approvals: approval.approvals, approverPermission: approval.approverPermission, isConditional: Boolean(approval.when) } : null,
      limits: action.policy?.limits ?? null,
    },
  };
}
