// The audit service writes inside the caller's transaction: the change and its audit row commit or
// fail together, a failed audit write fails the operation, and concurrent writers still give one
// gapless chain that verifies.
import pg from 'pg';
import { createTestDatabase } from './support/database.js';
import { createOperator } from './support/app.js';
import { createTestAudit, sampleEvent, sealNow } from './support/audit-fixtures.js';
import { pgExecutor, prismaExecutor } from '../src/audit/sql-executor.js';
import { sealAuditLog } from '../src/audit/sealer.js';
import { requestContext } from '../src/http/request-context.js';
import type { SqlExecutor } from '../src/audit/types.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let audit: ReturnType<typeof createTestAudit>;

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createTestAudit(db);
});
afterAll(async () => {
  await db.drop();
});

const operatorName = async (id: number) => (await db.prisma.operator.findUniqueOrThrow({ where: { id } })).name;
const row = async (seq: string | number) => (await db.pool.query('SELECT * FROM audit.events WHERE seq = $1', [seq])).rows[0];
const inboxCount = async () => Number((await db.pool.query('SELECT count(*) FROM audit.inbox')).rows[0].count);

describe('append in the caller\'s transaction', () => {
  it('commits with a Prisma transaction and is chained by the sealer', async () => {
    const op = await createOperator(db);
    const { seq } = await db.prisma.$transaction(async (tx) => {
      await tx.operator.update({ where: { id: op.id }, data: { name: 'renamed' } });
      return audit.append(prismaExecutor(tx), sampleEvent({ entityType: 'Operator', entityId: String(op.id), before: { name: 'a' }, after: { name: 'renamed' } }));
    });
    expect(seq).toMatch(/^\d+$/);
    await audit.seal();
    expect(await row(seq)).toMatchObject({ action: 'Order.refund', entity_type: 'Operator', after: { name: 'renamed' } });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('rolls back with the caller: no audit row, and the number becomes a void row in a gapless chain', async () => {
    const op = await createOperator(db);
    let taken = '';
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.operator.update({ where: { id: op.id }, data: { name: 'never' } });
        taken = (await audit.append(prismaExecutor(tx), sampleEvent({ note: 'rolled back' }))).seq;
        throw new Error('business rule failed after the audit write');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await operatorName(op.id)).not.toBe('never');
    await audit.appendStandalone(sampleEvent({ note: 'after the rollback' }));
    await sealNow(db);
    expect(await row(taken)).toMatchObject({ action: 'audit.void', note: expect.stringMatching(/rolled-back/) });
    expect((await db.pool.query("SELECT count(*) FROM audit.events WHERE note = 'rolled back'")).rows[0].count).toBe('0');
    expect((await audit.verify()).ok).toBe(true);
  });

  it('fails the caller\'s transaction when the audit write fails (a CHECK violation), leaving its data unchanged', async () => {
    const op = await createOperator(db);
    const before = await operatorName(op.id);
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.operator.update({ where: { id: op.id }, data: { name: 'changed' } });
        await audit.append(prismaExecutor(tx), sampleEvent({ action: '' }));
      }),
    ).rejects.toThrow(/check constraint/i);
    expect(await operatorName(op.id)).toBe(before);
  });

  it('fails the caller\'s transaction when the executor is closed, on a pg client too', async () => {
    const op = await createOperator(db);
    const before = await operatorName(op.id);
    const closed: SqlExecutor = { query: async () => Promise.reject(new Error('Client was closed and is not queryable')) };
    const client: pg.PoolClient = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE operators SET name = $1 WHERE id = $2', ['changed', op.id]);
      await expect(audit.append(closed, sampleEvent())).rejects.toThrow(/closed/);
      await client.query('ROLLBACK');
      // And with the real pg executor inside a transaction that then rolls back: nothing remains.
      await client.query('BEGIN');
      const { seq } = await audit.append(pgExecutor(client), sampleEvent({ note: 'pg rollback' }));
      await client.query('ROLLBACK');
      expect((await db.pool.query('SELECT 1 FROM audit.inbox WHERE seq = $1', [seq])).rowCount).toBe(0);
    } finally {
      client.release();
    }
    expect(await operatorName(op.id)).toBe(before);
  });
});

describe('concurrent writers', () => {
  it('200 appends from 20 parallel transactions (two rolled back) with two sealers give a gapless chain that verifies', async () => {
    const head = Number((await db.pool.query('SELECT last_seq FROM audit.chain_head')).rows[0].last_seq);
    // Enough connections for every writer and both sealers at once.
    const pool = new pg.Pool({ connectionString: db.url, max: 24 });
    const stop = { value: false };
    const sealer = async () => {
      while (!stop.value) await sealAuditLog({ pool, graceMs: 1_000, waitMs: 500 });
    };
    const sealers = [sealer(), sealer()];
    const writers = Array.from({ length: 20 }, async (_, w) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (let i = 0; i < 10; i++) await audit.append(pgExecutor(client), sampleEvent({ entityId: `${w}-${i}` }));
        await client.query(w % 10 === 3 ? 'ROLLBACK' : 'COMMIT');
      } finally {
        client.release();
      }
    });
    await Promise.all(writers);
    stop.value = true;
    await Promise.all(sealers);
    await pool.end();
    await sealNow(db);

    // Numbers run on from the head with no gap; the 180 committed appends are there once each, and
    // every other number (the 20 rolled back here, and earlier tests' rollbacks) is a void row.
    const { rows } = await db.pool.query<{ seq: string; action: string; entity_id: string }>('SELECT seq, action, entity_id FROM audit.events WHERE seq > $1 ORDER BY seq', [head]);
    const seqs = rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => head + 1 + i));
    const appended = rows.filter((r) => /^\d+-\d$/.test(r.entity_id)).map((r) => r.entity_id);
    expect(new Set(appended).size).toBe(180);
    expect(appended.every((id) => !['3', '13'].includes(id.split('-')[0]))).toBe(true);
    expect(rows.filter((r) => r.action !== 'audit.void')).toHaveLength(180);
    expect(await inboxCount()).toBe(0);
    expect(await audit.verify()).toMatchObject({ ok: true, firstBadSeq: null, headSeq: seqs[seqs.length - 1] });
  });

  it('waits for a writer still holding a number, then seals in order without a void row', async () => {
    const hold = await db.pool.connect();
    let committed = false;
    try {
      await hold.query('BEGIN');
      const { seq: held } = await audit.append(pgExecutor(hold), sampleEvent({ note: 'slow writer' }));
      const { seq: later } = await audit.appendStandalone(sampleEvent({ note: 'fast writer' }));
      // Even with no grace, the sealer cannot pass the held number; it gives up waiting after 200 ms.
      await sealAuditLog({ pool: db.pool, graceMs: 0, waitMs: 200 });
      // (Below it, not exactly one below: under load a number just before may still be in flight.)
      expect(Number((await db.pool.query('SELECT last_seq FROM audit.chain_head')).rows[0].last_seq)).toBeLessThan(Number(held));
      await hold.query('COMMIT');
      committed = true;
      await sealNow(db);
      expect((await row(held)).note).toBe('slow writer');
      expect((await row(later)).note).toBe('fast writer');
    } finally {
      // A failed expectation must not leave the number held: every later seal would wait on it.
      if (!committed) await hold.query('ROLLBACK').catch(() => {});
      hold.release();
    }
  });
});

describe('what a row holds', () => {
  it('stores a diff for updates and masks secrets: a secret value never reaches the log', async () => {
    const { seq } = await audit.appendStandalone(
      sampleEvent({
        before: { email: 'a@x.test', name: 'Ann', apiKey: 'OLD-SECRET-VALUE', passwordHash: 'HASH-ONE', nested: { apiKey: 'NESTED-SECRET' }, at: new Date('2026-01-01T00:00:00Z') },
        after: { email: 'a@x.test', name: 'Anna', apiKey: 'NEW-SECRET-VALUE', passwordHash: 'HASH-ONE', nested: { apiKey: 'NESTED-SECRET-2' }, at: new Date('2026-01-01T00:00:00Z'), amount: 10n },
        secretFields: ['apiKey'],
      }),
    );
    await audit.seal();
    const stored = await row(seq);
    expect(stored.before).toEqual({ apiKey: '[secret]', name: 'Ann', nested: { apiKey: '[secret]' } });
    expect(stored.after).toEqual({ amount: '10', apiKey: '[secret]', name: 'Anna', nested: { apiKey: '[secret]' } });
    const text = JSON.stringify((await db.pool.query('SELECT * FROM audit.events WHERE seq = $1', [seq])).rows[0]);
    for (const secret of ['OLD-SECRET-VALUE', 'NEW-SECRET-VALUE', 'NESTED-SECRET', 'HASH-ONE']) expect(text).not.toContain(secret);
    // Keys are stored sorted, as the service wrote them.
    const raw = (await db.pool.query('SELECT after::text AS after FROM audit.events WHERE seq = $1', [seq])).rows[0].after;
    expect(raw).toBe('{"amount":"10","apiKey":"[secret]","name":"Anna","nested":{"apiKey":"[secret]"}}');
  });

  it('keeps whole snapshots for creates and deletes, masked', async () => {
    const created = await audit.appendStandalone(sampleEvent({ before: null, after: { name: 'n', password: 'p4ss' } }));
    const deleted = await audit.appendStandalone(sampleEvent({ before: { name: 'n', totpSecret: 'JBSWY3DP' }, after: null }));
    await audit.seal();
    expect(await row(created.seq)).toMatchObject({ before: null, after: { name: 'n', password: '[secret]' } });
    expect(await row(deleted.seq)).toMatchObject({ before: { name: 'n', totpSecret: '[secret]' }, after: null });
  });

  it('records the request\'s IP, user agent and correlation id, and the operator, roles and impersonation', async () => {
    const req = { ip: '203.0.113.9', get: (h: string) => (h === 'user-agent' ? 'test-agent/1.0' : undefined) };
    const res = { locals: { correlationId: 'corr-123' } };
    const { seq } = await new Promise<{ seq: string }>((resolve, reject) => {
      requestContext(req as never, res as never, () => {
        audit.appendStandalone(sampleEvent({ actor: { operatorId: 7, roles: ['a', 'b'], impersonatedUserId: 99 }, outcome: 'denied' })).then(resolve, reject);
      });
    });
    await audit.seal();
    expect(await row(seq)).toMatchObject({
      ip: '203.0.113.9', user_agent: 'test-agent/1.0', correlation_id: 'corr-123',
      operator_id: 7, operator_roles: ['a', 'b'], impersonated_user_id: '99', outcome: 'denied',
    });
    expect((await audit.verify()).ok).toBe(true);
  });
});
