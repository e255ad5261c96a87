// Retention: month partitions older than the retention period leave the live log, oldest first.
// Each is verified first (its sequence range, from the previous archive's last hash, against the
// checkpoints in it); only then is it detached, moved to the schema audit_archive (kept, never
// dropped), protected like the log, and recorded with a signed archive record that anchors the live
// chain. A partition whose chain does not verify stays where it is and the error says why.
import type pg from 'pg';
import type { Logger } from '../platform/logger.js';
import { checkArchiveRecords, readArchiveRecords } from './archive-records.js';
import { checkCheckpointSignatures, readCheckpoints } from './checkpoints.js';
import { verifyChainSegment } from './chain-segment.js';
import { listAuditPartitions, retentionCutoff, type AuditPartition } from './partitions.js';
import { signArchive, signingKeyId, type ArchiveClaim } from './signing.js';

export class AuditArchiveError extends Error {}

const ARCHIVE_LOCK = 'audit.archive';

export async function archiveExpiredPartitions({ pool, signingKey, retentionYears, now = new Date(), logger }: {
  pool: pg.Pool;
  signingKey: string;
  retentionYears: number;
  now?: Date;
  logger?: Logger;
}): Promise<ArchiveClaim[]> {
  const cutoff = retentionCutoff({ now, retentionYears });
  const expired = (await listAuditPartitions(pool)).filter((p) => p.to.getTime() <= cutoff.getTime());
  const archived: ArchiveClaim[] = [];
  for (const partition of expired) {
    const claim = await archivePartition({ pool, signingKey, partition });
    logger?.info({ partition: claim.partitionName, firstSeq: claim.firstSeq, lastSeq: claim.lastSeq, rows: claim.rowCount }, 'audit partition verified and archived');
    archived.push(claim);
  }
  return archived;
}

async function archivePartition({ pool, signingKey, partition }: { pool: pg.Pool; signingKey: string; partition: AuditPartition }): Promise<ArchiveClaim> {
  const client = await pool.connect();
  let isBroken = false;
  const table = `audit.${partition.name}`;
  try {
    // One archiver at a time, locked before the snapshot is taken so it sees the last one's record.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [ARCHIVE_LOCK]);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');

    // ---- Where this partition's range starts, and what it holds
    const { anchor, problem: recordProblem } = checkArchiveRecords(await readArchiveRecords(client), signingKey);
    if (recordProblem) throw new AuditArchiveError(`archive records do not verify: ${recordProblem.detail}`);
    const { rows: [stats] } = await client.query<{ last: string | null; count: string }>(`SELECT max(seq) AS last, count(*) AS count FROM ${table}`);
    const { rowCount: unsealed } = await client.query('SELECT 1 FROM audit.inbox WHERE occurred_at < $1 LIMIT 1', [partition.to]);
    if (unsealed) throw new AuditArchiveError(`${partition.name} still has rows waiting for the sealer`);
    const rowCount = Number(stats.count);
    let lastSeq = anchor.seq;
    let lastHash = anchor.hash;

    // ---- Verify its range, anchor + 1 .. its last row, wherever the rows of that range live. A row
    // numbered at or below the anchor here was numbered in the month before, a moment before midnight,
    // and was verified when that month was archived.
    if (stats.last !== null && Number(stats.last) > anchor.seq) {
      const { problem: signatureProblem, bySeq } = checkCheckpointSignatures(await readCheckpoints(client), signingKey);
      if (signatureProblem) throw new AuditArchiveError(`${signatureProblem.detail}; not archiving ${partition.name}`);
      const segment = await verifyChainSegment({
        client,
        fromSeq: anchor.seq + 1,
        toSeq: Number(stats.last),
        anchorHash: anchor.hash,
        checkpoints: bySeq,
        lastGoodCheckpoint: anchor.seq,
      });
      isBroken = segment.isAbandoned;
      if (segment.problem) {
        throw new AuditArchiveError(`${partition.name} does not verify, first bad sequence number ${segment.problem.seq}: ${segment.problem.detail}`);
      }
      if (segment.lastSeq !== Number(stats.last)) throw new AuditArchiveError(`${partition.name}: rows from ${segment.lastSeq + 1} are missing`);
      lastSeq = segment.lastSeq;
      lastHash = segment.lastHash;
    }

    // ---- Detach, keep as a protected table, record
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    await client.query(`ALTER TABLE audit.events DETACH PARTITION ${table}`);
    await client.query(`ALTER TABLE ${table} SET SCHEMA audit_archive`);
    const archivedAs = `audit_archive.${partition.name}`;
    // Detaching drops the row trigger cloned from the parent: the archived table gets its own.
    await client.query(`CREATE OR REPLACE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON ${archivedAs} FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()`);
    await client.query(`CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${archivedAs} FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${archivedAs} FROM PUBLIC, CURRENT_USER`);
    const claim: ArchiveClaim = {
      partitionName: partition.name,
      archivedAs,
      rangeFrom: partition.from,
      rangeTo: partition.to,
      firstSeq: anchor.seq + 1,
      lastSeq,
      lastHash,
      rowCount,
      archivedAt: new Date(),
    };
    await client.query(
      `INSERT INTO audit.archived_partitions (partition_name, archived_as, range_from, range_to, first_seq, last_seq,
         last_hash, row_count, archived_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [claim.partitionName, claim.archivedAs, claim.rangeFrom, claim.rangeTo, claim.firstSeq, claim.lastSeq,
        claim.lastHash, claim.rowCount, claim.archivedAt, signingKeyId(signingKey), signArchive(signingKey, claim)],
    );
    await client.query('COMMIT');
    return claim;
  } catch (err) {
    if (!isBroken) await client.query('ROLLBACK').catch(() => (isBroken = true));
    throw err;
  } finally {
    if (!isBroken) await client.query('SELECT pg_advisory_unlock(hashtext($1))', [ARCHIVE_LOCK]).catch(() => (isBroken = true));
    client.release(isBroken);
  }
}
