// Step-up authentication: some actions need a TOTP code entered moments ago, not just a session.
// The session remembers when its operator last proved a code (`stepUpAt`, epoch ms); routes and
// action policies that need a fresh proof ask `isSteppedUp`. Login with a code counts as one.
import type { Request } from 'express';
import { AppError } from '../http/errors.js';

declare module 'express-session' {
  interface SessionData {
    /** When this session's operator last entered a valid TOTP or recovery code (epoch ms). */
    stepUpAt?: number;
  }
}

/** How long a code entered counts as fresh. */
export const STEP_UP_MAX_AGE_MS = 5 * 60_000;

export function isSteppedUp(req: Pick<Request, 'session'>, maxAgeMs = STEP_UP_MAX_AGE_MS, now = Date.now()): boolean {
  const at = req.session?.stepUpAt;
  return typeof at === 'number' && now - at >= 0 && now - at <= maxAgeMs;
}

export function markSteppedUp(req: Pick<Request, 'session'>, now = Date.now()): void {
  req.session.stepUpAt = now;
}

/** 401 problem+json: the client asks for a code, sends it to POST /api/session/step-up, retries. */
export const stepUpRequired = (what = 'This operation') => new AppError({
  status: 401, code: 'step_up_required', title: 'Step-up authentication required',
  detail: `${what} needs a fresh TOTP code: POST /api/session/step-up with { "totp" } and retry.`,
});
