// Reading timelines: `list` behind GET /api/entities/{type}/{id}/timeline and the backoffice's
// Timeline panel, and `recent` for other features (the omnibox shows a result's latest entries).
// Both faces call this one service; the projection it reads is src/timeline/timeline-projector.ts's.
import type { PrismaClient } from '@prisma/client';
import type pg from 'pg';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { AuditService } from '../audit/types.js';
import { pgExecutor } from '../audit/sql-executor.js';
import type { ActiveImpersonation } from '../impersonation/impersonation-types.js';
import { forbidden, notFound } from '../http/errors.js';
import { decodeKey, keyPage, timeKeys } from '../http/keyset-cursor.js';
import { can } from '../rbac/access.js';
import type { TimelineCatalog } from './timeline-catalog.js';
import { createTimelineAccess } from './timeline-access.js';
import { readTimeline, type StoredEntry } from './timeline-store.js';
import type { TimelineItem, TimelinePage } from './timeline-types.js';

export type TimelineQuery = {
  type: string;
  id: string;
  operator: OperatorPrincipal;
  /** The impersonation the request runs under: the entity must be in its tenant. */
  impersonation?: ActiveImpersonation | null;
};

export function createTimelineService({ pool, prisma, catalog, audit }: {
  pool: pg.Pool;
  prisma: PrismaClient;
  catalog: TimelineCatalog;
  /** Denials are security events: audited as the API guard audits them. */
  audit: AuditService;
}) {
  const access = createTimelineAccess({ prisma, catalog });
  const db = pgExecutor(pool);

  const toItem = (query: TimelineQuery) => (e: StoredEntry): TimelineItem => ({
    id: e.id,
    occurredAt: e.occurred_at.toISOString(),
    source: e.source,
    sourceId: e.source_id,
    kind: e.kind,
    subject: { type: e.subject_type, id: e.subject_id },
    isLinked: e.subject_type !== query.type || e.subject_id !== query.id,
    actorOperatorId: e.actor_operator_id,
    actorName: e.actor_name,
    data: access.maskData(query.operator, e.subject_type, e.data),
  });

  /** null when the operator may see the timeline; the refusal otherwise (without side effects). */
  async function refusal({ type, id, operator, impersonation = null }: TimelineQuery): Promise<'forbidden' | 'not_found' | null> {
    const entity = catalog.entities.get(type);
    if (!entity) return 'not_found';
    if (!can(operator, entity.read)) return 'forbidden';
    return (await access.isVisible(entity, id, operator, impersonation)) ? null : 'not_found';
  }

  async function page(query: TimelineQuery, limit: number, before: { at: Date; id: string } | null): Promise<TimelinePage> {
    const rows = await readTimeline(db, {
      type: query.type, id: query.id, subjectTypes: access.readableSubjects(query.operator), before, limit: limit + 1,
    });
    const { items, nextCursor } = keyPage(rows, limit, (row) => [row.occurred_at, row.id]);
    return { items: items.map(toItem(query)), nextCursor };
  }

  /** One page, newest first; 404 for an unknown type or a record the operator may not see, 403 without the type's read permission, 422 for a foreign cursor. */
  async function list(query: TimelineQuery & { limit: number; cursor?: string }): Promise<TimelinePage> {
    // The cursor is checked first: a bad one changes nothing and says so, whoever asks.
    const before = query.cursor ? decodeKey(query.cursor, timeKeys.bigint) : null;
    const refused = await refusal(query);
    if (refused === 'not_found') throw notFound(`No ${query.type} ${query.id}.`);
    if (refused === 'forbidden') {
      const { read } = catalog.entities.get(query.type)!;
      await audit.appendStandalone({
        actor: { operatorId: query.operator.id, roles: query.operator.roles, impersonatedUserId: query.impersonation?.targetUserId ?? null },
        action: 'access.denied', entityType: query.type, entityId: query.id, note: `timeline: missing permission ${read}`, outcome: 'denied',
      });
      throw forbidden(`Your roles do not grant ${read}.`);
    }
    return page(query, query.limit, before);
  }

  /** The latest entries of an entity, or none when the operator may not see it (for search results and the like). */
  async function recent(query: TimelineQuery & { limit?: number }): Promise<TimelineItem[]> {
    if (await refusal(query)) return [];
    return (await page(query, Math.min(Math.max(query.limit ?? 5, 1), 50), null)).items;
  }

  return { list, recent, entityTypes: () => [...catalog.entities.keys()] };
}

export type TimelineService = ReturnType<typeof createTimelineService>;
