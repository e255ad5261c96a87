// appendMany writes several audit rows in one statement: exactly the rows `append` writes one by one
// (byte for byte, so the chain hashes the same text), numbered and chained in the order given, all
// or none, inside the caller's transaction.
import type pg from 'pg';
import { createTestDatabase } from './support/database.js';
import { createOperator } from './support/app.js';
import { SIGNING_KEY, createTestAudit, sampleEvent, sealNow } from './support/audit-fixtures.js';
import { createAuditService } from '../src/audit/audit-service.js';
import { pgExecutor, prismaExecutor } from '../src/audit/sql-executor.js';
import { requestContext } from '../src/http/request-context.js';
import type { AuditEvent, SqlExecutor } from '../src/audit/types.js';
import type { Logger } from '../src/platform/logger.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let audit: ReturnType<typeof createTestAudit>;

beforeAll(async () => {
  db = await createTestDatabase();
  audit = createTestAudit(db);
});
afterAll(async () => {
  await db.drop();
});

/** Runs `fn` in a pg transaction that commits. */
async function inTransaction<T>(fn: (sql: SqlExecutor, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(pgExecutor(client), client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** Runs `fn` as if inside an HTTP request with this IP, user agent and correlation id. */
function inRequest<T>(userAgent: string, fn: () => Promise<T>): Promise<T> {
  const req = { ip: '198.51.100.23', get: (h: string) => (h === 'user-agent' ? userAgent : undefined) };
  const res = { locals: { correlationId: 'corr-\0-many' } };
  return new Promise<T>((resolve, reject) => requestContext(req as never, res as never, () => void fn().then(resolve, reject)));
}

// Every stored column but seq and occurred_at, as its binary send form (what the chain hashes) and
// as the driver decodes it.
const COLUMNS = `
  encode(int4send(operator_id), 'hex') AS operator_id_bin, encode(array_send(operator_roles), 'hex') AS operator_roles_bin,
  encode(int8send(impersonated_user_id), 'hex') AS impersonated_user_id_bin, encode(varcharsend(action), 'hex') AS action_bin,
  encode(varcharsend(entity_type), 'hex') AS entity_type_bin, encode(varcharsend(entity_id), 'hex') AS entity_id_bin,
  encode(varcharsend(reason_code), 'hex') AS reason_code_bin, encode(textsend(note), 'hex') AS note_bin,
  encode(json_send(before), 'hex') AS before_bin, encode(json_send(after), 'hex') AS after_bin,
  encode(varcharsend(ip), 'hex') AS ip_bin, encode(varcharsend(user_agent), 'hex') AS user_agent_bin,
  encode(varcharsend(correlation_id), 'hex') AS correlation_id_bin, encode(varcharsend(outcome), 'hex') AS outcome_bin,
  operator_id, operator_roles, impersonated_user_id, action, entity_type, entity_id, reason_code, note,
  before::text AS before_text, after::text AS after_text, ip, user_agent, correlation_id, outcome`;

async function stored(table: 'audit.inbox' | 'audit.events', seqs: string[]): Promise<Record<string, unknown>[]> {
  const { rows } = await db.pool.query(`SELECT seq::text AS seq, ${COLUMNS} FROM ${table} WHERE seq = ANY($1::bigint[])`, [seqs]);
  const bySeq = new Map(rows.map(({ seq, ...columns }) => [seq as string, columns]));
  return seqs.map((seq) => bySeq.get(seq)!);
}

const decimalLike = { toJSON: () => '12.50' };

// One action's worth of rows and then some: different actors, secrets, NULs, awkward roles and JSON.
const awkwardEvents = (): AuditEvent[] => [
  sampleEvent({
    actor: { operatorId: 7, roles: ['support_agent', 'finance'], impersonatedUserId: 99 },
    outcome: 'attempted', before: null, after: { runId: 'run-1', input: { amount: 10n, at: new Date('2026-03-01T12:00:00.123Z'), nope: undefined } },
  }),
  sampleEvent({
    before: { email: 'a@x.test', name: 'Ann', apiKey: 'OLD-SECRET', passwordHash: 'H1', nested: { apiKey: 'N1', list: [{ password: 'p' }] }, price: decimalLike },
    after: { email: 'a@x.test', name: 'Anna', apiKey: 'NEW-SECRET', passwordHash: 'H2', nested: { apiKey: 'N2', list: [{ password: 'q' }] }, price: 13, extra: true },
    secretFields: ['apiKey'],
  }),
  sampleEvent({ actor: { operatorId: null, roles: [] }, action: 'system\0.sweep', entityType: null, entityId: null, reasonCode: null, note: 'nul \0 inside', before: null, after: null, outcome: 'failed' }),
  sampleEvent({
    actor: { operatorId: 2_147_483_647, roles: ['a,b', 'quote"d', 'back\\slash', 'NULL', '{brace}', ' spaced ', '', 'ünï😀', 'nul\0role'], impersonatedUserId: 9_007_199_254_740_991 },
    entityId: 'id with \0 NUL', outcome: 'denied',
    after: { emoji: '😀', separator: '\u2028', control: '\u0001\u001f', nul: 'a\0b', quote: '"\\', big: 1e21, small: 5e-7, negativeZero: -0, sum: 0.1 + 0.2, nan: Number.NaN, list: [3, 1, 2], deep: { z: 1, a: { y: null, b: 'x' } } },
  }),
  sampleEvent({ actor: { operatorId: 1, roles: ['support_agent'] }, entityType: 'Listing', entityId: '5', before: { status: 'live', password: 'pw' }, after: { status: 'taken_down', password: 'pw2' } }),
  sampleEvent({ actor: { operatorId: 3, roles: ['admin'] }, before: { same: 1 }, after: { same: 1 }, note: '' }),
];

// A user agent longer than the column, with a NUL: cleaned and cut to 512 characters either way.
const LONG_AGENT = `agent\0/${'x'.repeat(600)}`;

describe('appendMany stores what append stores', () => {
  it('writes byte-identical rows to append once per event (pg executor), and the chain verifies', async () => {
    const viaAppend = await inRequest(LONG_AGENT, () =>
      inTransaction(async (sql) => {
        const seqs: string[] = [];
        for (const event of awkwardEvents()) seqs.push((await audit.append(sql, event)).seq);
        return seqs;
      }),
    );
    const { seqs: viaMany } = await inRequest(LONG_AGENT, () => inTransaction((sql) => audit.appendMany(sql, awkwardEvents())));
    expect(viaMany).toHaveLength(awkwardEvents().length);

    // In the inbox, before sealing ...
    const expected = await stored('audit.inbox', viaAppend);
    expect(await stored('audit.inbox', viaMany)).toEqual(expected);
    // ... the normalisation did happen (masking, NUL cleaning, request context, truncation) ...
    expect(JSON.stringify(expected)).not.toMatch(/OLD-SECRET|NEW-SECRET|"p"|"q"/);
    expect(expected[0]).toMatchObject({ ip: '198.51.100.23', correlation_id: 'corr-\uFFFD-many' });
    expect((expected[0].user_agent as string).length).toBe(512);
    expect(expected[3].operator_roles).toEqual(['a,b', 'quote"d', 'back\\slash', 'NULL', '{brace}', ' spaced ', '', 'ünï😀', 'nul\uFFFDrole']);
    expect(expected[2]).toMatchObject({ operator_roles: [], operator_id: null, action: 'system\uFFFD.sweep', before_text: null, after_text: null });
    expect(expected[5]).toMatchObject({ before_text: '{}', after_text: '{}' });

    // ... and in the log, after sealing, with a chain that verifies.
    await sealNow(db);
    expect(await stored('audit.events', viaMany)).toEqual(await stored('audit.events', viaAppend));
    expect(await stored('audit.events', viaMany)).toEqual(expected);
    expect(await audit.verify()).toMatchObject({ ok: true, firstBadSeq: null });
  });

  it('writes the same rows through a Prisma transaction', async () => {
    const viaAppend = await inRequest('agent/2', () =>
      db.prisma.$transaction(async (tx) => {
        const seqs: string[] = [];
        for (const event of awkwardEvents()) seqs.push((await audit.append(prismaExecutor(tx), event)).seq);
        return seqs;
      }),
    );
    const { seqs: viaMany } = await inRequest('agent/2', () => db.prisma.$transaction((tx) => audit.appendMany(prismaExecutor(tx), awkwardEvents())));
    expect(await stored('audit.inbox', viaMany)).toEqual(await stored('audit.inbox', viaAppend));
    await sealNow(db);
    expect(await stored('audit.events', viaMany)).toEqual(await stored('audit.events', viaAppend));
    expect((await audit.verify()).ok).toBe(true);
  });

  it('is a no-op for no events', async () => {
    let calls = 0;
    const counting: SqlExecutor = { query: async () => (calls++, { rows: [] }) };
    expect(await audit.appendMany(counting, [])).toEqual({ seqs: [] });
    expect(calls).toBe(0);
  });
});

describe('appendMany keeps the order given', () => {
  it('numbers 300 events in order, returns their numbers in order, and the sealer chains them in that order', async () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      sampleEvent({ actor: { operatorId: i % 7, roles: Array.from({ length: i % 4 }, (_, r) => `role-${i}-${r}`) }, entityId: `order-${i}`, after: { i } }),
    );
    // Shuffled keys and mixed actors do not matter; only the position in the array does.
    const { seqs } = await inTransaction((sql) => audit.appendMany(sql, events));
    expect(seqs).toHaveLength(300);
    const numbers = seqs.map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(300);
    const inbox = await db.pool.query<{ number: string; entity_id: string; operator_roles: string[] }>(
      'SELECT seq::text AS number, entity_id, operator_roles FROM audit.inbox WHERE seq = ANY($1::bigint[]) ORDER BY seq', [seqs]);
    expect(inbox.rows.map((r) => r.number)).toEqual(seqs);
    expect(inbox.rows.map((r) => r.entity_id)).toEqual(events.map((e) => e.entityId));
    expect(inbox.rows.map((r) => r.operator_roles)).toEqual(events.map((e) => e.actor.roles));

    await sealNow(db);
    const chained = await db.pool.query<{ entity_id: string }>('SELECT entity_id FROM audit.events WHERE seq = ANY($1::bigint[]) ORDER BY seq', [seqs]);
    expect(chained.rows.map((r) => r.entity_id)).toEqual(events.map((e) => e.entityId));
    expect((await audit.verify()).ok).toBe(true);
  });

  it('runs as one prepared statement on a pg connection', async () => {
    await inTransaction(async (sql, client) => {
      await audit.appendMany(sql, [sampleEvent(), sampleEvent()]);
      await audit.appendMany(sql, [sampleEvent()]);
      const { rows } = await client.query("SELECT name FROM pg_prepared_statements WHERE name LIKE 'opsdeck_%' AND statement LIKE '%unnest(%'");
      expect(rows).toHaveLength(1);
    });
  });
});

describe('appendMany is all or nothing', () => {
  it('fails the caller\'s transaction when one event is refused, leaving no row of the batch and the data unchanged; the failure is logged', async () => {
    const warnings: unknown[][] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const logged = createAuditService({ pool: db.pool, signingKey: SIGNING_KEY, logger });
    const op = await createOperator(db);
    const nameBefore = (await db.prisma.operator.findUniqueOrThrow({ where: { id: op.id } })).name;

    const batch = (bad: Partial<AuditEvent>) => [sampleEvent({ note: 'batch-fail' }), sampleEvent({ note: 'batch-fail' }), sampleEvent({ note: 'batch-fail', ...bad }), sampleEvent({ note: 'batch-fail' })];
    for (const [bad, error] of [
      [{ action: '' }, /check constraint/i],
      [{ entityId: 'x'.repeat(201) }, /too long/i],
    ] as const) {
      await expect(
        inTransaction(async (sql, client) => {
          await client.query('UPDATE operators SET name = $1 WHERE id = $2', ['changed', op.id]);
          await logged.appendMany(sql, batch(bad));
        }),
      ).rejects.toThrow(error);
    }
    expect(warnings).toHaveLength(2);
    expect(warnings[0][1]).toBe('audit append failed');
    expect(warnings[0][0]).toMatchObject({ err: expect.any(Error), count: 4, actions: ['Order.refund', ''] });
    expect((await db.pool.query("SELECT count(*)::int AS n FROM audit.inbox WHERE note = 'batch-fail'")).rows[0].n).toBe(0);
    expect((await db.prisma.operator.findUniqueOrThrow({ where: { id: op.id } })).name).toBe(nameBefore);

    // The numbers the failed statements took become void rows; the chain stays gapless and verifies.
    await logged.appendStandalone(sampleEvent({ note: 'after the failures' }));
    await sealNow(db);
    expect((await db.pool.query("SELECT count(*)::int AS n FROM audit.events WHERE note = 'batch-fail'")).rows[0].n).toBe(0);
    expect((await audit.verify()).ok).toBe(true);
  });

  it('rethrows an executor failure as append does', async () => {
    const closed: SqlExecutor = { query: async () => Promise.reject(new Error('Client was closed and is not queryable')) };
    await expect(audit.appendMany(closed, [sampleEvent()])).rejects.toThrow(/closed/);
  });
});
