// Failed logins (and failed second-factor codes) per account and per address: at most
// LOGIN_MAX_FAILURES_PER_ACCOUNT and LOGIN_MAX_FAILURES_PER_IP an hour, then every attempt is
// refused until the hour that began with the first failure is over. Counted in PostgreSQL
// (rate-limiter-flexible's RateLimiterPostgres, table login_throttles, created by a migration:
// the app's role may not create tables), so every app instance and a restart see the same count.
//
// Each attempt takes its point BEFORE the password is checked and a success gives it back: twenty
// guesses sent at once cannot slip past the limit while the first ones are still hashing. Unknown
// accounts are counted exactly like known ones (no enumeration through the lockout), under a hash
// of the address typed, so the table holds no email addresses.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

const TABLE = 'login_throttles';
const WINDOW_SECONDS = 3600;

export type ThrottleScope = 'account' | 'ip';
export type ThrottleKeys = { email: string; ip: string | null };
export type Gate =
  | { kind: 'open' }
  /** `newlyLocked`: the scopes this very attempt locked (exactly one attempt per window sees each). */
  | { kind: 'locked'; retryAfterSeconds: number; newlyLocked: ThrottleScope[] };

const accountKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
const ipKey = (ip: string | null) => ip ?? 'unknown';

export function createLoginThrottle({ pool, perAccount, perIp }: { pool: pg.Pool; perAccount: number; perIp: number }) {
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: TABLE, tableCreated: true, keyPrefix, points, duration: WINDOW_SECONDS });
  const limiters: Record<ThrottleScope, { limiter: RateLimiterPostgres; points: number; key: (k: ThrottleKeys) => string }> = {
    account: { limiter: limiter('login-account', perAccount), points: perAccount, key: (k) => accountKey(k.email) },
    ip: { limiter: limiter('login-ip', perIp), points: perIp, key: (k) => ipKey(k.ip) },
  };

  async function takeOne(scope: ThrottleScope, keys: ThrottleKeys): Promise<{ scope: ThrottleScope; refused: RateLimiterRes | null }> {
    const { limiter: l, key } = limiters[scope];
    try {
      await l.consume(key(keys));
      return { scope, refused: null };
    } catch (err) {
      // A RateLimiterRes is "over the limit"; anything else is the store failing: no login then.
      if (err instanceof RateLimiterRes) return { scope, refused: err };
      throw err;
    }
  }

  /** Takes one attempt from the account's and the address's hour. */
  async function take(keys: ThrottleKeys): Promise<Gate> {
    const results = await Promise.all((['account', 'ip'] as const).map((scope) => takeOne(scope, keys)));
    const refused = results.filter((r) => r.refused);
    if (refused.length === 0) return { kind: 'open' };
    return {
      kind: 'locked',
      retryAfterSeconds: Math.max(...refused.map((r) => Math.max(1, Math.ceil(r.refused!.msBeforeNext / 1000)))),
      newlyLocked: refused.filter((r) => r.refused!.consumedPoints === limiters[r.scope].points + 1).map((r) => r.scope),
    };
  }

  /** The attempt succeeded: it does not count as a failure. */
  async function succeeded(keys: ThrottleKeys): Promise<void> {
    await Promise.all((['account', 'ip'] as const).map((scope) => limiters[scope].limiter.reward(limiters[scope].key(keys), 1)));
  }

  return { take, succeeded, limits: { account: perAccount, ip: perIp } };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
