// Personal data inside the log's snapshots, masked on read for viewers without pii.read, on every
// face of the log (GET /api/audit, its NDJSON and CSV export, the backoffice screen) with the one
// masking of src/rbac/masking.ts. The stored rows are never touched: the hash chain covers them.
//
// Which fields of a row are personal data comes from its entity type alone: the resource that
// declares `pii` for it, found by its Prisma model name (backoffice writes log `CustomerUser`) or by
// its `entityType` (actions log `customer_user`). Rows of other entity types are shown as stored,
// even where they embed a copy of such data (an approval's `input`, a run's `result`): knowing those
// places would mean a second, per-action declaration of personal data, which nothing keeps true.
import type { ResourceDefinition } from '../platform/plugin.js';
import type { HasPermissions } from '../rbac/access.js';
import { canSeePii, maskFields, type PiiFields } from '../rbac/masking.js';
import type { AuditRecord } from './types.js';

/** Entity type as the log writes it (model name or API type) to the personal-data fields of its rows. */
export type AuditPiiLookup = ReadonlyMap<string, PiiFields>;

/** The lookup for the RBAC model's resources (`buildRbacModel(...).resources`). */
export function buildAuditPiiLookup(resources: readonly ResourceDefinition[]): AuditPiiLookup {
  const lookup = new Map<string, PiiFields>();
  const add = (key: string, pii: PiiFields) => lookup.set(key, { ...lookup.get(key), ...pii });
  for (const { model, entityType, pii } of resources) {
    if (!pii || Object.keys(pii).length === 0) continue;
    add(model, pii);
    if (entityType) add(entityType, pii);
  }
  return lookup;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A snapshot is the entity's fields at the top level: the whole row for a create or a delete, and
// for an update only the changed fields on each side (src/audit/event-snapshot.ts), so the same
// field-by-field masking covers both shapes.
const maskSnapshot = (snapshot: unknown, pii: PiiFields): unknown => (isPlainObject(snapshot) ? maskFields(snapshot, pii) : snapshot);

/** What a viewer may see of a row: unchanged with pii.read (or without personal data), masked otherwise. */
export function maskAuditRecord(viewer: HasPermissions, record: AuditRecord, lookup: AuditPiiLookup): AuditRecord {
  const pii = record.entityType === null ? undefined : lookup.get(record.entityType);
  if (!pii || canSeePii(viewer)) return record;
  return { ...record, before: maskSnapshot(record.before, pii), after: maskSnapshot(record.after, pii) };
}
