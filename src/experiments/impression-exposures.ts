// Exposures from opsdeck's own flag evaluations (issue 6): when opsdeck calls getVariant for a user
// on an experiment's flag, unleash-client emits an `impression` event (only for flags whose
// "impression data" is on in Unleash). Each becomes an exposure of the experiment named like the
// flag, buffered and posted through the same ingestion as POST /api/experiments/{key}/events
// (kill switch, validation, per-id idempotency, per-user dedup), every second or at 1,000 events.
//
// - Event id: unleash-client 6 gives impressions no id of their own, so the id is derived from the
//   user and the variant (`imp:<hash>`). A re-flush, a repeated evaluation, another opsdeck
//   instance or a restart send the same id: the ledger keeps one row per user and variant instead
//   of one per evaluation, and a user shown two variants still gets two ids (the conflict is seen).
// - Dropped without error (debug log, counted in stats): evaluations other than getVariant, disabled
//   variants, no userId, flags that are no opsdeck experiment, experiments not running (an
//   impression is live, so one made while paused belongs to the pause), variants the experiment
//   does not know, and everything while the kill switch is off (audited once per off period by the
//   ingestion's own gate, then dropped without asking it every second).
// - Bounded: at most `maxBuffered` distinct pending exposures; beyond that new ones are DROPPED
//   (counted as `overflow`): the older ones are users' first exposures, which decide their variant.
// - record() never throws and never waits: the SDK calls it inside the evaluation.
import { createHash } from 'node:crypto';
import { externalActor } from '../audit/external-actor.js';
import type { AuditActor } from '../audit/types.js';
import type { FlagImpression } from '../flags/unleash-client.js';
import { AppError } from '../http/errors.js';
import type { ExperimentService } from './experiment-service.js';

type LogFn = (obj: unknown, msg?: string) => void;

/** Who posts these exposures: not an operator, not a token, opsdeck's own SDK. */
export const IMPRESSIONS_ACTOR: AuditActor = externalActor('sdk', 'unleash-impressions');

export const impressionEventId = (userId: string, variant: string): string =>
  `imp:${createHash('sha256').update(userId).update('\0').update(variant).digest('base64url').slice(0, 32)}`;

type Pending = { key: string; userId: string; variant: string; at: string };
// The buffer's key: hashing waits for the flush, off the evaluation's path.
const slotOf = (p: Pick<Pending, 'key' | 'userId' | 'variant'>) => `${p.key}\0${p.userId}\0${p.variant}`;

export type ImpressionStats = Record<'recorded' | 'stored' | 'overflow' | 'ignored' | 'notExperiment' | 'notRunning' | 'unknownVariant' | 'switchedOff' | 'failed', number>;

export function createImpressionExposures({
  experiments, isIngestOn, logger, flushIntervalMs = 1_000, flushAt = 1_000, maxBuffered = 20_000, now = () => new Date(),
}: {
  experiments: Pick<ExperimentService, 'get' | 'ingest'>;
  /** The kill switch `opsdeck.experiments-ingest` as evaluated for IMPRESSIONS_ACTOR (no audit); absent, always asked through ingest. */
  isIngestOn?: (actor: AuditActor) => boolean;
  logger: { debug: LogFn; warn: LogFn };
  flushIntervalMs?: number;
  flushAt?: number;
  maxBuffered?: number;
  now?: () => Date;
}) {
  // Keyed by experiment, user and variant: repeated evaluations between flushes take no extra room.
  let buffer = new Map<string, Pending>();
  let flushing: Promise<void> | null = null;
  let switchedOff = false;
  let timer: NodeJS.Timeout | null = null;
  const stats: ImpressionStats = { recorded: 0, stored: 0, overflow: 0, ignored: 0, notExperiment: 0, notRunning: 0, unknownVariant: 0, switchedOff: 0, failed: 0 };

  function record(impression: FlagImpression): void {
    try {
      const userId = impression.context?.userId;
      if (impression.eventType !== 'getVariant' || !impression.enabled || !impression.variant || impression.variant === 'disabled' || !userId) {
        stats.ignored++;
        return;
      }
      const pending: Pending = { key: impression.featureName, userId: String(userId).slice(0, 128), variant: impression.variant, at: '' };
      const slot = slotOf(pending);
      if (buffer.has(slot)) return;
      if (buffer.size >= maxBuffered) {
        stats.overflow++;
        return;
      }
      pending.at = now().toISOString();
      buffer.set(slot, pending);
      stats.recorded++;
      if (buffer.size >= flushAt) void flush();
    } catch (err) {
      logger.warn({ err }, 'experiment impressions: could not record an impression');
    }
  }

  async function flushKey(key: string, pending: Pending[]): Promise<void> {
    if (isIngestOn && !isIngestOn(IMPRESSIONS_ACTOR) && switchedOff) {
      stats.switchedOff += pending.length;
      return;
    }
    try {
      const experiment = await experiments.get(key);
      if (experiment.status !== 'running') {
        stats.notRunning += pending.length;
        logger.debug({ key, status: experiment.status, dropped: pending.length }, 'experiment impressions: experiment not running, exposures dropped');
        return;
      }
      const known = new Set(experiment.variants.map((v) => v.name));
      const events = pending.filter((p) => known.has(p.variant)).map((p) => ({ id: impressionEventId(p.userId, p.variant), type: 'exposure' as const, userId: p.userId, variant: p.variant, at: p.at }));
      stats.unknownVariant += pending.length - events.length;
      if (events.length === 0) return;
      await experiments.ingest({ key, body: { events }, actor: IMPRESSIONS_ACTOR });
      switchedOff = false;
      stats.stored += events.length;
    } catch (err) {
      if (err instanceof AppError && err.code === 'feature_disabled') {
        switchedOff = true;
        stats.switchedOff += pending.length;
        logger.debug({ key, dropped: pending.length }, 'experiment impressions: ingestion switched off, exposures dropped');
      } else if (err instanceof AppError && err.status === 404) {
        stats.notExperiment += pending.length;
        logger.debug({ key, dropped: pending.length }, 'experiment impressions: flag is no opsdeck experiment, impressions dropped');
      } else if (err instanceof AppError && err.status < 500) {
        // A 409 (concluded or drafted since the check) or a 422: the events will never fit.
        stats.notRunning += pending.length;
        logger.debug({ key, code: err.code, dropped: pending.length }, 'experiment impressions: refused by ingestion, exposures dropped');
      } else {
        // Database trouble: kept for the next flush while there is room (the ids make a retry safe).
        let kept = 0;
        for (const p of pending) {
          const slot = slotOf(p);
          if (buffer.size >= maxBuffered) break;
          if (!buffer.has(slot)) buffer.set(slot, p);
          kept++;
        }
        stats.failed += pending.length - kept;
        logger.warn({ err, key, kept, dropped: pending.length - kept }, 'experiment impressions: ingestion failed, retrying at the next flush');
      }
    }
  }

  async function flushOnce(): Promise<void> {
    if (buffer.size === 0) return;
    const taken = buffer;
    buffer = new Map();
    const byKey = new Map<string, Pending[]>();
    for (const p of taken.values()) {
      const list = byKey.get(p.key);
      if (list) list.push(p);
      else byKey.set(p.key, [p]);
    }
    for (const [key, pending] of byKey) await flushKey(key, pending);
  }

  /** Posts what is buffered; resolves when done. Never rejects. One flush at a time. */
  function flush(): Promise<void> {
    if (flushing) return flushing;
    flushing = flushOnce()
      .catch((err) => logger.warn({ err }, 'experiment impressions: flush failed'))
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  return {
    /** The flag client's impression listener (`flags.onImpression(recorder.record)`). */
    record,
    flush,
    /** Counters since start: what was recorded, stored and dropped (and why). */
    stats: (): ImpressionStats & { buffered: number } => ({ ...stats, buffered: buffer.size }),
    /** Flushes every `flushIntervalMs`; stop() flushes what is left (boot's shutdown). */
    start() {
      timer ??= setInterval(() => void flush(), flushIntervalMs);
      timer.unref();
      return {
        stop: async () => {
          if (timer) clearInterval(timer);
          timer = null;
          await flushing;
          await flush();
        },
      };
    },
  };
}

export type ImpressionExposures = ReturnType<typeof createImpressionExposures>;
