// Logins, failed logins and logouts are security events: each leaves an audit row, on both faces.
import type { AuditService } from '../audit/types.js';
import type { OperatorPrincipal } from './operator-auth.js';

export function createSessionAudit({ audit }: { audit: AuditService }) {
  return {
    login: ({ email, operator }: { email: string; operator: OperatorPrincipal | null }) =>
      audit.appendStandalone({
        actor: { operatorId: operator?.id ?? null, roles: operator?.roles ?? [] },
        action: operator ? 'session.login' : 'session.login_failed',
        entityType: 'operator',
        // The address typed in, for a failure: what an investigation of a guessing attack needs.
        entityId: operator ? String(operator.id) : email.trim().toLowerCase().slice(0, 200),
        outcome: operator ? 'succeeded' : 'failed',
      }),
    logout: (operator: Pick<OperatorPrincipal, 'id' | 'roles'>) =>
      audit.appendStandalone({
        actor: { operatorId: operator.id, roles: operator.roles },
        action: 'session.logout',
        entityType: 'operator',
        entityId: String(operator.id),
        outcome: 'succeeded',
      }),
  };
}

export type SessionAudit = ReturnType<typeof createSessionAudit>;
