// case.transition: moves a support case along its state machine (support/case-state-machine.ts).
// An illegal move is refused with 409 `illegal_transition` naming the legal ones, and changes
// nothing. A person's first move is the case's first response.
import { z } from 'zod/v4';
import { actionRefused } from '../../../src/actions/action-errors.js';
import { defineAction } from '../../../src/actions/define-action.js';
import { CASE_STATUSES, CASE_TRANSITIONS, isLegalTransition } from '../support/case-state-machine.js';
import { isSystemActor, lockCase, withFirstResponse } from '../support/case-store.js';

export const caseTransitionAction = defineAction({
  id: 'case.transition',
  title: 'Change case status',
  description: 'Move the case to another status: open, waiting on buyer or seller, resolved, closed (only legal moves).',
  permission: 'support_case.write',
  target: 'support_case',
  input: z.strictObject({ to: z.enum(CASE_STATUSES) }),
  reasonCodes: ['awaiting_buyer', 'awaiting_seller', 'customer_replied', 'resolved', 'no_response', 'reopened', 'duplicate'],

  load: async ({ sql, target, input }) => {
    const supportCase = await lockCase(sql, target);
    if (!isLegalTransition(supportCase.status, input.to)) {
      const legal = CASE_TRANSITIONS[supportCase.status];
      throw actionRefused('illegal_transition',
        `Support case ${supportCase.id} is ${supportCase.status}; it can move to ${legal.length > 0 ? legal.join(', ') : 'nothing (closed is final)'}, not ${input.to}.`);
    }
    return { supportCase };
  },

  run: async (ctx) => {
    const before = ctx.state.supportCase;
    const after = { ...withFirstResponse(ctx, before, isSystemActor(ctx.actor)), status: ctx.input.to, updatedAt: ctx.now };
    ctx.send`UPDATE support_cases SET status = ${after.status}::"SupportCaseStatus", first_responded_at = ${after.firstRespondedAt},
      sla_breached_at = ${after.slaBreachedAt}, updated_at = ${ctx.now} WHERE id = ${before.id}`;
    ctx.changed({ entityType: 'support_case', entityId: String(before.id), before, after });
    ctx.emit({ name: 'SupportCaseStatusChanged', entityType: 'support_case', entityId: String(before.id), payload: { caseId: before.id, from: before.status, to: after.status } });
    return { caseId: before.id, from: before.status, status: after.status };
  },
});
