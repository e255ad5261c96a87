// Who may read which timeline, and what of it. An operator reads an entity's timeline with the
// read permission of the entity type's resource, only for a record they may see (the resource's
// `visibleTo`, and while impersonating, its `tenantScope`): otherwise the entity does not exist for
// them (404, so ids do not leak). Entries about other subjects (the refund on an order's timeline)
// show only to holders of that subject type's read permission; personal data in summaries is
// masked without `pii.read`, with the one masking of src/rbac/masking.ts.
import fs from 'node:fs';
import type { PrismaClient } from '@prisma/client';
import type { OperatorPrincipal } from '../auth/operator-auth.js';
import type { ActiveImpersonation } from '../impersonation/impersonation-types.js';
import { projectPath } from '../platform/paths.js';
import { can } from '../rbac/access.js';
import { canSeePii, maskFields, type PiiFields } from '../rbac/masking.js';
import type { TimelineCatalog, TimelineEntityType } from './timeline-catalog.js';

type IdKind = 'Int' | 'BigInt' | 'String';

// The id field's type per model, from the DMMF prisma generate writes (prisma/dmmf-generator.cjs).
function loadIdKinds(): Map<string, IdKind> {
  const dmmf = JSON.parse(fs.readFileSync(projectPath('prisma', 'generated', 'dmmf.json'), 'utf8')) as {
    datamodel: { models: { name: string; fields: { name: string; isId: boolean; type: string }[] }[] };
  };
  return new Map(dmmf.datamodel.models.map((m) => [m.name, (m.fields.find((f) => f.isId)?.type ?? 'String') as IdKind]));
}

function parseId(kind: IdKind, id: string): number | bigint | string | null {
  if (kind === 'String') return id;
  if (!/^\d{1,19}$/.test(id)) return null;
  if (kind === 'BigInt') return BigInt(id);
  const n = Number(id);
  return n <= 2_147_483_647 ? n : null;
}

export function createTimelineAccess({ prisma, catalog }: { prisma: PrismaClient; catalog: TimelineCatalog }) {
  const idKinds = loadIdKinds();
  const delegate = (model: string) =>
    (prisma as unknown as Record<string, { findFirst: (q: object) => Promise<unknown> }>)[model[0].toLowerCase() + model.slice(1)];

  /** Whether the record exists and is one the operator may see now. */
  async function isVisible(entity: TimelineEntityType, id: string, operator: OperatorPrincipal, impersonation: ActiveImpersonation | null): Promise<boolean> {
    // Only while impersonating a tenant do resources without a scope stay unscoped, as in the backoffice.
    if (impersonation && entity.tenantScope && impersonation.targetOrgId === null) return false;
    if (!entity.model) return true;
    const key = parseId(idKinds.get(entity.model) ?? 'String', id);
    if (key === null) return false;
    const conditions: Record<string, unknown>[] = [{ id: key }];
    if (entity.visibleTo) conditions.push(entity.visibleTo(operator));
    if (impersonation && entity.tenantScope) conditions.push(entity.tenantScope(impersonation.targetOrgId!));
    return (await delegate(entity.model).findFirst({ where: { AND: conditions }, select: { id: true } })) !== null;
  }

  /** The subject types whose entries the operator may see on a linked entity's timeline. */
  function readableSubjects(operator: OperatorPrincipal): string[] {
    return [...catalog.subjects].filter(([, s]) => can(operator, s.read)).map(([type]) => type);
  }

  /** A summary as the operator may see it: personal fields of the subject type masked without pii.read. */
  function maskData(operator: OperatorPrincipal, subjectType: string, data: Record<string, unknown>): Record<string, unknown> {
    const pii: PiiFields | undefined = catalog.subjects.get(subjectType)?.pii;
    if (!pii || canSeePii(operator)) return data;
    const mask = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? maskFields(value as Record<string, unknown>, pii) : value);
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, ['before', 'after', 'payload'].includes(key) ? mask(value) : value]));
  }

  return { isVisible, readableSubjects, maskData };
}

export type TimelineAccess = ReturnType<typeof createTimelineAccess>;
