// Operator login security, assembled once for both faces (docs/adr/0008-operator-mfa-and-sessions.md):
// the login (throttle, password, second factor), MFA enrolment, step-up, the step-up policy of
// actions, and the sessions list with its revocation. src/app.ts mounts the routers and hands the
// backoffice its part.
import type { Router } from 'express';
import type pg from 'pg';
import type { Config } from '../config/config.js';
import type { ActionDefinition } from '../actions/define-action.js';
import type { AdminSecurity } from '../admin/create-admin.js';
import { createAdminStepUp } from '../admin/admin-step-up.js';
import type { RouteAccess } from '../rbac/require-permission.js';
import type { OperatorAuth } from './operator-auth.js';
import type { SessionAudit } from './session-audit.js';
import { createMfaService } from './mfa-service.js';
import type { SecretBox } from './secret-box.js';
import type { Logger } from '../platform/logger.js';
import { createLoginThrottle } from './login-throttle.js';
import { createLoginService } from './login-service.js';
import { createStepUpService } from './step-up-service.js';
import { createActionStepUp } from './action-step-up.js';
import { createOperatorSessions } from './operator-sessions.js';
import { createSessionRoutes } from './session-routes.js';
import { createMfaRoutes } from './mfa-routes.js';
import { createOperatorSessionRoutes } from './operator-session-routes.js';

export function createOperatorSecurity({ config, pool, auth, sessionAudit, actions, secretBox, logger }: {
  config: Pick<Config, 'MFA_REQUIRED' | 'LOGIN_MAX_FAILURES_PER_ACCOUNT' | 'LOGIN_MAX_FAILURES_PER_IP'>;
  pool: pg.Pool;
  auth: OperatorAuth;
  sessionAudit: SessionAudit;
  /** Every installed action: those whose policy says `stepUp` need a fresh code. */
  actions: readonly ActionDefinition[];
  /** Seals and opens the TOTP secrets (MFA_ENCRYPTION_KEY). */
  secretBox: SecretBox;
  logger: Logger;
}) {
  const isMfaRequired = config.MFA_REQUIRED;
  const mfa = createMfaService({ pool, secretBox, logger });
  const throttle = createLoginThrottle({ pool, perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, perIp: config.LOGIN_MAX_FAILURES_PER_IP });
  const login = createLoginService({ auth, mfa, throttle, sessionAudit, isMfaRequired });
  const stepUp = createStepUpService({ mfa, throttle, sessionAudit });
  const actionStepUp = createActionStepUp({ actions });
  const sessions = createOperatorSessions({ pool, sessionAudit });
  const admin: AdminSecurity = { stepUp: createAdminStepUp({ stepUp }), actionStepUp, sessions };

  return {
    login,
    mfa,
    stepUp,
    actionStepUp,
    sessions,
    /** The backoffice's part: step-up in forms, the sessions screen's Revoke. */
    admin,
    /** /api/session (log in, out, step-up) and /api/session/mfa/*: before any guarded route. */
    sessionRoutes: ({ cookieName }: { cookieName: string }): Router[] => [
      createSessionRoutes({ auth, login, stepUp, cookieName, sessionAudit }),
      createMfaRoutes({ auth, mfa, throttle, sessionAudit, isMfaRequired }),
    ],
    /** /api/sessions, guarded by the route table (session.read, session.revoke). */
    sessionAdminRoutes: (access: RouteAccess): Router => createOperatorSessionRoutes({ sessions, access }),
  };
}

export type OperatorSecurity = ReturnType<typeof createOperatorSecurity>;
