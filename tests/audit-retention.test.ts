// Month partitions are made ahead of time, an insert never fails for lack of one, and partitions
// past the retention period are verified, then detached into audit_archive (kept, protected) with
// a signed record that anchors the live chain. A partition that does not verify stays put.
import { createTestDatabase } from './support/database.js';
import { SIGNING_KEY, createTestAudit, sealNow, tamper } from './support/audit-fixtures.js';
import { ensureAuditPartitions, listAuditPartitions } from '../src/audit/partitions.js';
import { AuditArchiveError, archiveExpiredPartitions } from '../src/audit/archival.js';
import { verifyAuditChain } from '../src/audit/verifier.js';

type TestDb = Awaited<ReturnType<typeof createTestDatabase>>;

const monthName = (offset: number) => {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `events_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

// Rows of January and February 2010 (in partitions made as ensure_partitions makes them), a
// checkpoint among them, then four rows of today.
async function oldAndNewRows(db: TestDb): Promise<void> {
  const audit = createTestAudit(db);
  for (const [name, from, to] of [['events_p201001', '2010-01-01Z', '2010-02-01Z'], ['events_p201002', '2010-02-01Z', '2010-03-01Z']]) {
    await db.pool.query(`CREATE TABLE audit.${name} PARTITION OF audit.events FOR VALUES FROM ('${from}') TO ('${to}');
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.${name} FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`);
  }
  const old = (day: string, count: number) =>
    db.pool.query(`INSERT INTO audit.inbox (occurred_at, operator_roles, action, outcome)
      SELECT '${day}'::timestamptz + make_interval(mins => i), '{}', 'old.event', 'succeeded' FROM generate_series(1, ${count}) i`);
  await old('2010-01-10Z', 5);
  await sealNow(db);
  await audit.checkpoint();
  await old('2010-02-10Z', 3);
  for (let i = 0; i < 4; i++) await audit.appendStandalone({ actor: { operatorId: 1, roles: [] }, action: 'new.event', outcome: 'succeeded' });
  await sealNow(db);
  await audit.checkpoint();
}

describe('partitions', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('start empty, and an empty log verifies', async () => {
    expect(await verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY })).toMatchObject({ ok: true, checked: 0, headSeq: 0, firstBadSeq: null });
  });

  it('exist for this month and the next from the migration; ensure_partitions adds later ones, protected', async () => {
    const names = (await listAuditPartitions(db.pool)).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining([monthName(0), monthName(1)]));
    expect(await ensureAuditPartitions({ pool: db.pool, monthsAhead: 1 })).toEqual([]);
    expect(await ensureAuditPartitions({ pool: db.pool, monthsAhead: 3 })).toEqual([monthName(2), monthName(3)]);
    await expect(db.pool.query(`TRUNCATE audit.${monthName(3)}`)).rejects.toMatchObject({ code: '42501' });
  });

  it('takes a row for a month without a partition into the default one, chained like any other', async () => {
    await db.pool.query(`INSERT INTO audit.inbox (occurred_at, operator_roles, action, outcome) VALUES ('2099-05-05Z', '{}', 'far.future', 'succeeded')`);
    await sealNow(db);
    expect((await db.pool.query(`SELECT tableoid::regclass::text AS part FROM audit.events WHERE action = 'far.future'`)).rows[0].part).toBe('audit.events_default');
    expect((await verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY })).ok).toBe(true);
  });
});

describe('retention', () => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDatabase();
    await oldAndNewRows(db);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('verifies, then archives expired partitions; the live chain still verifies from the archive\'s last hash', async () => {
    const archived = await archiveExpiredPartitions({ pool: db.pool, signingKey: SIGNING_KEY, retentionYears: 7 });
    expect(archived.map((a) => [a.partitionName, a.firstSeq, a.lastSeq, a.rowCount])).toEqual([['events_p201001', 1, 5, 5], ['events_p201002', 6, 8, 3]]);

    const live = (await listAuditPartitions(db.pool)).map((p) => p.name);
    expect(live).not.toContain('events_p201001');
    const { rows } = await db.pool.query(`SELECT count(*) FROM audit_archive.events_p201001`);
    expect(rows[0].count).toBe('5');
    for (const sql of ['UPDATE audit_archive.events_p201001 SET note = NULL', 'DELETE FROM audit_archive.events_p201001', 'TRUNCATE audit_archive.events_p201002']) {
      await expect(db.pool.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
    expect(await verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY })).toMatchObject({ ok: true, checked: 4, headSeq: 12 });
    // Nothing more is due: a second run archives nothing.
    expect(await archiveExpiredPartitions({ pool: db.pool, signingKey: SIGNING_KEY, retentionYears: 7 })).toEqual([]);

    // An archive record forged to pass off removed rows as archived is caught.
    await tamper(db, `UPDATE audit.archived_partitions SET last_seq = 9 WHERE partition_name = 'events_p201002'`);
    expect(await verifyAuditChain({ pool: db.pool, signingKey: SIGNING_KEY })).toMatchObject({ ok: false, firstBadSeq: 6, problem: { kind: 'archive_signature' } });
  });

  it('keeps a partition whose chain does not verify, naming the first bad sequence number', async () => {
    await tamper(db, `UPDATE audit.events SET action = 'rewritten' WHERE seq = 3`);
    await expect(archiveExpiredPartitions({ pool: db.pool, signingKey: SIGNING_KEY, retentionYears: 7 })).rejects.toThrow(AuditArchiveError);
    await expect(archiveExpiredPartitions({ pool: db.pool, signingKey: SIGNING_KEY, retentionYears: 7 })).rejects.toThrow(/first bad sequence number 3/);
    expect((await listAuditPartitions(db.pool)).map((p) => p.name)).toContain('events_p201001');
    expect((await db.pool.query('SELECT count(*) FROM audit.archived_partitions')).rows[0].count).toBe('0');
  });

  it('archives nothing within the retention period', async () => {
    expect(await archiveExpiredPartitions({ pool: db.pool, signingKey: SIGNING_KEY, retentionYears: 50 })).toEqual([]);
  });
});
