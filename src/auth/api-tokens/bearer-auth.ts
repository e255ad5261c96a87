// Routes that machine clients call with `Authorization: Bearer <token>` and operators call with
// their session. A request carrying a bearer token is authenticated by the token alone: its cookie,
// if any, is ignored, so a token never borrows an operator's rights and a session never borrows a
// token's. Without the header the route's usual session guards run.
//
// CSRF: the Origin check (src/http/security/origin-check.ts) lets a bearer call to such a route
// through whatever its Origin, because a hostile page cannot make a browser send an Authorization
// header cross-site (it needs a CORS preflight, which we never grant) and the cookie plays no part
// in it. Every other request, cookie sessions included, is still checked.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiTokenScope, ApiTokenService } from './api-token-service.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const hasBearerToken = (req: Pick<Request, 'get'>): boolean => /^Bearer\s/i.test(req.get('authorization') ?? '');

/** Runs `handlers` as one middleware, in order, as Express would (async ones included). */
function runChain(handlers: RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  const step = (i: number, err?: unknown): void => {
    if (err !== undefined && err !== null) return done(err);
    if (i === handlers.length) return done();
    try {
      const result = handlers[i](req, res, (next?: unknown) => step(i + 1, next)) as unknown;
      if (result instanceof Promise) result.catch(done);
    } catch (caught) {
      done(caught);
    }
  };
  step(0);
}

/**
 * The guard of a route open to tokens with `scope`: a bearer request gets `res.locals.apiToken`
 * (401 `invalid_token` with WWW-Authenticate, or 403 `insufficient_scope`, both audited); any
 * other runs `sessionGuards` (the route table's guards: session and permission).
 */
export function tokenOrOperator({ tokens, scope, route, sessionGuards }: {
  tokens: Pick<ApiTokenService, 'authenticate'>;
  scope: ApiTokenScope;
  /** `POST /api/...` for the audit row of a refusal. */
  route: string;
  sessionGuards: RequestHandler[];
}): RequestHandler {
  return async (req, res, next) => {
    if (!hasBearerToken(req)) return runChain(sessionGuards, req, res, next);
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1] ?? '';
    try {
      res.locals.apiToken = await tokens.authenticate({ token, scope, route });
    } catch (err) {
      if ((err as { status?: number }).status === 401) res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      else if ((err as { status?: number }).status === 403) res.set('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
      throw err;
    }
    next();
  };
}
