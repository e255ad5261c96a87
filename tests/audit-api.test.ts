// GET /api/audit (filters, keyset cursor), /api/audit/export (NDJSON and CSV, streamed, itself
// audited) and /api/audit/verify, each behind its permission.
import request from 'supertest';
import { createTestDatabase } from './support/database.js';
import { createTestAudit, sampleEvent, tamper } from './support/audit-fixtures.js';
import { createAuditTestApp, createOperatorWith } from './support/audit-app.js';
import { credentials } from './support/app.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let audit: ReturnType<typeof createTestAudit>;
let app: ReturnType<typeof createAuditTestApp>;
const agents: Record<'reader' | 'exporter' | 'verifier' | 'nobody', request.Agent> = {} as never;
const ids: Record<keyof typeof agents, number> = {} as never;

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
  const grants = { reader: ['audit.read'], exporter: ['audit.read', 'audit.export'], verifier: ['audit.verify'], nobody: [] };
  for (const [name, permissions] of Object.entries(grants) as [keyof typeof agents, string[]][]) {
    const op = await createOperatorWith(db, permissions);
    ids[name] = op.id;
    agents[name] = request.agent(app);
    expect((await agents[name].post('/api/session').send(await credentials(op))).status).toBe(200);
  }
  for (let i = 1; i <= 6; i++) await audit.appendStandalone(sampleEvent({ actor: { operatorId: 501, roles: ['support_agent'] }, entityId: String(i) }));
  for (let i = 1; i <= 3; i++) {
    await audit.appendStandalone(sampleEvent({ actor: { operatorId: 502, roles: ['trust_safety'] }, action: 'Listing.takedown', entityType: 'Listing', entityId: 'L1', outcome: i === 3 ? 'failed' : 'succeeded' }));
  }
  await audit.appendStandalone(sampleEvent({ actor: { operatorId: 503, roles: [] }, action: 'Note.add', note: '=HYPERLINK("http://evil.test")' }));
  await audit.seal();
});
afterAll(async () => {
  await db.drop();
});

describe('GET /api/audit', () => {
  it('filters by operator and pages with a cursor, newest first, without repeats', async () => {
    const first = await agents.reader.get('/api/audit?actor=501&limit=4');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await agents.reader.get(`/api/audit?actor=501&limit=4&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const items = [...first.body.items, ...second.body.items];
    const seqs = items.map((i: { seq: number }) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(items.map((i: { entityId: string }) => i.entityId))).toEqual(new Set(['1', '2', '3', '4', '5', '6']));
    expect(items[0]).toMatchObject({ operatorId: 501, operatorRoles: ['support_agent'], action: 'Order.refund', before: { status: 'paid' }, after: { status: 'refunded' }, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(new Date(items[0].time).toISOString()).toBe(items[0].time);
  });

  it('filters by action, entity, outcome and time range', async () => {
    const get = async (query: string) => (await agents.reader.get(`/api/audit?${query}`)).body.items as { seq: number; entityId: string }[];
    expect(await get('action=Listing.takedown')).toHaveLength(3);
    expect(await get('entityType=Order&entityId=4')).toHaveLength(1);
    expect(await get('entityType=Listing&entityId=L1&outcome=failed')).toHaveLength(1);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    expect(await get(`actor=502&from=${hourAgo}&to=${inAnHour}`)).toHaveLength(3);
    expect(await get(`actor=502&from=${inAnHour}`)).toHaveLength(0);
    expect(await get(`actor=502&to=${encodeURIComponent(hourAgo)}`)).toHaveLength(0);
  });

  it.each([
    ['actor=abc', /actor/],
    ['from=yesterday', /from/],
    ['from=2026-02-01&to=2026-01-01', /to/],
    ['entityId=7', /entityId/],
    ['limit=1000', /limit/],
    ['cursor=not-a-cursor', /cursor/],
    ['actorId=1', /unknown query parameter actorId/],
  ])('refuses %s with 422 problem+json', async (query, detail) => {
    const res = await agents.reader.get(`/api/audit?${query}`);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'validation_failed', detail: expect.stringMatching(detail) });
  });

  it('is 401 without a session and 403 without audit.read, and the denial is audited', async () => {
    expect((await request(app).get('/api/audit')).status).toBe(401);
    const res = await agents.nobody.get('/api/audit');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
    await audit.seal();
    const { rows } = await db.pool.query(`SELECT * FROM audit.events WHERE action = 'access.denied' AND operator_id = $1`, [ids.nobody]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'denied', entity_id: 'GET /api/audit', note: 'missing permission audit.read' });
  });
});

describe('GET /api/audit/export', () => {
  it('streams NDJSON oldest first, as an attachment, and audits the export with the request context', async () => {
    const res = await agents.exporter.get('/api/audit/export?format=ndjson&actor=501').set('X-Correlation-Id', 'export-corr-1').buffer(true).parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="opsdeck-audit-\d{8}T\d{6}Z\.ndjson"$/);
    const lines = (res.body as string).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.seq)).toEqual([...lines.map((l) => l.seq)].sort((a, b) => a - b));
    expect(lines.every((l) => l.operatorId === 501)).toBe(true);

    await audit.seal();
    const { rows } = await db.pool.query(`SELECT * FROM audit.events WHERE action = 'audit.export' AND operator_id = $1`, [ids.exporter]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ correlation_id: 'export-corr-1', ip: expect.any(String), after: { format: 'ndjson', filters: { actor: 501 } } });
  });

  it('streams CSV with a header, JSON cells and spreadsheet formulas escaped', async () => {
    const res = await agents.exporter.get('/api/audit/export?format=csv&actor=503').buffer(true).parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/\.csv"$/);
    const lines = (res.body as string).trim().split('\n');
    expect(lines[0]).toBe('seq,time,operatorId,operatorRoles,impersonatedUserId,action,entityType,entityId,reasonCode,note,before,after,ip,userAgent,correlationId,outcome,hash');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(lines[1]).toContain('"{""status"":""paid""}"');
  });

  it('is 403 without audit.export and 422 for an unknown format', async () => {
    expect((await agents.reader.get('/api/audit/export')).status).toBe(403);
    expect((await agents.exporter.get('/api/audit/export?format=xml')).status).toBe(422);
  });
});

describe('GET /api/audit/verify', () => {
  it('answers { ok, checked, firstBadSeq }, and names the first bad row after tampering', async () => {
    await audit.seal();
    const head = Number((await db.pool.query('SELECT last_seq FROM audit.chain_head')).rows[0].last_seq);
    const ok = await agents.verifier.get('/api/audit/verify');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, checked: head, firstBadSeq: null });
    expect((await agents.verifier.get('/api/audit/verify?fromSeq=3')).body).toMatchObject({ ok: true, checked: head - 2 });
    expect((await agents.verifier.get('/api/audit/verify?fromSeq=x')).status).toBe(422);
    expect((await agents.reader.get('/api/audit/verify')).status).toBe(403);

    await tamper(db, `UPDATE audit.events SET entity_id = '999' WHERE seq = 5`);
    const broken = await agents.verifier.get('/api/audit/verify');
    expect(broken.body).toMatchObject({ ok: false, checked: 4, firstBadSeq: 5, problem: { kind: 'hash_mismatch' } });
  });
});
