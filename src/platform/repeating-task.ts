// A background task run every `intervalMs` until stopped, one turn at a time (the next turn is
// scheduled after the previous one ends, so slow turns never pile up). A failing turn is logged (the
// first, then every 20th in a row) and tried again at the next turn; recovery is logged once.
// `stop` waits for a running turn. The timer does not keep the process alive.
import type { Logger } from './logger.js';

export function startRepeatingTask({ name, intervalMs, logger, turn, runsNow = false }: {
  /** Used in the log lines: "<name> failed; retrying", "<name> recovered". */
  name: string;
  intervalMs: number;
  logger?: Pick<Logger, 'info' | 'error'>;
  turn: () => Promise<unknown>;
  /** The first turn runs at once instead of after the first interval. */
  runsNow?: boolean;
}): { stop: () => Promise<void> } {
  let isStopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failures = 0;

  const guarded = async () => {
    try {
      await turn();
      if (failures > 0) logger?.info({ failures }, `${name} recovered`);
      failures = 0;
    } catch (err) {
      if (failures++ % 20 === 0) logger?.error({ err, failures }, `${name} failed; retrying`);
    }
  };
  const schedule = (delayMs = intervalMs) => {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = guarded().then(() => schedule());
    }, delayMs);
    timer.unref();
  };
  schedule(runsNow ? 0 : intervalMs);

  return {
    stop: async () => {
      isStopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
