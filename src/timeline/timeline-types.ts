// The timeline's contract: what a projected entry is, what a domain pack declares so that entries
// reach the entities they are about (links) and so that its own tables feed the timeline
// (sources), and what the API answers. The projector and the read service live beside this file.
import type { Permission } from '../rbac/permissions.js';
import type { PiiFields } from '../rbac/masking.js';
import type { SqlExecutor } from '../audit/types.js';

/** An entity as the API names it: `{ type: 'order', id: '7' }`. */
export type EntityRef = { type: string; id: string };

/** One source row as the timeline shows it, before it is fanned out to entities. */
export type TimelineFact = {
  /** `event`, `audit` or a pack source's id. */
  source: string;
  sourceId: string;
  /** What the row is about (a refund, an order, a support case). */
  subject: EntityRef;
  occurredAt: Date;
  /**
   * When the row was written here, if that differs from `occurredAt` (an outside system's event
   * recorded later, e.g. a Shopify order's history): a source's gap is waited for by this time.
   */
  recordedAt?: Date;
  kind: string;
  actorOperatorId: number | null;
  data: Record<string, unknown>;
};

/** One projected row: a fact on one entity's timeline. */
export type TimelineRow = TimelineFact & { entity: EntityRef };

/**
 * The entities linked to subjects of one type, for a batch of ids: one SQL statement per batch,
 * whatever its size. Answers `{ id, type, linkedId }` rows: `id` is one of `ids`, and its entries
 * also belong on `type`/`linkedId`. Only entities a timeline exists for keep the entry.
 */
export type TimelineLinkResolver = (db: SqlExecutor, ids: string[]) => Promise<{ id: string; type: string; linkedId: string }[]>;

/**
 * A pack's table the timeline follows (support notes): rows with a dense, increasing position (a
 * sequence id), read after a checkpoint in position order. A gap below a later row is waited for
 * (its writer may still be running) until that row is `graceMs` old (docs/adr/0016).
 */
export type TimelineSource = {
  /** Checkpoint key and the entries' `source`, e.g. `marketplace.notes`. */
  id: string;
  read: (db: SqlExecutor, range: { after: string; upTo: string | null; limit: number }) => Promise<(Omit<TimelineFact, 'source'>)[]>;
  /**
   * What this source's rows tell in full, so the audit log's facts about it are not entries of
   * their own (one thing that happened, one entry; docs/adr/0016 "One entry per happening"):
   * domain events by name, and the `succeeded` audit rows of actions by id (a failed run writes no
   * source row, so its `failed` row stays). Static, so the projection and its replay agree.
   */
  supersedes?: { events?: readonly string[]; actions?: readonly string[] };
};

/** What a domain pack declares for the timeline (src/platform/plugin.ts `timeline`). */
export type PluginTimeline = {
  /** Link resolvers by subject type (entity type, or model name for backoffice writes). */
  links?: Record<string, TimelineLinkResolver>;
  /**
   * Subject types that are no resource's `entityType` (a refund, a support case), with the
   * permission needed to see entries about them on a linked entity's timeline and their personal
   * data. Entries about a subject type nobody declared are shown only on its own timeline.
   */
  subjects?: Record<string, { read: Permission; pii?: PiiFields }>;
  /** Entity types with a timeline that are no resource's (the core's `flag`). */
  entities?: Record<string, { read: Permission }>;
  sources?: TimelineSource[];
};

/** One entry as GET /api/entities/{type}/{id}/timeline answers it. */
export type TimelineItem = {
  id: string;
  occurredAt: string;
  source: string;
  sourceId: string;
  kind: string;
  subject: EntityRef;
  /** True when the entry is about a linked entity (the refund of this order), not this one. */
  isLinked: boolean;
  actorOperatorId: number | null;
  /** The operator's name (staff, not personal data of customers), read when the page is. */
  actorName: string | null;
  data: Record<string, unknown>;
};

export type TimelinePage = { items: TimelineItem[]; nextCursor: string | null };
