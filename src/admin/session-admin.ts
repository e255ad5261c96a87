// The sessions screen's Revoke (configuration in src/resources/core-resources.ts): ends one
// session at once by deleting its row, audited, through the same service as
// DELETE /api/sessions/:id. A confirmation first; then back to the list.
import type { Action, ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { OperatorSessions } from '../auth/operator-sessions.js';
import { AppError } from '../http/errors.js';
import { problemNotice } from './action-notice.js';

type ActionOptions = Partial<Action<ActionResponse>>;

export function sessionAdmin({ sessions }: { sessions: Pick<OperatorSessions, 'revoke'> }): { actions: Record<string, ActionOptions> } {
  const revoke: ActionOptions = {
    actionType: 'record',
    icon: 'LogOut',
    component: false,
    variant: 'danger',
    guard: 'End this session? Its operator is logged out at once.',
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const { record, currentAdmin, resource, h } = context;
      if (!record) throw new Error('record action without a record');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      try {
        await sessions.revoke({ id: String(record.id()), actor: currentAdmin as unknown as OperatorPrincipal });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { record: record.toJSON(currentAdmin), notice: problemNotice('End session', err) };
      }
      return {
        record: record.toJSON(currentAdmin),
        notice: { type: 'success', message: 'The session is ended; its operator is logged out.' },
        redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
      };
    },
  };
  return { actions: { revoke } };
}
