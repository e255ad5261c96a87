// opsdeck's feature-flag client: unleash-client's in-process evaluator, polling our Unleash server,
// with a health state and a destroy() that is safe while the server is unreachable.
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { Unleash, type Context, type Variant } from 'unleash-client';

type LogFn = (objOrMsg: unknown, msg?: string) => void;
export type FlagClientLogger = { debug?: LogFn; info: LogFn; warn: LogFn; error: LogFn };

export type FlagState = 'ok' | 'degraded';

/**
 * What the SDK emits on each evaluation of a flag whose `impressionData` is on in Unleash
 * (unleash-client 6: no event id of its own). `variant` is set on `getVariant` evaluations.
 */
export type FlagImpression = {
  eventType: 'isEnabled' | 'getVariant';
  featureName: string;
  enabled: boolean;
  variant?: string;
  context: Context;
};

/** A flag as the SDK holds it (the package does not export the type by name). */
export type FlagDefinition = NonNullable<ReturnType<Unleash['getFeatureToggleDefinition']>>;

export type FlagClient = {
  /** Resolves true once flags are loaded (from the server or the backup file), false on timeout. */
  ready(timeoutMs: number): Promise<boolean>;
  /** 'ok' while fetches from the server succeed, 'degraded' from the first failure until the next success. */
  state(): FlagState;
  /** `fallback` is served for a flag the client does not know (not fetched, no backup). */
  isEnabled(name: string, context?: Context, fallback?: boolean): boolean;
  /** The flag as last fetched (type, strategies with their variants), through the SDK's public getFeatureToggleDefinition. */
  definition(name: string): FlagDefinition | undefined;
  /** The user's variant (`{ name: 'disabled', enabled: false }` when the flag is off, unknown or has no variant for them). */
  getVariant(name: string, context?: Context): Variant;
  /**
   * Calls `listener` with each impression event (flags with impression data on); returns the
   * unsubscribe. A listener that throws is logged, never thrown into the evaluation that emitted.
   */
  onImpression(listener: (impression: FlagImpression) => void): () => void;
  /** Stops polling; resolves once the poll in flight, if any, has ended (a few seconds at most while the server is down). */
  destroy(): Promise<void>;
};

// Repository warnings that mean a fetch failed (backoff on 404/429/5xx, dropped keep-alive socket).
const FETCH_WARNING = /responded|Backing off|Socket keep alive/i;
const REQUEST_TIMEOUT_MS = 5_000;

/** The SDK's poller (unleash-client 6.12 repository/polling-fetcher.js), as far as destroy() needs it. */
type Poller = { fetch: () => Promise<void>; timer?: NodeJS.Timeout };

export function createFlagClient({
  url,
  clientToken,
  appName,
  backupPath,
  logger,
  refreshIntervalMs = 2_000,
  environment = 'development',
}: {
  url: string;
  clientToken: string;
  appName: string;
  backupPath: string;
  logger: FlagClientLogger;
  refreshIntervalMs?: number;
  environment?: string;
}): FlagClient {
  // The SDK writes its backup after each fetch and reports a missing folder as a fetch error.
  fs.mkdirSync(backupPath, { recursive: true });

  const unleash = new Unleash({
    url: `${url.replace(/\/$/, '')}/api`,
    appName,
    environment,
    customHeaders: { Authorization: clientToken },
    refreshInterval: refreshIntervalMs,
    metricsInterval: 60_000,
    backupPath,
    timeout: REQUEST_TIMEOUT_MS,
    // Every test and each supervisor restart may create a client; the SDK nags after 10.
    skipInstanceCountWarning: true,
  });

  let current: FlagState = 'degraded';
  let lastError: string | undefined;
  let loaded = false;
  let destroyed = false;

  const setState = (next: FlagState, reason: unknown): void => {
    if (next === current || destroyed) return;
    current = next;
    if (next === 'ok') {
      lastError = undefined;
      logger.info({ appName }, 'feature flags: connected to Unleash');
    } else logger.warn({ appName, reason: reason instanceof Error ? reason.message : reason }, 'feature flags: Unleash unreachable, serving last known flags');
  };

  // The SDK hides its repository, but it is the only emitter that tells fetch results apart from
  // metrics and evaluation noise. We must also keep a listener on it after destroy(): stop() removes
  // every listener, and a fetch still in flight then emits an unhandled 'error' that kills the process.
  const repository = (unleash as unknown as { repository?: EventEmitter }).repository;
  const fetchSource: EventEmitter = repository ?? unleash;

  // A poll in flight when destroy() is called goes on: against a server that is down, the SDK's
  // HTTP layer retries it (make-fetch-happen: timers of 1 s, then 2 s), and when it ends the poller
  // arms its next poll although it was stopped (polling-fetcher.js re-arms in a `finally`). Those
  // timers kept the process alive for seconds after destroy() (a jest worker then "failed to exit
  // gracefully"). So each poll is tracked (the SDK starts polling on the next tick, after this),
  // and destroy() waits for the one in flight and clears the timer it leaves.
  const poller = (repository as unknown as { fetcher?: { pollingFetcher?: Poller } } | undefined)?.fetcher?.pollingFetcher;
  let polling: Promise<void> = Promise.resolve();
  if (poller) {
    const poll = poller.fetch.bind(poller);
    poller.fetch = () => (polling = poll());
  }

  const onFetchOk = () => setState('ok', undefined);
  const onFetchError = (err: unknown) => setState('degraded', err);
  const onFetchWarn = (msg: unknown) => {
    if (FETCH_WARNING.test(msg instanceof Error ? msg.message : String(msg))) setState('degraded', msg);
  };
  fetchSource.on('changed', onFetchOk);
  fetchSource.on('unchanged', onFetchOk);
  fetchSource.on('error', onFetchError);
  fetchSource.on('warn', onFetchWarn);

  // Without its own listener the SDK prints errors to the console; route everything to our logger,
  // each distinct message once per outage, since a down server fails every poll.
  unleash.on('error', (err: unknown) => {
    if (destroyed) return;
    const message = err instanceof Error ? err.message : String(err);
    if (message === lastError) (logger.debug ?? logger.info).call(logger, { err }, 'unleash-client error');
    else logger.warn({ err }, 'unleash-client error');
    lastError = message;
  });
  unleash.on('warn', (msg: unknown) => {
    if (!destroyed) (logger.debug ?? logger.info).call(logger, { msg }, 'unleash-client warning');
  });
  unleash.on('ready', () => {
    loaded = true;
  });

  return {
    ready(timeoutMs) {
      if (loaded) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          unleash.off('ready', onReady);
          resolve(false);
        }, timeoutMs);
        function onReady(): void {
          clearTimeout(timer);
          resolve(true);
        }
        unleash.once('ready', onReady);
      });
    },

    state: () => current,

    isEnabled: (name, context, fallback) => unleash.isEnabled(name, context, fallback),

    definition: (name) => unleash.getFeatureToggleDefinition(name),

    getVariant: (name, context) => unleash.getVariant(name, context),

    onImpression(listener) {
      // The SDK emits synchronously inside getVariant/isEnabled: an exception here would surface
      // in the caller's evaluation.
      const guarded = (impression: FlagImpression) => {
        try {
          listener(impression);
        } catch (err) {
          logger.warn({ err }, 'feature flags: impression listener failed');
        }
      };
      unleash.on('impression', guarded);
      return () => {
        unleash.off('impression', guarded);
      };
    },

    async destroy() {
      if (destroyed) return;
      destroyed = true;
      // Synchronous in the SDK: it clears the poll and metrics timers; it never waits for the server.
      unleash.destroy();
      const swallow = () => {};
      repository?.on('error', swallow);
      repository?.on('warn', swallow);
      unleash.removeAllListeners();
      unleash.on('error', swallow);
      // Bounded: a server that hangs rather than refuses could hold a poll for three request timeouts.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([polling.catch(swallow), new Promise<void>((resolve) => { waited = setTimeout(resolve, REQUEST_TIMEOUT_MS); })]);
      clearTimeout(waited);
      clearTimeout(poller?.timer);
    },
  };
}
