// One error type for expected failures, and one place that turns any error into RFC 9457
// problem+json. Unknown errors become a generic 500: no stack trace or internal message leaks.
import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../platform/logger.js';

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  /** RFC 9457 extension members added to the problem document (e.g. an AdminJS `notice`). */
  readonly extensions?: Record<string, unknown>;

  constructor({ status, code, title, detail, extensions }: { status: number; code: string; title: string; detail?: string; extensions?: Record<string, unknown> }) {
    super(detail ?? title);
    this.status = status;
    this.code = code;
    this.title = title;
    this.extensions = extensions;
  }
}

export const unauthenticated = (detail = 'Log in first.') =>
  new AppError({ status: 401, code: 'unauthenticated', title: 'Authentication required', detail });
export const forbidden = (detail = 'You are not permitted to do this.', extensions?: Record<string, unknown>) =>
  new AppError({ status: 403, code: 'forbidden', title: 'Forbidden', detail, extensions });
export const notFound = (detail = 'No such resource.') =>
  new AppError({ status: 404, code: 'not_found', title: 'Not found', detail });
export const validationFailed = (detail: string, extensions?: Record<string, unknown>) =>
  new AppError({ status: 422, code: 'validation_failed', title: 'Validation failed', detail, extensions });
export const conflict = (code: string, detail: string) =>
  new AppError({ status: 409, code, title: 'Conflict', detail });

export type Problem = { status: number; code: string; title: string; detail: string; extensions?: Record<string, unknown> };

/** The RFC 9457 document for a problem (also stored verbatim for idempotent replays). */
export function problemDocument({ status, code, title, detail, extensions }: Problem, correlationId: string | null): Record<string, unknown> {
  return { ...extensions, type: `https://opsdeck.dev/problems/${code}`, title, status, detail, code, correlationId };
}

export const problemOf = (err: AppError): Problem =>
  ({ status: err.status, code: err.code, title: err.title, detail: err.message, extensions: err.extensions });

export function sendProblem(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problemDocument(problem, res.locals.correlationId ?? null));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, { status: 404, code: 'not_found', title: 'Not found', detail: `No route for ${req.method} ${req.path}.` });
};

const CLIENT_ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

// body-parser marks its client errors (malformed JSON, too large) with `expose` and a status.
type HttpishError = Error & { status?: number; statusCode?: number; expose?: boolean; type?: string };

export function createErrorHandler({ logger }: { logger: Logger }): ErrorRequestHandler {
  return (err: HttpishError, _req, res, next) => {
    // Too late for a problem document: let Express end the broken response.
    if (res.headersSent) return next(err);
    if (err instanceof AppError) {
      sendProblem(res, problemOf(err));
      return;
    }
    const status = err.status ?? err.statusCode;
    if (status && status >= 400 && status < 500) {
      const code = err.type === 'entity.parse.failed' ? 'malformed_body' : CLIENT_ERROR_CODES[status] ?? 'bad_request';
      const detail = err.expose ? err.message : (STATUS_CODES[status] ?? 'Bad request');
      sendProblem(res, { status, code, title: STATUS_CODES[status] ?? 'Bad request', detail });
      return;
    }
    logger.error({ err, correlationId: res.locals.correlationId }, 'unhandled error');
    sendProblem(res, {
      status: 500,
      code: 'internal_error',
      title: 'Internal error',
      detail: 'Something went wrong on our side; quote the correlation id when reporting it.',
    });
  };
}
