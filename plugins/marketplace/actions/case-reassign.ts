// case.reassign: hands a support case to another operator, or back to the queue (null). A lead's
// move (support_case.reassign): agents open and work cases, leads balance them.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { validationFailed } from '../../../src/http/errors.js';
import { lockCase, refuseIfClosed } from '../support/case-store.js';

export const caseReassignAction = defineAction({
  id: 'case.reassign',
  title: 'Reassign support case',
  description: 'Give the case to another operator, or back to the queue (no assignee).',
  permission: 'support_case.reassign',
  target: 'support_case',
  input: z.strictObject({ assigneeOperatorId: z.number().int().positive().nullable() }),
  reasonCodes: ['workload_balance', 'expertise', 'escalation', 'out_of_office'],

  load: async ({ sql, target, input }) => {
    const [supportCase, assignee] = await Promise.all([
      lockCase(sql, target),
      input.assigneeOperatorId === null ? Promise.resolve([{ id: null }]) : sql<{ id: number }>`
        SELECT id FROM operators WHERE id = ${input.assigneeOperatorId} AND status = 'active'`,
    ]);
    refuseIfClosed(supportCase);
    if (assignee.length === 0) throw validationFailed(`No active operator ${input.assigneeOperatorId} to assign the case to.`, { field: 'input.assigneeOperatorId' });
    if (supportCase.assigneeOperatorId === input.assigneeOperatorId) {
      throw actionRefused('already_assigned', `Support case ${supportCase.id} is already ${input.assigneeOperatorId === null ? 'unassigned' : `assigned to operator ${input.assigneeOperatorId}`}.`);
    }
    return { supportCase };
  },

  run: async (ctx) => {
    const before = ctx.state.supportCase;
    const after = { ...before, assigneeOperatorId: ctx.input.assigneeOperatorId, updatedAt: ctx.now };
    ctx.send`UPDATE support_cases SET assignee_operator_id = ${after.assigneeOperatorId}, updated_at = ${ctx.now} WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'support_case', entityId: String(before.id), before, after });
    ctx.emit({
      name: 'SupportCaseReassigned', entityType: 'support_case', entityId: String(before.id),
      payload: { caseId: before.id, from: before.assigneeOperatorId, to: after.assigneeOperatorId },
    });
    return { caseId: before.id, assigneeOperatorId: after.assigneeOperatorId };
  },
});
