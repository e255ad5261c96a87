// Reading Unleash's event log through its Admin API (unleash-server 7.5): GET
// /api/admin/search/events, the supported endpoint (the older /api/admin/events is deprecated and
// answers only the last 100 events). It pages newest first with limit/offset (the order is not a
// parameter in 7.5) and has no "id greater than" filter, but it filters on a list of ids
// (`id=IS_ANY_OF:1,2,3`). Event ids come from one sequence, so we read forward in id ranges: the
// newest id first (among the latest events), then the next range of ids after the cursor. Memory
// and requests stay bounded however long the history is, and no offset can shift under us.

/** An event as the search endpoint answers it (the fields we use). */
export type UnleashEvent = {
  id: number;
  type: string;
  createdAt: string;
  createdBy: string;
  featureName?: string | null;
  project?: string | null;
  environment?: string | null;
  preData?: unknown;
  data?: unknown;
  label?: string | null;
};

const REQUEST_TIMEOUT_MS = 10_000;

async function search(url: string, adminToken: string, query: string): Promise<UnleashEvent[]> {
  const res = await fetch(`${url.replace(/\/$/, '')}/api/admin/search/events?${query}`, {
    headers: { Authorization: adminToken, Accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) {
    await res.arrayBuffer();
    throw new Error(`Unleash answered ${res.status} to the event search`);
  }
  return (((await res.json()) as { events?: UnleashEvent[] }).events ?? []).filter((e) => Number.isSafeInteger(e.id));
}

/**
 * The events with ids in (afterId, afterId + rangeSize], oldest first, and the newest id Unleash
 * has. Ids missing from the range were rolled back, or belong to a write Unleash has not committed
 * yet: the caller tells them apart by time (src/flags/flag-event-import.ts).
 */
export async function readEventRange({ url, adminToken, afterId, rangeSize = 200 }: {
  /** The Unleash server's base URL (no /api). */
  url: string;
  adminToken: string;
  afterId: number;
  /** Ids per request: 200 keep the query string near 1.5 kB. */
  rangeSize?: number;
}): Promise<{ events: UnleashEvent[]; newestId: number; rangeEnd: number }> {
  // The newest page is sorted by creation time, which concurrent writes in Unleash can order
  // differently from ids: the highest id among the latest few, not the first one.
  const latest = await search(url, adminToken, 'limit=20');
  const newestId = latest.reduce((max, e) => Math.max(max, e.id), 0);
  if (newestId <= afterId) return { events: [], newestId, rangeEnd: afterId };
  const rangeEnd = Math.min(newestId, afterId + rangeSize);
  const ids = Array.from({ length: rangeEnd - afterId }, (_, i) => afterId + 1 + i);
  const events = await search(url, adminToken, `limit=1000&id=IS_ANY_OF:${ids.join(',')}`);
  return { events: events.filter((e) => e.id > afterId && e.id <= rangeEnd).sort((a, b) => a.id - b.id), newestId, rangeEnd };
}
