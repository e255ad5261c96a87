// Logins, failed logins, lockouts, second-factor events and logouts are security events: each leaves
// an audit row, on both faces. The request's address, user agent and correlation id are added by
// the audit service (src/http/request-context.ts).
import type { AuditService } from '../audit/types.js';
import type { OperatorPrincipal } from './operator-auth.js';
import type { FactorMethod } from './mfa-service.js';
import type { ThrottleScope } from './login-throttle.js';

type Actor = Pick<OperatorPrincipal, 'id' | 'roles'>;

const asActor = (operator: Actor | null) => ({ operatorId: operator?.id ?? null, roles: operator?.roles ?? [] });
const onOperator = (operator: Actor) => ({ actor: asActor(operator), entityType: 'operator', entityId: String(operator.id) });
// The address typed in, for a failure: what an investigation of a guessing attack needs.
const typed = (email: string) => email.trim().toLowerCase().slice(0, 200);

export function createSessionAudit({ audit }: { audit: AuditService }) {
  return {
    /** `how`: the second factor used, or why there was none (`mfa_enrolment_required`, `mfa_not_required`). */
    login: ({ email, operator, how }: { email: string; operator: OperatorPrincipal | null; how?: string }) =>
      audit.appendStandalone(
        operator
          ? { ...onOperator(operator), action: 'session.login', note: how ?? null, outcome: 'succeeded' }
          : { actor: asActor(null), action: 'session.login_failed', entityType: 'operator', entityId: typed(email), note: how ?? null, outcome: 'failed' },
      ),
    lockedOut: ({ email, ip, scope, limit, retryAfterSeconds }: { email: string; ip: string | null; scope: ThrottleScope; limit: number; retryAfterSeconds: number }) =>
      audit.appendStandalone({
        actor: asActor(null),
        action: 'session.locked_out',
        entityType: scope === 'account' ? 'operator' : 'ip',
        entityId: scope === 'account' ? typed(email) : (ip ?? 'unknown'),
        note: `${limit} failed attempts within an hour ${scope === 'account' ? 'on this account' : 'from this address'}; refused for ${retryAfterSeconds} s`,
        outcome: 'denied',
      }),
    /** A code that was right once, presented again: a stolen or shoulder-surfed code. */
    codeReplayed: ({ operator, method, during }: { operator: Actor; method: FactorMethod; during: 'login' | 'step_up' }) =>
      audit.appendStandalone({
        ...onOperator(operator),
        action: method === 'totp' ? 'session.totp_replayed' : 'session.recovery_code_replayed',
        note: `during ${during}`,
        outcome: 'denied',
      }),
    recoveryCodeUsed: ({ operator, left }: { operator: Actor; left: number | null }) =>
      audit.appendStandalone({ ...onOperator(operator), action: 'session.recovery_code_used', note: `${left ?? 'unknown'} recovery codes left`, outcome: 'succeeded' }),
    mfaEnrolled: (operator: Actor) => audit.appendStandalone({ ...onOperator(operator), action: 'session.mfa_enrolled', outcome: 'succeeded' }),
    steppedUp: ({ operator, isValid, how }: { operator: Actor; isValid: boolean; how: string }) =>
      audit.appendStandalone({ ...onOperator(operator), action: isValid ? 'session.step_up' : 'session.step_up_failed', note: how, outcome: isValid ? 'succeeded' : 'failed' }),
    revoked: ({ actor, sessionId, operatorId }: { actor: Actor; sessionId: string; operatorId: number | null }) =>
      audit.appendStandalone({
        actor: asActor(actor),
        action: 'session.revoked',
        entityType: 'operator_session',
        entityId: sessionId,
        note: `a session of operator ${operatorId ?? 'unknown'}`,
        outcome: 'succeeded',
      }),
    logout: (operator: Actor) => audit.appendStandalone({ ...onOperator(operator), action: 'session.logout', outcome: 'succeeded' }),
  };
}

export type SessionAudit = ReturnType<typeof createSessionAudit>;
