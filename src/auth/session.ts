// Operator sessions live in PostgreSQL (connect-pg-simple, table operator_sessions). The API and
// the AdminJS router share one cookie and one store, so logging in on either face logs in both.
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type pg from 'pg';
import type { Config } from '../config/config.js';
import type { OperatorPrincipal } from './operator-auth.js';

declare module 'express-session' {
  interface SessionData {
    // AdminJS keeps its current user under `adminUser`; we store the principal there for both faces.
    adminUser?: OperatorPrincipal;
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
};

export function createSessionSettings({ config, pool, secret }: { config: Config; pool: pg.Pool; secret: string }): SessionSettings {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool,
    tableName: 'operator_sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 15 * 60,
  });
  throttleTouch(store);
  // The __Host- prefix needs a Secure cookie; over plain http://localhost (dev) it cannot be used.
  const cookieName = config.cookieSecure ? '__Host-opsdeck.sid' : 'opsdeck.sid';
  return {
    cookieName,
    secret,
    store,
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

export function createSessionMiddleware(settings: SessionSettings) {
  return session(settings.options);
}
