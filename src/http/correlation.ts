import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

// A caller's X-Correlation-Id is echoed when it is a sane token; anything else gets a fresh id so
// a hostile header cannot inject into logs.
const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;

export const correlationId: RequestHandler = (req, res, next) => {
  const given = req.get('x-correlation-id');
  const id = given && SAFE.test(given) ? given : randomUUID();
  res.locals.correlationId = id;
  res.setHeader('X-Correlation-Id', id);
  next();
};
