// Which requests may change state. GET, HEAD and OPTIONS never do here (no route changes anything
// on them); every other method (POST, PUT, PATCH, DELETE, and any method a later route might add)
// is treated as state-changing: deny by default, not a list of the dangerous ones.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isStateChanging = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

/** True when `path` is `prefix` or below it (`/session`, `/session/totp`), never a sibling (`/sessions`). */
export const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);
