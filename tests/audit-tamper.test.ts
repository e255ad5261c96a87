// The log refuses changes from the application, and the verifier catches what a database superuser
// does with the triggers off: a row changed, deleted, forged, reordered, a chain rewritten and
// rehashed, a forged checkpoint. Each case names the first bad sequence number.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase } from './support/database.js';
import { REHASH_FROM, appendMany, createTestAudit, resetAuditLog, tamper, SIGNING_KEY } from './support/audit-fixtures.js';
import { verifyAuditChain } from '../src/audit/verifier.js';
import { signCheckpoint, signingKeyId } from '../src/audit/signing.js';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

describe('the database refuses changes to the log', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase();
    const audit = createTestAudit(db);
    await appendMany(audit, 3);
    await audit.seal();
    await audit.checkpoint();
    await audit.appendStandalone({ actor: { operatorId: 1, roles: [] }, action: 'pending.row', outcome: 'succeeded' });
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each([
    ['UPDATE audit.events SET note = $$x$$ WHERE seq = 1'],
    ['DELETE FROM audit.events WHERE seq = 1'],
    ['TRUNCATE audit.events'],
    ['TRUNCATE audit.events_default'],
    ['UPDATE audit.checkpoints SET seq = 1'],
    ['DELETE FROM audit.checkpoints'],
    ['TRUNCATE audit.checkpoints'],
    ['DELETE FROM audit.chain_head'],
    ['UPDATE audit.chain_head SET last_seq = 1'],
    ['UPDATE audit.inbox SET note = $$x$$'],
    ['DELETE FROM audit.inbox'],
    ['TRUNCATE audit.inbox'],
    ['TRUNCATE audit.archived_partitions'],
  ])('%s', async (sql) => {
    await expect(db.pool.query(sql)).rejects.toMatchObject({ code: '42501' });
  });

  it('refuses them on every month partition, truncation included', async () => {
    const { rows } = await db.pool.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.events'::regclass`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const { name } of rows) await expect(db.pool.query(`TRUNCATE audit.${name}`)).rejects.toMatchObject({ code: '42501' });
    const { rows: [{ partition }] } = await db.pool.query(`SELECT tableoid::regclass::text AS partition FROM audit.events WHERE seq = 2`);
    await expect(db.pool.query(`DELETE FROM ${partition} WHERE seq = 2`)).rejects.toMatchObject({ code: '42501' });
    await expect(db.pool.query(`UPDATE ${partition} SET note = NULL WHERE seq = 2`)).rejects.toMatchObject({ code: '42501' });
  });

  it('grants an application role that does not own the tables neither UPDATE, DELETE nor TRUNCATE', async () => {
    const role = `opsdeck_app_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await db.pool.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    try {
      await db.pool.query(`GRANT USAGE ON SCHEMA audit TO ${role}; GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA audit TO ${role}`);
      const url = new URL(db.url);
      url.username = role;
      url.password = password;
      const app = new pg.Client({ connectionString: url.toString() });
      await app.connect();
      try {
        expect((await app.query('SELECT count(*) FROM audit.events')).rows[0].count).toBe('3');
        for (const sql of ['UPDATE audit.events SET note = NULL', 'DELETE FROM audit.events', 'TRUNCATE audit.events', 'DELETE FROM audit.checkpoints']) {
          await expect(app.query(sql)).rejects.toThrow(/permission denied/);
        }
        await expect(app.query('SET session_replication_role = replica')).rejects.toThrow(/permission denied/);
      } finally {
        await app.end();
      }
    } finally {
      await db.pool.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });
});

describe('the verifier catches a superuser\'s tampering', () => {
  let db: TestDb;
  const ROWS = 30;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  // A fresh chain of 30 rows with checkpoints at 10 and 20 for each case.
  beforeEach(async () => {
    await resetAuditLog(db);
    const audit = createTestAudit(db);
    for (const upTo of [10, 20, ROWS]) {
      await appendMany(audit, 10);
      await audit.seal();
      if (upTo < ROWS) await audit.checkpoint();
    }
    expect(await verify()).toMatchObject({ ok: true, checked: ROWS, firstBadSeq: null, headSeq: ROWS, checkpointsChecked: 2 });
  });
  const verify = () => verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY });

  it('a row changed', async () => {
    await tamper(db, `UPDATE audit.events SET note = 'nothing happened' WHERE seq = 7`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 7, checked: 6, problem: { kind: 'hash_mismatch' } });
  });

  it('a row deleted', async () => {
    await tamper(db, 'DELETE FROM audit.events WHERE seq = 12');
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 12, problem: { kind: 'missing' } });
  });

  it('the last rows deleted', async () => {
    await tamper(db, 'DELETE FROM audit.events WHERE seq > 27');
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 28, problem: { kind: 'missing' } });
  });

  it('a forged row inserted among the others', async () => {
    await tamper(db, `INSERT INTO audit.events SELECT seq, occurred_at + interval '1 millisecond', operator_id, operator_roles, impersonated_user_id, 'Order.cancel',
      entity_type, entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome, hash FROM audit.events WHERE seq = 15`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 15 });
  });

  it('a forged row appended after the head, even with a correct hash', async () => {
    await tamper(db, `INSERT INTO audit.events SELECT seq + 1, occurred_at, operator_id, operator_roles, impersonated_user_id, action,
      entity_type, entity_id, reason_code, note, before, after, ip, user_agent, correlation_id, outcome, hash FROM audit.events WHERE seq = ${ROWS}`);
    await tamper(db, REHASH_FROM(ROWS + 1));
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: ROWS + 1, problem: { kind: 'beyond_head' } });
  });

  it('two rows swapped (reordered)', async () => {
    await tamper(db, `UPDATE audit.events e SET entity_id = o.entity_id, note = o.note
      FROM audit.events o WHERE (e.seq, o.seq) IN ((4, 9), (9, 4))`);
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 4, problem: { kind: 'hash_mismatch' } });
  });

  it('a row changed and every later hash recomputed: the checkpoint after it no longer matches', async () => {
    await tamper(db, `UPDATE audit.events SET outcome = 'failed' WHERE seq = 14`);
    await tamper(db, REHASH_FROM(14));
    // The chain itself is consistent again; the checkpoint at 20 still vouches for the old hash.
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 11, problem: { kind: 'checkpoint_mismatch' } });
  });

  it('a forged checkpoint signature, and one signed with another key', async () => {
    const { rows: [row] } = await db.pool.query('SELECT hash FROM audit.events WHERE seq = 25');
    const signedAt = new Date();
    await db.pool.query(
      `INSERT INTO audit.checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature) VALUES (25, $1, $2, $3, 'hmac-sha256', $4)`,
      [row.hash, signedAt, signingKeyId(SIGNING_KEY), randomBytes(32)],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 25, problem: { kind: 'checkpoint_signature' } });

    const otherKey = 'another-key-that-is-not-the-real-one-000';
    await tamper(db, 'DELETE FROM audit.checkpoints WHERE seq = 25');
    await db.pool.query(
      `INSERT INTO audit.checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature) VALUES (22, $1, $2, $3, 'hmac-sha256', $4)`,
      [row.hash, signedAt, signingKeyId(otherKey), signCheckpoint(otherKey, { seq: 22, headHash: row.hash, signedAt })],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 22, problem: { kind: 'checkpoint_signature' } });
  });

  it('checks from a given number, trusting the row before it', async () => {
    await tamper(db, `UPDATE audit.events SET note = 'x' WHERE seq = 3`);
    expect(await verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY, fromSeq: 21 })).toMatchObject({ ok: true, checked: ROWS - 20 });
    expect(await verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
