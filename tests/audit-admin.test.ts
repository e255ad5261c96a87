// The backoffice "Audit log" screen: a read-only AdminJS resource over the log, filtered by
// operator, action, entity and time, paged by key, open only to audit.read.
import AdminJS, { Filter, ViewHelpers, type ActionContext, type ActionRequest } from 'adminjs';
import { createTestDatabase } from './support/database.js';
import { createTestAudit, sampleEvent } from './support/audit-fixtures.js';
import { AuditLogResource, createAuditAdminResource } from '../src/audit/audit-admin-resource.js';
import { buildAuditPiiLookup } from '../src/audit/audit-masking.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
// No personal data in these rows (tests/audit-masking.test.ts covers masking).
const piiLookup = buildAuditPiiLookup([]);

beforeAll(async () => {
  db = await createTestDatabase();
  const audit = createTestAudit(db);
  for (let i = 1; i <= 5; i++) await audit.appendStandalone(sampleEvent({ actor: { operatorId: 601, roles: ['trust_safety'] }, action: 'Listing.takedown', entityType: 'Listing', entityId: `L${i}` }));
  for (let i = 1; i <= 3; i++) await audit.appendStandalone(sampleEvent({ actor: { operatorId: 602, roles: ['support_agent'] }, outcome: i === 1 ? 'denied' : 'succeeded' }));
  await audit.seal();
});
afterAll(async () => {
  await db.drop();
});

const seqs = (records: { params: Record<string, unknown> }[]) => records.map((r) => Number(r.params.seq));

describe('AuditLogResource', () => {
  it('lists newest first with filters, and pages by key (also when jumping to a page)', async () => {
    const resource = new AuditLogResource({ pool: db.pool, piiLookup });
    const byAction = new Filter({ action: 'Listing.takedown' }, resource);
    const page1 = seqs(await resource.find(byAction, { limit: 2, offset: 0 }));
    const page2 = seqs(await resource.find(byAction, { limit: 2, offset: 2 }));
    const page3 = seqs(await resource.find(byAction, { limit: 2, offset: 4 }));
    expect([...page1, ...page2, ...page3]).toEqual([5, 4, 3, 2, 1]);
    // A fresh instance has no cursors: a jump to page 2 finds its key from the index.
    expect(seqs(await new AuditLogResource({ pool: db.pool, piiLookup }).find(byAction, { limit: 2, offset: 2 }))).toEqual(page2);
    expect(await resource.count(byAction)).toBe(5);
  });

  it('filters by operator, entity, outcome and time range; a value that cannot match gives nothing', async () => {
    const resource = new AuditLogResource({ pool: db.pool, piiLookup });
    const find = async (filters: Record<string, unknown>) => seqs(await resource.find(new Filter(filters, resource), { limit: 20 }));
    expect(await find({ operatorId: '602' })).toEqual([8, 7, 6]);
    expect(await find({ entityType: 'Listing', entityId: 'L2' })).toEqual([2]);
    expect(await find({ operatorId: '602', outcome: 'denied' })).toEqual([6]);
    const hour = 3_600_000;
    expect(await find({ 'time~~from': new Date(Date.now() - hour).toISOString(), 'time~~to': new Date(Date.now() + hour).toISOString() })).toHaveLength(8);
    expect(await find({ 'time~~from': new Date(Date.now() + hour).toISOString() })).toEqual([]);
    expect(await find({ operatorId: 'abc' })).toEqual([]);
    expect(await resource.count(new Filter({ operatorId: 'abc' }, resource))).toBe(0);
  });

  it('shows one record with its snapshots as JSON, and refuses to write', async () => {
    const resource = new AuditLogResource({ pool: db.pool, piiLookup });
    const record = await resource.findOne('3');
    expect(record?.params).toMatchObject({ seq: 3, action: 'Listing.takedown', entityId: 'L3', operatorRoles: 'trust_safety', after: JSON.stringify({ status: 'refunded' }, null, 2) });
    expect(await resource.findOne('999')).toBeNull();
    expect(await resource.findOne('x')).toBeNull();
    expect(seqs(await resource.findMany(['1', 2]))).toEqual([2, 1]);
    await expect(resource.create()).rejects.toThrow(/append-only/);
    await expect(resource.update()).rejects.toThrow(/append-only/);
    await expect(resource.delete()).rejects.toThrow(/append-only/);
  });

  it('runs as an AdminJS resource under Administration, readable with audit.read only', async () => {
    const admin = new AdminJS({ resources: [createAuditAdminResource({ pool: db.pool, piiLookup })] });
    const resource = admin.findResource('AuditLog');
    const decorated = resource.decorate();
    expect(decorated.options.navigation).toMatchObject({ name: 'Administration' });
    const reader = { email: 'r@test.local', permissions: ['audit.read'] };
    const outsider = { email: 'o@test.local', permissions: ['role.read'] };
    for (const name of ['list', 'show', 'search']) {
      expect(decorated.actions[name].isAccessible(reader)).toBe(true);
      expect(decorated.actions[name].isAccessible(outsider)).toBe(false);
    }
    for (const name of ['new', 'edit', 'delete', 'bulkDelete']) expect(decorated.actions[name]?.isAccessible(reader) ?? false).toBe(false);

    const action = decorated.actions.list;
    const context = { resource, _admin: admin, currentAdmin: reader, action, h: new ViewHelpers({ options: admin.options }) } as unknown as ActionContext;
    const request = { method: 'get', params: { resourceId: 'AuditLog', action: 'list' }, query: { perPage: '3', page: '1', 'filters.operatorId': '601' } } as unknown as ActionRequest;
    const response = (await action.handler(request, {}, context)) as { meta: { total: number }; records: { params: { seq: number } }[] };
    expect(response.meta.total).toBe(5);
    expect(response.records.map((r) => r.params.seq)).toEqual([5, 4, 3]);
  });
});
