// Every backoffice write leaves one chained audit row with before/after, in the same transaction
// as the change; when the audit write fails, the change does not happen.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createOperator, createTestApp, credentials, TEST_AUDIT_KEY, type TestOperator } from './support/app.js';
import { createAuditService } from '../src/audit/audit-service.js';
import type { AuditService } from '../src/audit/types.js';
import { seedDemo } from '../plugins/marketplace/seed/demo.js';
import { createLogger } from '../src/platform/logger.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let audit: ReturnType<typeof createAuditService>;
let op: TestOperator;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemo({ pool: db.pool, prisma: db.prisma, log: createLogger({ level: 'silent' }), seed: 5 });
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  op = await createOperator(db, { roles: ['support_agent'] });
});
afterAll(async () => {
  await db.drop();
});

const login = async (app: ReturnType<typeof createTestApp>, as: TestOperator = op) => {
  const agent = request.agent(app);
  await agent.post('/admin/login').type('form').send(await credentials(as)).expect(302);
  return agent;
};

const auditRows = async (action: string) => {
  await audit.seal();
  return (await db.pool.query(`SELECT * FROM audit.events WHERE action = $1 ORDER BY seq`, [action])).rows;
};

it('audits a backoffice edit with its diff and a create with its row, chained', async () => {
  const agent = await login(createTestApp(db, { audit }));
  const supportCase = await db.prisma.supportCase.findFirstOrThrow({ orderBy: { id: 'asc' } });
  const edit = await agent
    .post(`/admin/api/resources/SupportCase/records/${supportCase.id}/edit`)
    .type('form')
    .send({ subject: 'Parcel lost in transit (escalated)' });
  expect(edit.status).toBe(200);
  expect(edit.body.notice.type).toBe('success');

  const [row] = await auditRows('SupportCase.edit');
  expect(row).toMatchObject({ operator_id: op.id, entity_type: 'SupportCase', entity_id: String(supportCase.id), outcome: 'succeeded' });
  expect(row.operator_roles).toEqual(['support_agent']);
  expect(row.before).toEqual({ subject: supportCase.subject, updatedAt: supportCase.updatedAt.toISOString() });
  expect(row.after.subject).toBe('Parcel lost in transit (escalated)');
  expect(Object.keys(row.after).sort()).toEqual(['subject', 'updatedAt']);

  // A create (support notes are written only through case.add_note now; a catalog item is a plain record).
  const catalog = await login(createTestApp(db, { audit }), await createOperator(db, { roles: ['catalog_admin'] }));
  const created = await catalog
    .post('/admin/api/resources/CatalogItem/actions/new')
    .type('form')
    .send({ sku: 'AUDIT-SKU-1', name: 'Audited item', category: 'cards' });
  expect(created.body.notice.type).toBe('success');
  const [item] = await auditRows('CatalogItem.new');
  expect(item.before).toBeNull();
  expect(item.after).toMatchObject({ sku: 'AUDIT-SKU-1', name: 'Audited item', category: 'cards' });
  expect(item.entity_id).toBe(String(created.body.record.id));

  expect(await audit.verify()).toMatchObject({ ok: true, firstBadSeq: null });
});

it('leaves the data unchanged when the audit write fails, and records the failure', async () => {
  const broken: AuditService = {
    append: async () => {
      throw new Error('audit store unavailable');
    },
    appendMany: async () => {
      throw new Error('audit store unavailable');
    },
    appendStandalone: audit.appendStandalone,
  };
  const agent = await login(createTestApp(db, { audit: broken }));
  const supportCase = await db.prisma.supportCase.findFirstOrThrow({ orderBy: { id: 'desc' } });
  const res = await agent
    .post(`/admin/api/resources/SupportCase/records/${supportCase.id}/edit`)
    .type('form')
    .send({ subject: 'must not be saved' });
  expect(res.body.notice?.type ?? 'error').not.toBe('success');
  const after = await db.prisma.supportCase.findUniqueOrThrow({ where: { id: supportCase.id } });
  expect(after.subject).toBe(supportCase.subject);
  const [failed] = await auditRows('SupportCase.edit').then((rows) => rows.filter((r) => r.outcome === 'failed'));
  expect(failed).toMatchObject({ entity_id: String(supportCase.id), note: 'audit store unavailable' });
});
