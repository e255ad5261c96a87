// The request-level checks of both faces, in the order they run (docs/adr/0009-request-security.md):
//   1. IP allowlist (when IP_ALLOWLIST is set): who may talk to us at all;
//   2. Origin check: a state-changing request must come from our own pages (CSRF);
//   3. write rate limit: a state-changing request of an operator counts against their hour.
// Mount after the session middleware (the checks name the session's operator in their audit rows
// and the limiter keys on it) and before anything that reads a body, reloads the operator or runs a
// route, so a refused request costs no more than the session read.
import type { Request, RequestHandler } from 'express';
import type pg from 'pg';
import type { Config } from '../../config/config.js';
import type { AuditService } from '../../audit/types.js';
import type { Logger } from '../../platform/logger.js';
import { createDenialAudit } from './denial-audit.js';
import { createIpAllowlist } from './ip-allowlist.js';
import { createOriginCheck } from './origin-check.js';
import { isUnder } from './state-changing.js';
import { createWriteRateLimit } from './write-rate-limit.js';

export type RequestSecurity = {
  /** For the AdminJS router, mounted at its root path. */
  admin: RequestHandler[];
  /** For the /api router. */
  api: RequestHandler[];
};

export function createRequestSecurity({ config, pool, audit, logger, adminLoginPath, isTokenCall = () => false }: {
  config: Pick<Config, 'IP_ALLOWLIST' | 'OPERATOR_WRITE_LIMIT_PER_HOUR' | 'publicUrl' | 'isProduction'>;
  pool: pg.Pool;
  audit: AuditService;
  logger: Logger;
  /** AdminJS's login path relative to its root (`/login`): counted by the login throttle, not here. */
  adminLoginPath: string;
  /** API requests authenticated by a bearer token alone, not by the cookie: no Origin check (CSRF needs the cookie). */
  isTokenCall?: (req: Request) => boolean;
}): RequestSecurity {
  const recordDenial = createDenialAudit({ audit, logger });
  const allowlist = config.IP_ALLOWLIST ? [createIpAllowlist({ entries: config.IP_ALLOWLIST, recordDenial })] : [];
  const originCheck = createOriginCheck({ publicUrl: config.publicUrl, trustRequestHost: !config.isProduction, recordDenial });
  const writes = createWriteRateLimit({ pool, limitPerHour: config.OPERATOR_WRITE_LIMIT_PER_HOUR, audit });
  const apiOriginCheck = createOriginCheck({ publicUrl: config.publicUrl, trustRequestHost: !config.isProduction, recordDenial, isExempt: isTokenCall });
  const face = (check: RequestHandler, isExempt: (req: Request) => boolean): RequestHandler[] => [...allowlist, check, writes.middleware(isExempt)];
  return {
    admin: face(originCheck, (req) => isUnder(req.path, adminLoginPath)),
    api: face(apiOriginCheck, (req) => isUnder(req.path, '/session')),
  };
}
