// Facts fanned out to the entities they belong on: the fact's own subject when it has a timeline,
// and every entity the packs link it to. Links are resolved in batch, one statement per subject
// type per batch (src/platform/plugin.ts `timeline.links`), never per fact.
import type { SqlExecutor } from '../audit/types.js';
import type { TimelineCatalog } from './timeline-catalog.js';
import type { EntityRef, TimelineFact, TimelineRow } from './timeline-types.js';

const keyOf = (ref: EntityRef) => `${ref.type}\u0000${ref.id}`;

/** Linked entities per subject (`type\0id`), for every subject of the facts. */
async function resolveLinks(db: SqlExecutor, facts: TimelineFact[], catalog: TimelineCatalog): Promise<Map<string, EntityRef[]>> {
  const idsByType = new Map<string, Set<string>>();
  for (const { subject } of facts) {
    if (!catalog.links.has(subject.type)) continue;
    let ids = idsByType.get(subject.type);
    if (!ids) idsByType.set(subject.type, (ids = new Set()));
    ids.add(subject.id);
  }
  const linked = new Map<string, EntityRef[]>();
  // One client runs one statement at a time: sequential, each a single set-based query.
  for (const [type, ids] of idsByType) {
    const rows = await catalog.links.get(type)!(db, [...ids]);
    for (const row of rows) {
      if (!catalog.entities.has(row.type) || row.linkedId === null || row.linkedId === undefined) continue;
      const key = keyOf({ type, id: row.id });
      const list = linked.get(key) ?? [];
      list.push({ type: row.type, id: String(row.linkedId) });
      linked.set(key, list);
    }
  }
  return linked;
}

export async function fanOut(db: SqlExecutor, facts: TimelineFact[], catalog: TimelineCatalog): Promise<TimelineRow[]> {
  const linked = await resolveLinks(db, facts, catalog);
  const rows: TimelineRow[] = [];
  for (const fact of facts) {
    const seen = new Set<string>();
    const targets = [fact.subject, ...(linked.get(keyOf(fact.subject)) ?? [])];
    for (const entity of targets) {
      const key = keyOf(entity);
      if (seen.has(key) || !catalog.entities.has(entity.type)) continue;
      seen.add(key);
      rows.push({ ...fact, entity });
    }
  }
  return rows;
}
