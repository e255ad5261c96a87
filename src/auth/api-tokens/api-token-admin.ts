// The API tokens screen's Revoke (configuration in src/resources/core-resources.ts): the same
// service as DELETE /api/tokens/:id, audited; a confirmation first, then back to the list. Tokens
// are created through the API or the CLI, where the one showing of the secret is under control.
import type { Action, ActionContext, ActionRequest, ActionResponse } from 'adminjs';
import type { OperatorPrincipal } from '../operator-auth.js';
import { AppError } from '../../http/errors.js';
import { problemNotice } from '../../admin/action-notice.js';
import type { ApiTokenService } from './api-token-service.js';

type ActionOptions = Partial<Action<ActionResponse>>;

export function apiTokenAdmin({ tokens }: { tokens: Pick<ApiTokenService, 'revoke'> }): { actions: Record<string, ActionOptions> } {
  const revoke: ActionOptions = {
    actionType: 'record',
    icon: 'Slash',
    component: false,
    variant: 'danger',
    guard: 'Revoke this token? Its client is refused from its next call.',
    // Cosmetic: revoking twice is refused by the service (409) anyway.
    isVisible: ({ record }) => !record?.params?.revokedAt,
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext) => {
      const { record, currentAdmin, resource, h } = context;
      if (!record) throw new Error('record action without a record');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const operator = currentAdmin as unknown as OperatorPrincipal;
      try {
        await tokens.revoke({ id: Number(record.id()), actor: { operatorId: operator.id, roles: operator.roles } });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { record: record.toJSON(currentAdmin), notice: problemNotice('Revoke token', err) };
      }
      return {
        record: record.toJSON(currentAdmin),
        notice: { type: 'success', message: 'The token is revoked: its client is refused from now on.' },
        redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
      };
    },
  };
  return { actions: { revoke } };
}
