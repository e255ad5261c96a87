// A new session id when an impersonation starts and when it ends, keeping everything the session
// holds (the operator, MFA state): an id seen while acting as a customer is worthless afterwards,
// and one planted before cannot ride into the impersonation.
import type { Request } from 'express';
import type { SessionData } from 'express-session';

type SessionFields = Partial<SessionData> & Record<string, unknown>;

/** Regenerates the session, carries its fields over, applies `change`, and returns the new id. */
export async function rotateSession(req: Request, change: (session: SessionFields) => void): Promise<string> {
  const kept: SessionFields = {};
  for (const [key, value] of Object.entries(req.session)) if (key !== 'cookie') kept[key] = value;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  Object.assign(req.session, kept);
  change(req.session as unknown as SessionFields);
  return req.sessionID;
}
