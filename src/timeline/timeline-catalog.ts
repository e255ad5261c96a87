// What the timeline knows about entity types, assembled once from the resources and the packs'
// `timeline` declarations: which entity types have a timeline (and who may read it, which rows are
// visible), which subject types an operator may see entries about, and their personal data. A
// declaration naming a permission nobody declares stops the start, as the RBAC model does.
import type { Plugin, ResourceDefinition, RowFilter } from '../platform/plugin.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { Permission, PermissionCatalog } from '../rbac/permissions.js';
import type { PiiFields } from '../rbac/masking.js';
import type { PluginTimeline, TimelineLinkResolver, TimelineSource } from './timeline-types.js';
import { approvalTargets } from './approval-links.js';

/** An entity type with a timeline (`GET /api/entities/{type}/{id}/timeline`). */
export type TimelineEntityType = {
  type: string;
  read: Permission;
  /** The Prisma model of its resource; absent for types with no table (a flag). */
  model?: string;
  visibleTo?: (operator: OperatorPrincipal) => RowFilter;
  tenantScope?: (orgId: number) => RowFilter;
};

export type TimelineCatalog = {
  entities: ReadonlyMap<string, TimelineEntityType>;
  /** Subject type -> what seeing entries about it takes, and its personal-data fields. */
  subjects: ReadonlyMap<string, { read: Permission; pii?: PiiFields }>;
  links: ReadonlyMap<string, TimelineLinkResolver>;
  sources: readonly TimelineSource[];
  /** Event names and action ids whose rows a source tells instead (`TimelineSource.supersedes`). */
  superseded: { events: ReadonlySet<string>; actions: ReadonlySet<string> };
  /** The subject type of an audit row's entity type: backoffice writes log the model name. */
  subjectTypeOf: (auditEntityType: string) => string;
};

// The core's own part: flags have a timeline (their changes reach the audit log as entity `flag`),
// and an approval request (requested, approved, denied) belongs on the entity it would act on.
const CORE_TIMELINE: PluginTimeline = {
  entities: { flag: { read: 'flag.read' } },
  subjects: { approval: { read: 'approval.read' } },
  links: { approval: approvalTargets },
};

export function buildTimelineCatalog({ resources, plugins, permissions, actions }: {
  resources: readonly ResourceDefinition[];
  plugins: readonly Plugin[];
  /** The RBAC catalog: every permission named here must be declared. */
  permissions: PermissionCatalog;
  /** The actions: a source superseding an action's rows must name one of them (a typo would hide nothing). */
  actions: readonly { id: string }[];
}): TimelineCatalog {
  const entities = new Map<string, TimelineEntityType>();
  const subjects = new Map<string, { read: Permission; pii?: PiiFields }>();
  const links = new Map<string, TimelineLinkResolver>();
  const sources: TimelineSource[] = [];
  const modelToType = new Map<string, string>();
  const supersededEvents = new Set<string>();
  const supersededActions = new Set<string>();
  const check = (permission: Permission, where: string) => {
    if (!Object.hasOwn(permissions, permission)) throw new Error(`timeline: ${where} names the unknown permission ${permission}`);
  };

  for (const r of resources) {
    const type = r.entityType ?? r.model;
    subjects.set(type, { read: r.access.read, pii: r.pii });
    if (!r.entityType) continue;
    modelToType.set(r.model, r.entityType);
    entities.set(r.entityType, { type: r.entityType, read: r.access.read, model: r.model, visibleTo: r.visibleTo, tenantScope: r.tenantScope });
  }
  for (const [owner, timeline] of [['core', CORE_TIMELINE] as const, ...plugins.map((p) => [p.id, p.timeline] as const)]) {
    if (!timeline) continue;
    for (const [type, { read }] of Object.entries(timeline.entities ?? {})) {
      check(read, `${owner}'s timeline entity ${type}`);
      if (entities.has(type)) throw new Error(`timeline: entity type ${type} is declared twice`);
      entities.set(type, { type, read });
      subjects.set(type, { read });
    }
    for (const [type, subject] of Object.entries(timeline.subjects ?? {})) {
      check(subject.read, `${owner}'s timeline subject ${type}`);
      subjects.set(type, subject);
    }
    for (const [type, resolve] of Object.entries(timeline.links ?? {})) {
      if (links.has(type)) throw new Error(`timeline: links of ${type} are declared twice`);
      links.set(type, resolve);
    }
    for (const source of timeline.sources ?? []) {
      if (source.id === 'audit' || source.id === 'event' || sources.some((s) => s.id === source.id)) throw new Error(`timeline: source ${source.id} is declared twice`);
      sources.push(source);
      for (const name of source.supersedes?.events ?? []) supersededEvents.add(name);
      for (const id of source.supersedes?.actions ?? []) {
        if (!actions.some((a) => a.id === id)) throw new Error(`timeline: source ${source.id} supersedes the unknown action ${id}`);
        supersededActions.add(id);
      }
    }
  }
  return { entities, subjects, links, sources, superseded: { events: supersededEvents, actions: supersededActions }, subjectTypeOf: (type) => modelToType.get(type) ?? type };
}
