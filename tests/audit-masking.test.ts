// Personal data in the log's snapshots (a customer's email, name and phone) is masked for viewers
// without pii.read on every face of the log: GET /api/audit, both export formats and the
// backoffice screen. Masking happens on read: the stored rows and their hash chain are unchanged.
import request from 'supertest';
import type { ResourceDefinition } from '../src/platform/plugin.js';
import type { AuditRecord } from '../src/audit/types.js';
import { buildAuditPiiLookup, maskAuditRecord } from '../src/audit/audit-masking.js';
import { buildRbacModel } from '../src/rbac/rbac-model.js';
import { plugins } from '../plugins/index.js';
import { createTestDatabase } from './support/database.js';
import { createTestAudit, sampleEvent } from './support/audit-fixtures.js';
import { createAuditTestApp, createOperatorWith } from './support/audit-app.js';
import { credentials } from './support/app.js';

const JANE = { id: 7, email: 'jane.doe@example.com', name: 'Jane Doe', phone: '+1 (555) 123-4567', status: 'active' };
const JANE_MASKED = { id: 7, email: 'j•••@e•••.com', name: 'J. D•••', phone: '•••• 4567', status: 'active' };
const RENAMED = { ...JANE, email: 'jane.smith@mail.example.org', name: 'Jane Smith', phone: '+44 20 7946 0958' };
const RENAMED_MASKED = { email: 'j•••@m•••.org', name: 'J. S•••', phone: '•••• 0958' };
// Raw values that must not appear anywhere in what a viewer without pii.read receives.
const RAW = [JANE.email, JANE.name, JANE.phone, RENAMED.email, RENAMED.name, RENAMED.phone];

const record = (overrides: Partial<AuditRecord>): AuditRecord => ({
  seq: 1, time: new Date(0).toISOString(), operatorId: 1, operatorRoles: [], impersonatedUserId: null, action: 'x', entityType: null,
  entityId: null, reasonCode: null, note: null, before: null, after: null, ip: null, userAgent: null, correlationId: null,
  outcome: 'succeeded', hash: '00', ...overrides,
});

describe('buildAuditPiiLookup and maskAuditRecord', () => {
  const resources = [
    { model: 'Person', entityType: 'person', navigation: 'x', access: { read: 'x.read' }, pii: { email: 'email', phone: 'phone' } },
    { model: 'Thing', navigation: 'x', access: { read: 'x.read' }, pii: { name: 'name' } },
    { model: 'Plain', entityType: 'plain', navigation: 'x', access: { read: 'x.read' } },
  ] as ResourceDefinition[];
  const lookup = buildAuditPiiLookup(resources);

  it('keys each resource with personal data by its model name and by its entity type', () => {
    expect(Object.fromEntries(lookup)).toEqual({
      Person: { email: 'email', phone: 'phone' },
      person: { email: 'email', phone: 'phone' },
      Thing: { name: 'name' },
    });
  });

  it('finds the marketplace customers under both the backoffice and the action names', () => {
    const real = buildAuditPiiLookup(buildRbacModel({ plugins }).resources);
    expect(real.get('CustomerUser')).toEqual({ email: 'email', name: 'name', phone: 'phone' });
    expect(real.get('customer_user')).toEqual({ email: 'email', name: 'name', phone: 'phone' });
  });

  it('masks both sides of a whole-row or update-diff snapshot, and nothing for pii.read', () => {
    const update = record({ entityType: 'person', before: { email: 'a.b@example.com' }, after: { email: 'c@other.net', status: 'x' } });
    expect(maskAuditRecord({ permissions: [] }, update, lookup)).toMatchObject({ before: { email: 'a•••@e•••.com' }, after: { email: 'c•••@o•••.net', status: 'x' } });
    const created = record({ entityType: 'Person', after: { id: 1, phone: '555 123 4567' } });
    expect(maskAuditRecord(null, created, lookup).after).toEqual({ id: 1, phone: '•••• 4567' });
    expect(maskAuditRecord({ permissions: ['pii.read'] }, update, lookup)).toBe(update);
  });

  it('leaves rows of entity types without personal data, and snapshots that are not objects, as stored', () => {
    const viewer = { permissions: [] };
    const plain = record({ entityType: 'plain', after: { email: 'a@b.com' } });
    expect(maskAuditRecord(viewer, plain, lookup)).toBe(plain);
    const untyped = record({ after: { email: 'a@b.com' } });
    expect(maskAuditRecord(viewer, untyped, lookup)).toBe(untyped);
    expect(maskAuditRecord(viewer, record({ entityType: 'person', before: ['a@b.com'], after: 'text' }), lookup)).toMatchObject({ before: ['a@b.com'], after: 'text' });
  });
});

describe('the audit log shown to viewers with and without pii.read', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let audit: ReturnType<typeof createTestAudit>;
  let app: ReturnType<typeof createAuditTestApp>;
  const api: Record<'masked' | 'clear' | 'verifier', request.Agent> = {} as never;
  const admin: Record<'masked' | 'clear', request.Agent> = {} as never;
  let seqs: { edit: number; suspend: number; order: number };

  // The response body as text, whatever its content type (NDJSON and CSV are not parsed by default).
  const text = ((res: import('node:http').IncomingMessage, done: (err: Error | null, body: string) => void) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.on('end', () => done(null, body));
  }) as never;

  beforeAll(async () => {
    db = await createTestDatabase();
    audit = createTestAudit(db);
    app = createAuditTestApp(db, audit);
    const grants = { masked: ['audit.read', 'audit.export'], clear: ['audit.read', 'audit.export', 'pii.read'], verifier: ['audit.verify'] };
    for (const [name, permissions] of Object.entries(grants) as [keyof typeof api, string[]][]) {
      const op = await createOperatorWith(db, permissions);
      api[name] = request.agent(app);
      expect((await api[name].post('/api/session').send(await credentials(op))).status).toBe(200);
      if (name === 'verifier') continue;
      admin[name] = request.agent(app);
      expect((await admin[name].post('/admin/login').type('form').send(await credentials(op))).status).toBe(302);
    }
    const actor = { operatorId: 701, roles: ['support_agent'] };
    // A backoffice edit (model name as entity type, stored as a diff of the changed fields) and an
    // action's row (API type), both carrying a customer's personal data; an order row carries none.
    const edit = await audit.appendStandalone(sampleEvent({ actor, action: 'CustomerUser.edit', entityType: 'CustomerUser', entityId: '7', before: JANE, after: RENAMED }));
    const suspend = await audit.appendStandalone(sampleEvent({ actor, action: 'customer_user.suspend', entityType: 'customer_user', entityId: '7', before: JANE, after: null }));
    const order = await audit.appendStandalone(sampleEvent({ actor }));
    seqs = { edit: Number(edit.seq), suspend: Number(suspend.seq), order: Number(order.seq) };
    await audit.seal();
  });
  afterAll(async () => {
    await db.drop();
  });

  const bySeq = (items: AuditRecord[]) => Object.fromEntries(items.map((i) => [i.seq, i]));

  it('GET /api/audit masks the customer fields of both snapshots without pii.read', async () => {
    const res = await api.masked.get('/api/audit?actor=701');
    expect(res.status).toBe(200);
    const items = bySeq(res.body.items);
    expect(items[seqs.edit]).toMatchObject({ before: { email: JANE_MASKED.email, name: JANE_MASKED.name, phone: JANE_MASKED.phone }, after: RENAMED_MASKED });
    expect(items[seqs.suspend]).toMatchObject({ before: JANE_MASKED, after: null });
    expect(items[seqs.order]).toMatchObject({ before: { status: 'paid' }, after: { status: 'refunded' } });
    for (const raw of RAW) expect(JSON.stringify(res.body)).not.toContain(raw);
  });

  it('GET /api/audit shows them as stored with pii.read', async () => {
    const items = bySeq((await api.clear.get('/api/audit?actor=701')).body.items);
    expect(items[seqs.edit]).toMatchObject({ before: { email: JANE.email, name: JANE.name, phone: JANE.phone }, after: { email: RENAMED.email, name: RENAMED.name, phone: RENAMED.phone } });
    expect(items[seqs.suspend].before).toEqual(JANE);
  });

  it('the NDJSON export masks them without pii.read, and not with it', async () => {
    const masked = await api.masked.get('/api/audit/export?format=ndjson&actor=701').buffer(true).parse(text);
    expect(masked.status).toBe(200);
    const lines = bySeq((masked.body as string).trim().split('\n').map((line) => JSON.parse(line)));
    expect(lines[seqs.edit].after).toEqual(RENAMED_MASKED);
    expect(lines[seqs.suspend].before).toEqual(JANE_MASKED);
    for (const raw of RAW) expect(masked.body).not.toContain(raw);

    const clear = await api.clear.get('/api/audit/export?format=ndjson&actor=701').buffer(true).parse(text);
    expect(bySeq((clear.body as string).trim().split('\n').map((line) => JSON.parse(line)))[seqs.suspend].before).toEqual(JANE);
  });

  it('the CSV export masks them without pii.read, and not with it', async () => {
    const masked = await api.masked.get('/api/audit/export?format=csv&actor=701').buffer(true).parse(text);
    expect(masked.status).toBe(200);
    expect(masked.body).toContain(JANE_MASKED.email);
    expect(masked.body).toContain(RENAMED_MASKED.phone);
    for (const raw of RAW) expect(masked.body).not.toContain(raw);

    const clear = await api.clear.get('/api/audit/export?format=csv&actor=701').buffer(true).parse(text);
    for (const raw of RAW) expect(clear.body).toContain(raw);
  });

  it('the backoffice "Audit log" list and show pages mask them without pii.read, and not with it', async () => {
    const snapshots = (params: Record<string, unknown>) => ({ before: JSON.parse(String(params.before)), after: JSON.parse(String(params.after)) });
    const list = await admin.masked.get('/admin/api/resources/AuditLog/actions/list').query({ 'filters.operatorId': '701', perPage: 10 });
    expect(list.status).toBe(200);
    const records = Object.fromEntries((list.body.records as { params: Record<string, unknown> }[]).map((r) => [Number(r.params.seq), r.params]));
    expect(snapshots(records[seqs.edit]).after).toEqual(RENAMED_MASKED);
    expect(snapshots(records[seqs.suspend]).before).toEqual(JANE_MASKED);
    for (const raw of RAW) expect(JSON.stringify(list.body)).not.toContain(raw);

    const show = await admin.masked.get(`/admin/api/resources/AuditLog/records/${seqs.suspend}/show`);
    expect(show.status).toBe(200);
    expect(snapshots(show.body.record.params).before).toEqual(JANE_MASKED);
    for (const raw of RAW) expect(JSON.stringify(show.body)).not.toContain(raw);

    const clearShow = await admin.clear.get(`/admin/api/resources/AuditLog/records/${seqs.edit}/show`);
    expect(snapshots(clearShow.body.record.params).after).toEqual({ email: RENAMED.email, name: RENAMED.name, phone: RENAMED.phone });
    const clearList = await admin.clear.get('/admin/api/resources/AuditLog/actions/list').query({ 'filters.operatorId': '701', perPage: 10 });
    for (const raw of RAW) expect(JSON.stringify(clearList.body)).toContain(raw);
  });

  it('masks on read only: the stored rows and the hash chain are unchanged', async () => {
    const { rows } = await db.pool.query<{ seq: string; before: unknown; after: unknown }>(
      'SELECT seq, before, after FROM audit.events WHERE seq = ANY($1) ORDER BY seq',
      [[seqs.edit, seqs.suspend]],
    );
    expect(rows.map((r) => [Number(r.seq), r.before, r.after])).toEqual([
      [seqs.edit, { email: JANE.email, name: JANE.name, phone: JANE.phone }, { email: RENAMED.email, name: RENAMED.name, phone: RENAMED.phone }],
      [seqs.suspend, JANE, null],
    ]);
    await audit.seal();
    const verify = await api.verifier.get('/api/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, firstBadSeq: null, problem: null });
  });
});
