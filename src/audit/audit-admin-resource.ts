// The backoffice's "Audit log" screen: a read-only AdminJS resource over audit.events in raw SQL
// (the table is outside Prisma). Filters by operator, action, entity type and id, outcome and time
// range, served by the same indexed query as GET /api/audit. The total is the planner's estimate
// (or a count capped at 10,001), pages are keyset on the sequence number: no COUNT(*), no OFFSET
// over rows (see docs/adr/0003-large-table-lists.md for the same scheme on Prisma tables).
// Personal data in snapshots is masked for operators without pii.read as the records are read, from
// the operator AdminJS passes with every read (`context.currentAdmin`), so no record of a response
// (list, show, search, a filter's populated value) ever carries it; a read without an operator
// gets masks. The after-hook that masks the generated resources (src/hooks/rbac-hooks.ts) is not
// attached to this one, and would only see the snapshots as JSON text.
import { type ActionContext, type BaseRecord, type Filter, type PropertyType, type ResourceWithOptions } from 'adminjs';
import type pg from 'pg';
import { can } from '../rbac/access.js';
import { ReadOnlyResource } from '../admin/read-only-resource.js';
import { auditWhere, findAuditRecords, listAuditRecords } from './audit-query.js';
import { maskAuditRecord, type AuditPiiLookup } from './audit-masking.js';
import { AUDIT_OUTCOMES, type AuditFilters, type AuditOutcome, type AuditRecord } from './types.js';

const EXACT_COUNT_CAP = 10_000;
const CURSOR_CAPACITY = 2_000;

const PROPERTIES: [keyof AuditRecord, PropertyType][] = [
  ['seq', 'number'], ['time', 'datetime'], ['operatorId', 'number'], ['operatorRoles', 'string'], ['impersonatedUserId', 'number'],
  ['action', 'string'], ['entityType', 'string'], ['entityId', 'string'], ['reasonCode', 'string'], ['note', 'textarea'],
  ['before', 'textarea'], ['after', 'textarea'], ['ip', 'string'], ['userAgent', 'string'], ['correlationId', 'string'],
  ['outcome', 'string'], ['hash', 'string'],
];


/** AdminJS filter to audit filters; null when a value cannot match anything (e.g. operator "abc"). */
function toFilters(filter: Filter | undefined): AuditFilters | null {
  const out: AuditFilters = {};
  for (const { path, value } of Object.values(filter?.filters ?? {})) {
    if (path === 'operatorId') {
      if (!/^\d{1,9}$/.test(String(value))) return null;
      out.actor = Number(value);
    } else if (path === 'action' || path === 'entityType' || path === 'entityId') {
      out[path] = String(value);
    } else if (path === 'outcome') {
      if (!AUDIT_OUTCOMES.includes(value as AuditOutcome)) return null;
      out.outcome = value as AuditOutcome;
    } else if (path === 'time' && typeof value === 'object') {
      const from = value.from ? new Date(value.from) : undefined;
      const to = value.to ? new Date(value.to) : undefined;
      if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime()))) return null;
      Object.assign(out, from && { from }, to && { to });
    }
  }
  return out;
}

const flatParams = (r: AuditRecord) => ({
  ...r,
  operatorRoles: r.operatorRoles.join(', '),
  before: r.before === null ? null : JSON.stringify(r.before, null, 2),
  after: r.after === null ? null : JSON.stringify(r.after, null, 2),
});

export class AuditLogResource extends ReadOnlyResource {
  private readonly pool: pg.Pool;
  private readonly piiLookup: AuditPiiLookup;
  // Last sequence number of each page served, per query: the next page starts from it.
  private readonly cursors = new Map<string, number>();

  constructor({ pool, piiLookup }: { pool: pg.Pool; piiLookup: AuditPiiLookup }) {
    super({ id: 'AuditLog', database: 'audit', readOnlyDetail: 'The audit log is append-only.' }, PROPERTIES, { idPath: 'seq', isSortable: (path) => path === 'seq' });
    this.pool = pool;
    this.piiLookup = piiLookup;
  }

  async count(filter: Filter): Promise<number> {
    const filters = toFilters(filter);
    if (!filters) return 0;
    const params: unknown[] = [];
    const where = auditWhere(filters, params);
    const { rows: [{ capped }] } = await this.pool.query<{ capped: number }>(
      `SELECT count(*)::int AS capped FROM (SELECT 1 FROM audit.events WHERE ${where} LIMIT ${EXACT_COUNT_CAP + 1}) x`,
      params,
    );
    if (capped <= EXACT_COUNT_CAP || params.length > 0) return capped;
    const { rows: [{ estimate }] } = await this.pool.query<{ estimate: number }>(
      `SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::float8 AS estimate
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.events'::regclass`,
    );
    return Math.max(capped, Math.round(estimate));
  }

  async find(filter: Filter, { limit = 20, offset = 0 }: { limit?: number; offset?: number; sort?: unknown } = {}, context?: ActionContext): Promise<BaseRecord[]> {
    const filters = toFilters(filter);
    if (!filters) return [];
    const key = JSON.stringify({ filters, limit });
    let beforeSeq: number | undefined;
    if (offset > 0) {
      beforeSeq = this.cursors.get(`${offset}:${key}`) ?? (await this.seqBefore(filters, offset));
      if (beforeSeq === undefined) return [];
    }
    const page = await listAuditRecords(this.pool, { filters, limit, beforeSeq });
    const last = page.items[page.items.length - 1];
    if (last) this.remember(`${offset + limit}:${key}`, last.seq);
    return this.toRecords(page.items, context);
  }

  // What the operator of the request may see, as AdminJS records.
  private toRecords(records: AuditRecord[], context: ActionContext | undefined): BaseRecord[] {
    return records.map((r) => this.build(flatParams(maskAuditRecord(context?.currentAdmin, r, this.piiLookup))));
  }

  // A page reached without a cursor (a jump): the key of the row before it, from the index alone.
  private async seqBefore(filters: AuditFilters, offset: number): Promise<number | undefined> {
    const params: unknown[] = [];
    const where = auditWhere(filters, params);
    params.push(offset - 1);
    const { rows } = await this.pool.query<{ seq: string }>(
      `SELECT seq FROM audit.events WHERE ${where} ORDER BY seq DESC OFFSET $${params.length} LIMIT 1`,
      params,
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }

  private remember(key: string, seq: number): void {
    this.cursors.delete(key);
    this.cursors.set(key, seq);
    if (this.cursors.size > CURSOR_CAPACITY) this.cursors.delete(this.cursors.keys().next().value!);
  }

  async findOne(id: string, context?: ActionContext): Promise<BaseRecord | null> {
    if (!/^\d{1,15}$/.test(id)) return null;
    const [record] = await findAuditRecords(this.pool, [Number(id)]);
    return record ? this.toRecords([record], context)[0] : null;
  }

  async findMany(ids: (string | number)[], context?: ActionContext): Promise<BaseRecord[]> {
    const seqs = ids.map(String).filter((id) => /^\d{1,15}$/.test(id)).map(Number);
    return this.toRecords(await findAuditRecords(this.pool, seqs), context);
  }

}

const canRead = ({ currentAdmin }: ActionContext) => can(currentAdmin, 'audit.read');
const never = { isAccessible: false, isVisible: false };

/** The "Audit log" screen, for AdminJS's `resources`, under Administration. */
export function createAuditAdminResource({ pool, piiLookup }: {
  pool: pg.Pool;
  /** buildAuditPiiLookup(rbac.resources): which snapshot fields are personal data, per entity type. */
  piiLookup: AuditPiiLookup;
}): ResourceWithOptions {
  return {
    resource: new AuditLogResource({ pool, piiLookup }),
    options: {
      id: 'AuditLog',
      navigation: { name: 'Administration', icon: 'Settings' },
      titleProperty: 'action',
      sort: { sortBy: 'seq', direction: 'desc' },
      listProperties: ['seq', 'time', 'operatorId', 'action', 'entityType', 'entityId', 'outcome'],
      filterProperties: ['operatorId', 'action', 'entityType', 'entityId', 'outcome', 'time'],
      showProperties: PROPERTIES.map(([path]) => path),
      properties: { outcome: { availableValues: AUDIT_OUTCOMES.map((value) => ({ value, label: value })) } },
      actions: {
        list: { isAccessible: canRead, isVisible: canRead },
        show: { isAccessible: canRead, isVisible: canRead },
        search: { isAccessible: canRead, isVisible: canRead },
        new: never,
        edit: never,
        delete: never,
        bulkDelete: never,
      },
    },
  };
}
