// The runner's expected outcomes as AppErrors (one mapping to problem+json in src/http/errors.ts).
// An action throws `actionRefused` for a precondition (nothing left to refund, already frozen): an
// outcome an operator can act on, recorded as a failed run, never a crash.
import { AppError, problemDocument, problemOf } from '../http/errors.js';
import { currentRequest } from '../http/request-context.js';
import type { ActionResponse } from './types.js';

/** An AppError as the action endpoints answer it (and store it for replays): problem+json text. */
export const problemResponse = (err: AppError): ActionResponse => ({
  status: err.status,
  body: JSON.stringify(problemDocument(problemOf(err), currentRequest()?.correlationId ?? null)),
  isReplay: false,
});

export const actionRefused = (code: string, detail: string) =>
  new AppError({ status: 409, code, title: 'Action refused', detail });

export const idempotencyKeyMissing = () =>
  new AppError({ status: 400, code: 'idempotency_key_missing', title: 'Idempotency-Key required', detail: 'Send an Idempotency-Key header (1 to 255 characters) with every action request.' });

export const idempotencyKeyInvalid = () =>
  new AppError({ status: 400, code: 'idempotency_key_invalid', title: 'Invalid Idempotency-Key', detail: 'The Idempotency-Key header must be 1 to 255 printable ASCII characters.' });

export const idempotencyKeyReused = () =>
  new AppError({ status: 422, code: 'idempotency_key_reused', title: 'Idempotency-Key reused', detail: 'This Idempotency-Key was used with a different request body; use a new key for a new request.' });

export const idempotencyKeyInFlight = () =>
  new AppError({ status: 409, code: 'idempotency_key_in_flight', title: 'Request in progress', detail: 'A request with this Idempotency-Key is still being processed; retry after it completes.' });

export const unknownAction = (actionId: string) =>
  new AppError({ status: 404, code: 'not_found', title: 'Not found', detail: `No action ${actionId}.` });
