// What an impersonating session may do besides reading. Deny by default: every state-changing
// request is refused (403 `impersonation_read_only`) unless it is on this short list. Credential,
// MFA and role changes are never on it, whatever routes later add them; neither are bulk jobs and
// retries. An action runs only when its policy says `allowDuringImpersonation`, and never one that
// acts on operators or roles.
import { AppError } from '../http/errors.js';
import type { ActionDefinition } from '../actions/define-action.js';
import { targetTypes } from '../actions/define-action.js';
import { recordActionName } from '../actions/action-bindings.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Whatever an action declares, these targets are the operators' own: not while acting as a customer. */
const NEVER_TARGETS = new Set(['operator', 'role']);

export const impersonationReadOnly = (detail = 'This is read-only while you impersonate a customer: end the impersonation to make changes as yourself.') =>
  new AppError({
    status: 403, code: 'impersonation_read_only', title: 'Read-only while impersonating', detail,
    // AdminJS shows the notice of a refused backoffice call.
    extensions: { notice: { message: detail, type: 'error' } },
  });

// API paths (below /api) that stay open: the session's own housekeeping and the impersonation's.
const API_OPEN: [string, RegExp][] = [
  ['POST', /^\/session\/step-up\/?$/],
  ['DELETE', /^\/session\/?$/],
  // Starting another is refused by the route itself (409: they do not nest), with its own code.
  ['POST', /^\/impersonations\/?$/],
  ['DELETE', /^\/impersonations\/[^/]+\/?$/],
  ['POST', /^\/impersonations\/[^/]+\/token\/?$/],
  // Deciding is the operator's own four-eyes duty; the approvals service refuses anyone acting as the requester.
  ['POST', /^\/approvals\/[^/]+\/(approve|deny)\/?$/],
];
const API_ACTION = /^\/actions\/([^/]+)\/?$/;
// AdminJS: its login form, and a runner action's record form (POST .../records/:id/:action).
const ADMIN_LOGIN = /^\/login\/?$/;
const ADMIN_RECORD_ACTION = /^\/api\/resources\/[^/]+\/records\/[^/]+\/([^/]+)\/?$/;

const decode = (value: string): string | null => {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
};

/** Whether an action may run while its operator impersonates a customer (also what consoles offer then). */
export const isAllowedDuringImpersonation = (action: ActionDefinition | undefined): boolean =>
  Boolean(action?.policy?.allowDuringImpersonation) && !targetTypes(action!).some((t) => NEVER_TARGETS.has(t));

export function createReadOnlyGate({ actions }: { actions: readonly ActionDefinition[] }) {
  const isAllowed = isAllowedDuringImpersonation;
  const byId = new Map(actions.map((a) => [a.id, a]));
  const byRecordActionName = new Map(actions.map((a) => [recordActionName(a.id), a]));

  return {
    /** `path` is below the API's mount point (/api). */
    allowsApi(method: string, path: string): boolean {
      if (SAFE_METHODS.has(method)) return true;
      if (API_OPEN.some(([m, pattern]) => m === method && pattern.test(path))) return true;
      const action = method === 'POST' ? API_ACTION.exec(path) : null;
      return Boolean(action && isAllowed(byId.get(decode(action[1]) ?? '')));
    },
    /** `path` is below the backoffice's root (/admin). */
    allowsAdmin(method: string, path: string): boolean {
      if (SAFE_METHODS.has(method)) return true;
      if (method === 'POST' && ADMIN_LOGIN.test(path)) return true;
      const action = method === 'POST' ? ADMIN_RECORD_ACTION.exec(path) : null;
      return Boolean(action && isAllowed(byRecordActionName.get(decode(action[1]) ?? '')));
    },
  };
}

export type ReadOnlyGate = ReturnType<typeof createReadOnlyGate>;
