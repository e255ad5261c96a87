// One happening, one timeline entry: a case.add_note run writes a note row (the pack's notes
// source), audit rows and a SupportCaseNoteAdded event; the case's and the order's timelines show
// the note once, with its text, while other actions (a status change, a refund, a refused note)
// keep every entry they had, and the rebuild still finds projection == replay (docs/adr/0016).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createAuditService } from '../src/audit/audit-service.js';
import { rebuildTimeline } from '../src/timeline/timeline-rebuild.js';
import { createOperator, createTestPlatformApp, credentials, TEST_AUDIT_KEY } from './support/app.js';
import { createPaidOrder, type PaidOrder } from './support/commerce-fixtures.js';
import { createTestDatabase } from './support/database.js';

type Item = { source: string; kind: string; subject: { type: string; id: string }; data: Record<string, any> };

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let platform: ReturnType<typeof createTestPlatformApp>;
let audit: ReturnType<typeof createAuditService>;
const agents: Record<string, request.Agent> = {};
let order: PaidOrder;
let caseId: number;

const act = (role: string, actionId: string, target: { type: string; id: number }, body: { input?: object; reasonCode: string }) =>
  agents[role].post(`/api/actions/${actionId}`).set('Idempotency-Key', randomUUID()).send({ target: { type: target.type, id: String(target.id) }, ...body });

async function items(role: string, type: string, id: number): Promise<Item[]> {
  const res = await agents[role].get(`/api/entities/${type}/${id}/timeline?limit=200`);
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createAuditService({ pool: db.pool, signingKey: TEST_AUDIT_KEY });
  platform = createTestPlatformApp(db, { audit });
  for (const role of ['support_agent', 'catalog_admin']) {
    const op = await createOperator(db, { roles: [role] });
    agents[role] = request.agent(platform.app);
    await agents[role].post('/api/session').send(await credentials(op)).expect(200);
  }
  order = await createPaidOrder(db, { amount: 8_000 });
  const created = await db.prisma.supportCase.create({
    data: { subject: 'Parcel lost', orderId: order.orderId, organizationId: order.buyerOrgId, slaFirstResponseDueAt: new Date(Date.now() + 86_400_000) },
  });
  caseId = created.id;
  // The first note is also the case's first response (an audit row on the case itself).
  for (const body of ['Called the carrier.', 'Carrier confirms loss.']) {
    await act('support_agent', 'case.add_note', { type: 'support_case', id: caseId }, { input: { body }, reasonCode: 'case_update' }).expect(200);
  }
  await act('support_agent', 'case.transition', { type: 'support_case', id: caseId }, { input: { to: 'resolved' }, reasonCode: 'resolved' }).expect(200);
  await act('support_agent', 'case.transition', { type: 'support_case', id: caseId }, { input: { to: 'closed' }, reasonCode: 'resolved' }).expect(200);
  // A note on a closed case is refused: nothing is written but the failed run, which stays on record.
  expect((await act('support_agent', 'case.add_note', { type: 'support_case', id: caseId }, { input: { body: 'Too late.' }, reasonCode: 'case_update' })).status).toBe(409);
  await act('support_agent', 'order.refund', { type: 'order', id: order.orderId }, { input: { amount: { amount: 1_000, currency: 'USD' } }, reasonCode: 'goodwill_gesture' }).expect(200);
  await audit.seal();
  await platform.timeline.projector.catchUp();
});
afterAll(async () => {
  await platform?.close();
  await db?.drop();
});

const noteEntries = (list: Item[]) => list.filter((i) => i.kind === 'SupportNoteAdded' || i.kind === 'SupportCaseNoteAdded' || (i.kind === 'case.add_note' && i.data.outcome === 'succeeded'));

it('shows each note exactly once, with its text, on the case and on the case\'s order', async () => {
  for (const [type, id] of [['support_case', caseId], ['order', order.orderId]] as const) {
    const notes = noteEntries(await items('support_agent', type, id));
    expect(notes.map((n) => [n.source, n.kind, n.data.body])).toEqual([
      ['marketplace.notes', 'SupportNoteAdded', 'Carrier confirms loss.'],
      ['marketplace.notes', 'SupportNoteAdded', 'Called the carrier.'],
    ]);
  }
  // Who may not read support cases sees no note on the organization (as before).
  expect(noteEntries(await items('catalog_admin', 'organization', order.buyerOrgId))).toEqual([]);
});

it('keeps the entries of other actions and the refused note\'s failure', async () => {
  const onCase = await items('support_agent', 'support_case', caseId);
  expect(onCase.filter((i) => i.kind === 'SupportCaseStatusChanged').map((i) => i.data.payload.to)).toEqual(['closed', 'resolved']);
  expect(onCase.filter((i) => i.source === 'audit' && i.kind === 'case.transition')).toHaveLength(2);
  const failed = onCase.filter((i) => i.kind === 'case.add_note');
  expect(failed.map((i) => i.data.outcome)).toEqual(['failed']);
  const onOrder = await items('support_agent', 'order', order.orderId);
  expect(onOrder.filter((i) => i.kind === 'RefundIssued')).toHaveLength(1);
  expect(onOrder.filter((i) => i.kind === 'order.refund')).toHaveLength(1);
});

it('still proves projection == replay', async () => {
  expect(await rebuildTimeline({ pool: db.pool, catalog: platform.timeline.catalog })).toMatchObject({ isEqual: true });
});

describe('a source superseding rows', () => {
  it('must name an action that exists: a misspelt id would silently hide nothing', async () => {
    const { buildTimelineCatalog } = await import('../src/timeline/timeline-catalog.js');
    const { buildRbacModel } = await import('../src/rbac/rbac-model.js');
    const { plugins } = await import('../plugins/index.js');
    const rbac = buildRbacModel({ plugins });
    const build = (ids: string[]) => buildTimelineCatalog({
      resources: rbac.resources, permissions: rbac.catalog, actions: rbac.actions,
      plugins: plugins.map((p) => (p.id !== 'marketplace' || !p.timeline ? p : {
        ...p, timeline: { ...p.timeline, sources: p.timeline.sources?.map((s) => (s.supersedes?.actions ? { ...s, supersedes: { ...s.supersedes, actions: ids } } : s)) },
      })),
    });
    expect(build(['case.add_note']).superseded.actions).toEqual(new Set(['case.add_note']));
    expect(() => build(['case.add_notes'])).toThrow('timeline: source marketplace.notes supersedes the unknown action case.add_notes');
  });
});
