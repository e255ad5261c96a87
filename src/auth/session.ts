// Operator sessions live in PostgreSQL (connect-pg-simple, table operator_sessions). The API and
// the AdminJS router share one cookie and one store, so logging in on either face logs in both.
import type { RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import type { Config } from '../config/config.js';
import type { OperatorPrincipal } from './operator-auth.js';

declare module 'express-session' {
  interface SessionData {
    // AdminJS keeps its current user under `adminUser`; we store the principal there for both faces.
    adminUser?: OperatorPrincipal;
    /** When the password (and code) were accepted, epoch ms: the absolute lifetime counts from here. */
    loginAt?: number;
    /** Logged in with a password but no authenticator yet: the session may only enrol one. */
    mfaPending?: boolean;
    /** Where the login came from (the sessions screen shows it; a trigger copies it to its column). */
    ip?: string;
    userAgent?: string;
  }
}

// So AdminJS's currentAdmin (the same principal) types its roles and permissions for isAccessible.
declare module 'adminjs' {
  interface CurrentAdmin {
    roles?: string[];
    permissions?: string[];
  }
}

export type SessionSettings = {
  cookieName: string;
  secret: string;
  options: session.SessionOptions;
  store: session.Store & { close?: () => void };
  /** SESSION_ABSOLUTE_HOURS: however active, a session ends this long after its login. */
  absoluteMs: number;
};

export function createSessionSettings({ config, pool, secret, logger }: {
  config: Config;
  pool: pg.Pool;
  secret: string;
  /** Where the store's own errors go (a failed prune of expired sessions); default: stderr, as connect-pg-simple does. */
  logger?: Pick<Logger, 'warn'>;
}): SessionSettings {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'operator_sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
    ...(logger ? { errorLog: (message: string, err?: unknown) => logger.warn({ err }, `session store: ${message}`) } : {}),
  });
  throttleTouch(store);
  // The __Host- prefix needs a Secure cookie; over plain http://localhost (dev) it cannot be used.
  const cookieName = config.cookieSecure ? '__Host-opsdeck.sid' : 'opsdeck.sid';
  return {
    cookieName,
    secret,
    store,
    absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
    options: {
      name: cookieName,
      secret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      proxy: config.cookieSecure,
      cookie: {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.cookieSecure,
        path: '/',
        maxAge: config.SESSION_IDLE_MINUTES * 60_000,
      },
    },
  };
}

// Idle expiry rolls on every request; writing it to the table each time would add a write to every
// API call. The expiry is written at most once a minute per session (per process), so a session
// may end up to a minute before its idle timeout: well inside that timeout's purpose.
const TOUCH_EVERY_MS = 60_000;
const TOUCH_MEMORY = 50_000;

function throttleTouch(store: session.Store): void {
  const touch = store.touch?.bind(store);
  if (!touch) return;
  const lastTouch = new Map<string, number>();
  store.touch = (sid, sess, callback) => {
    const now = Date.now();
    if ((lastTouch.get(sid) ?? 0) + TOUCH_EVERY_MS > now) return callback?.();
    if (lastTouch.size >= TOUCH_MEMORY) lastTouch.clear();
    lastTouch.set(sid, now);
    touch(sid, sess, callback);
  };
}

/**
 * The session, loaded from the store, and ended (its row deleted) when it is past its absolute
 * lifetime: from then on the request is anonymous. The idle timeout needs nothing here: the row's
 * `expire` rolls with use, the store does not load an expired row, and its pruning deletes it.
 */
export function createSessionMiddleware(settings: SessionSettings): RequestHandler {
  const load = session(settings.options);
  return (req, res, next) =>
    load(req, res, (err?: unknown) => {
      if (err || !req.session?.adminUser || !isPastAbsoluteLifetime(req.session, settings.absoluteMs)) return next(err);
      res.locals.sessionEnded = true;
      // regenerate: the old row is deleted and the request goes on with a fresh, empty session.
      req.session.regenerate((endErr) => next(endErr));
    });
}

// A session without a login time was not opened by this version's login: it does not live on.
export const isPastAbsoluteLifetime = (sess: Partial<session.SessionData>, absoluteMs: number, now = Date.now()): boolean =>
  typeof sess.loginAt !== 'number' || now - sess.loginAt > absoluteMs;
