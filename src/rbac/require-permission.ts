// API guard: 401 without a live operator session, 403 problem+json (code `forbidden`) without the
// permission. A denial is a security event and is audited.
import type { RequestHandler } from 'express';
import { forbidden } from '../http/errors.js';
import type { AuditService } from '../audit/types.js';
import type { OperatorAuth } from '../auth/operator-auth.js';
import { requireOperator } from '../auth/require-operator.js';
import { can } from './access.js';

export function createPermissionGuard({ auth, audit }: { auth: OperatorAuth; audit: AuditService }) {
  const authenticated = requireOperator({ auth });
  return (permission: string): RequestHandler[] => [
    authenticated,
    async (req, res, next) => {
      const operator = res.locals.operator;
      if (can(operator, permission)) return next();
      await audit.appendStandalone({
        actor: { operatorId: operator.id, roles: operator.roles },
        action: 'access.denied',
        entityType: 'route',
        entityId: `${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`,
        note: `missing permission ${permission}`,
        outcome: 'denied',
      });
      throw forbidden(`Your roles do not grant ${permission}.`);
    },
  ];
}
