// Keeps every large list's page anchors current (list-anchor-builder.ts): boot checks them at
// start and every five minutes; a list is rebuilt only when missing or drifted, one list at a time
// (a rebuild reads the whole table's key order: seconds at ten million rows). `npm run
// lists:anchors` and the scale seed rebuild them all at once.
import type pg from 'pg';
import type { Logger } from '../../platform/logger.js';
import { startRepeatingTask } from '../../platform/repeating-task.js';
import { buildListAnchors, type AnchorBuildOutcome } from './list-anchor-builder.js';
import type { LargeList } from './large-lists.js';

export type ListAnchorRefresh = ReturnType<typeof createListAnchorRefresh>;

export function createListAnchorRefresh({ pool, lists }: { pool: pg.Pool; lists: LargeList[] }) {
  async function refreshAll(options: { force?: boolean; every?: number; minRows?: number } = {}): Promise<AnchorBuildOutcome[]> {
    const outcomes: AnchorBuildOutcome[] = [];
    for (const list of lists) outcomes.push(await buildListAnchors({ pool, list, ...options }));
    return outcomes;
  }

  function start({ logger, intervalMs = 5 * 60_000 }: { logger: Logger; intervalMs?: number }) {
    return startRepeatingTask({
      name: 'list anchor refresh', intervalMs, logger, runsNow: true,
      turn: async () => {
        for (const outcome of await refreshAll()) if (outcome.outcome === 'built') logger.info(outcome, 'list anchors rebuilt');
      },
    });
  }

  return { lists, refreshAll, start };
}
