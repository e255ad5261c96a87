// Who and where a request comes from, available to code deep below the route (AdminJS resources,
// the audit service) without threading it through every call.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

export type RequestContext = { ip: string | null; userAgent: string | null; correlationId: string | null };

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext: RequestHandler = (req, res, next) => {
  storage.run({ ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null, correlationId: res.locals.correlationId ?? null }, next);
};

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs work that no request started (a scheduled workflow) under a context of its own, for its audit rows and logs. */
export function runWithRequestContext<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}
