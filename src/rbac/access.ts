// One synchronous check for both faces (AdminJS isAccessible and the HTTP API). It reads the
// permissions loaded into the session operator, which is reloaded on every request.
// Anything carrying the principal's permissions: the OperatorPrincipal, AdminJS's currentAdmin.
export type HasPermissions = { permissions?: readonly string[] } | null | undefined;

export function can(operator: HasPermissions, permission: string): boolean {
  return Boolean(operator?.permissions?.includes(permission));
}
