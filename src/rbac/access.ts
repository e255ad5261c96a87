// One synchronous check for both faces (AdminJS isAccessible and the HTTP API). It reads the
// permissions loaded into the session operator, which is reloaded on every request.
import type { OperatorPrincipal } from '../auth/operator-auth.js';

export function can(operator: Pick<OperatorPrincipal, 'permissions'> | null | undefined, permission: string): boolean {
  return Boolean(operator?.permissions?.includes(permission));
}
