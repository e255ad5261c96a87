// At most OPERATOR_WRITE_LIMIT_PER_HOUR state-changing requests per operator per hour, counted in
// PostgreSQL (rate-limiter-flexible's RateLimiterPostgres over the app's pool, table rate_limits)
// so that every app instance shares one count. The next one is refused before anything runs: 429
// `rate_limited` with Retry-After (seconds). The key is the operator id of the session, also while
// impersonating: the operator is the one doing the writes.
//
// Counted: every state-changing request of a logged-in operator on the API and the backoffice,
// whatever its outcome (a refused or invalid write still costs us the work of refusing it). Not
// counted: requests without an operator session (they are refused as unauthenticated anyway) and the
// session endpoints (`isExempt`: log in, MFA steps, log out), whose attempts the login throttle
// counts; a rate-limited operator must still be able to log out.
//
// Cost (docs/adr/0009-request-security.md): one upsert round trip per counted request. Once the
// store says an operator is over the limit, this process answers that operator's writes from memory
// until the window ends (inMemoryBlockOnConsumed), so a runaway client costs no queries. If the
// store fails, an in-memory limiter of the same size takes over for that request (insuranceLimiter)
// instead of failing the write for a reason that has nothing to do with it.
import type { Request, RequestHandler } from 'express';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditService } from '../../audit/types.js';
import { AppError } from '../errors.js';
import { isStateChanging } from './state-changing.js';

export const RATE_LIMIT_TABLE = 'rate_limits';
const KEY_PREFIX = 'operator-writes';
const WINDOW_SECONDS = 3600;

export const rateLimited = (limit: number, retryAfterSeconds: number) =>
  new AppError({
    status: 429,
    code: 'rate_limited',
    title: 'Too many requests',
    detail: `At most ${limit} state-changing requests per operator per hour; retry in ${retryAfterSeconds} s.`,
  });

export type WriteRateLimit = {
  /** The middleware for one face; `isExempt` names that face's session endpoints. */
  middleware: (isExempt: (req: Request) => boolean) => RequestHandler;
};

export function createWriteRateLimit({ pool, limitPerHour, audit }: { pool: pg.Pool; limitPerHour: number; audit: AuditService }): WriteRateLimit {
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    // The migration creates the table: the app's role may not (prisma/migrations/*_rate_limits).
    tableCreated: true,
    keyPrefix: KEY_PREFIX,
    points: limitPerHour,
    duration: WINDOW_SECONDS,
    // The request that takes the count past the limit blocks the key in this process's memory for
    // the rest of the window: further writes of that operator are refused without a query.
    inMemoryBlockOnConsumed: limitPerHour + 1,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: KEY_PREFIX, points: limitPerHour, duration: WINDOW_SECONDS }),
  });

  const middleware = (isExempt: (req: Request) => boolean): RequestHandler => async (req, res, next) => {
    const operator = req.session?.adminUser;
    if (!operator || !isStateChanging(req.method) || isExempt(req)) return next();
    try {
      await limiter.consume(String(operator.id));
      return next();
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      // The store's count is atomic: exactly one request, across all instances, is the one that
      // went over. It leaves the audit row; the refusals after it would only repeat it.
      if (err.consumedPoints === limitPerHour + 1) {
        await audit.appendStandalone({
          actor: { operatorId: operator.id, roles: operator.roles },
          action: 'access.denied',
          entityType: 'route',
          entityId: `${req.method} ${req.baseUrl}${req.path}`.slice(0, 200),
          reasonCode: 'rate_limited',
          note: `more than ${limitPerHour} state-changing requests in an hour; refused for ${retryAfter} s`,
          outcome: 'denied',
        });
      }
      res.setHeader('Retry-After', String(retryAfter));
      throw rateLimited(limitPerHour, retryAfter);
    }
  };
  return { middleware };
}
