// The optional IP allowlist (IP_ALLOWLIST) in front of the backoffice and the API; health probes are
// mounted before it and stay open. A request from outside is refused with 403 `ip_not_allowed`
// whatever it carries: a valid session cookie used from outside is exactly what this is for (a
// stolen cookie), so it is refused and audited under that operator.
//
// The address is Express's req.ip: the socket's peer, or, when the peer is a trusted proxy
// (TRUST_PROXY's addresses; unset, a TLS-terminating proxy on loopback with COOKIE_SECURE: src/app.ts),
// the address that proxy put in X-Forwarded-For. From anyone else, X-Forwarded-For counts for nothing.
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';
import type { DenialAudit } from './denial-audit.js';
import { createBlockList, isInList, type CidrEntry } from './cidr-list.js';

export const ipNotAllowed = () =>
  new AppError({
    status: 403,
    code: 'ip_not_allowed',
    title: 'Address not allowed',
    detail: 'This deployment accepts requests only from the addresses in its allowlist.',
  });

export function createIpAllowlist({ entries, recordDenial }: { entries: CidrEntry[]; recordDenial: DenialAudit }): RequestHandler {
  const allowed = createBlockList(entries);
  return async (req, _res, next) => {
    if (isInList(allowed, req.ip)) return next();
    await recordDenial(req, { code: 'ip_not_allowed', note: `address ${req.ip ?? 'unknown'} is outside IP_ALLOWLIST` });
    throw ipNotAllowed();
  };
}
