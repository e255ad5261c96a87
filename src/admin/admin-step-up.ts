// Step-up in the backoffice: a form that changes something sensitive (an action marked stepUp, a
// role) carries an authentication-code field. Already stepped up in the last minutes: the code is
// not needed. Otherwise the code typed is verified by the same service as POST /api/session/step-up,
// which marks the session; without one, or with a wrong one, the form says so and nothing runs.
// AdminJS hands handlers and hooks a copy of Express's request: its `session` is the same object.
import type { ActionRequest } from 'adminjs';
import type { Session, SessionData } from 'express-session';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { StepUpService } from '../auth/step-up-service.js';
import { typedFactor } from '../auth/mfa-service.js';
import { isSteppedUp } from '../auth/step-up.js';

export const sessionOf = (request: ActionRequest): (Session & Partial<SessionData>) | undefined =>
  (request as ActionRequest & { session?: Session & Partial<SessionData> }).session;

// AdminJS translates notice texts with i18next, which reads a colon as a namespace: none here.
const MESSAGES: Record<string, string> = {
  invalid_code: 'That code is not valid. Enter the current code from your authenticator app.',
  code_already_used: 'That code was already used. Wait for the next one from your authenticator app.',
  rate_limited: 'Too many failed attempts. Try again later.',
  mfa_enrolment_required: 'Set up an authenticator first (Security page).',
};

export type AdminStepUp = {
  /** Null when the request may go on (fresh step-up, or a valid code now); otherwise what to tell the operator. */
  prove: (args: { request: ActionRequest; operator: OperatorPrincipal; typed: unknown; what: string }) => Promise<string | null>;
};

export function createAdminStepUp({ stepUp }: { stepUp: StepUpService }): AdminStepUp {
  return {
    prove: async ({ request, operator, typed, what }) => {
      const session = sessionOf(request);
      if (session && isSteppedUp({ session })) return null;
      const code = typeof typed === 'string' ? typed.trim() : '';
      if (!session || !code) return `${what} needs a fresh authentication code. Enter the current code from your authenticator app and submit again.`;
      const outcome = await stepUp.verify({ session, operator, factor: typedFactor(code) });
      return outcome.kind === 'ok' ? null : (MESSAGES[outcome.error.code] ?? outcome.error.message);
    },
  };
}
