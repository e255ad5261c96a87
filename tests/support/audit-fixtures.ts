// Helpers for the audit tests: a real audit service over the test database, quick ways to fill and
// seal the log, and a superuser session that tampers with it the way an attacker with database
// access would (triggers off: `session_replication_role = replica`).
import type { Database } from '../../src/db/database.js';
import { createAuditService, type AuditServiceImpl } from '../../src/audit/audit-service.js';
import { sealAuditLog } from '../../src/audit/sealer.js';
import type { AuditEvent } from '../../src/audit/types.js';

export const SIGNING_KEY = 'test-audit-signing-key-0123456789abcdef';

export function createTestAudit(db: Database): AuditServiceImpl {
  return createAuditService({ pool: db.pool, signingKey: SIGNING_KEY });
}

export const sampleEvent = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  actor: { operatorId: 1, roles: ['support_agent'] },
  action: 'Order.refund',
  entityType: 'Order',
  entityId: '42',
  reasonCode: 'customer_request',
  note: 'refund after call',
  before: { status: 'paid' },
  after: { status: 'refunded' },
  outcome: 'succeeded',
  ...overrides,
});

/** Appends `count` events, each in its own transaction, and returns their sequence numbers. */
export async function appendMany(audit: AuditServiceImpl, count: number, event: (i: number) => AuditEvent = (i) => sampleEvent({ entityId: String(i) })): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < count; i++) seqs.push(Number((await audit.appendStandalone(event(i))).seq));
  return seqs;
}

/** Seals everything, treating missing numbers as rolled back at once (no grace period). */
export const sealNow = (db: Database) => sealAuditLog({ pool: db.pool, graceMs: 0, waitMs: 500 });

/** Runs SQL as a superuser with triggers disabled, as an attacker with database access would. */
export async function tamper(db: Database, sql: string): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    await client.query(sql);
  } finally {
    await client.query('RESET session_replication_role');
    client.release();
  }
}

/** Empties the whole log as a superuser would, so a test file can start a fresh chain cheaply. */
export const resetAuditLog = (db: Database) =>
  tamper(db, `DELETE FROM audit.events; DELETE FROM audit.checkpoints; DELETE FROM audit.inbox; DELETE FROM audit.archived_partitions;
    UPDATE audit.chain_head SET last_seq = 0, last_hash = decode(repeat('00', 32), 'hex'); ALTER SEQUENCE audit.seq RESTART`);

/** The canonical hash of the row as stored, from its stored predecessor: what an attacker recomputes. */
export const REHASH_FROM = (fromSeq: number) => `
DO $$
DECLARE r audit.events%ROWTYPE; prev bytea;
BEGIN
  SELECT hash INTO prev FROM audit.events WHERE seq = ${fromSeq} - 1;
  FOR r IN SELECT * FROM audit.events WHERE seq >= ${fromSeq} ORDER BY seq LOOP
    r.hash := audit.row_hash(prev, r);
    UPDATE audit.events SET hash = r.hash WHERE seq = r.seq;
    prev := r.hash;
  END LOOP;
  UPDATE audit.chain_head SET last_hash = prev;
END $$`;
