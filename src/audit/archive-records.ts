// The signed records of archived partitions. Together they must cover sequence numbers 1..n without
// a gap; the last one's hash is where the live chain starts. A forged or missing record (rows
// removed and passed off as archived) is a problem at the first number it no longer vouches for.
import type pg from 'pg';
import { GENESIS_HASH } from './canonical.js';
import type { ChainProblem } from './chain-segment.js';
import { isArchiveSignatureValid, signingKeyId, type ArchiveClaim } from './signing.js';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export type ArchiveRecord = ArchiveClaim & { keyId: string; signature: Buffer };

export async function readArchiveRecords(db: Queryable): Promise<ArchiveRecord[]> {
  const { rows } = await db.query<{
    partition_name: string; archived_as: string; range_from: Date; range_to: Date; first_seq: string; last_seq: string;
    last_hash: Buffer; row_count: string; archived_at: Date; key_id: string; signature: Buffer;
  }>('SELECT * FROM audit.archived_partitions ORDER BY last_seq, first_seq');
  return rows.map((r) => ({
    partitionName: r.partition_name,
    archivedAs: r.archived_as,
    rangeFrom: r.range_from,
    rangeTo: r.range_to,
    firstSeq: Number(r.first_seq),
    lastSeq: Number(r.last_seq),
    lastHash: r.last_hash,
    rowCount: Number(r.row_count),
    archivedAt: r.archived_at,
    keyId: r.key_id,
    signature: r.signature,
  }));
}

/** Where the live chain starts: after the last archived number, from its hash. */
export type ChainAnchor = { seq: number; hash: Buffer };

export function checkArchiveRecords(records: ArchiveRecord[], signingKey: string): { anchor: ChainAnchor; problem: ChainProblem | null } {
  const keyId = signingKeyId(signingKey);
  let anchor: ChainAnchor = { seq: 0, hash: GENESIS_HASH };
  for (const record of records) {
    if (record.keyId !== keyId || !isArchiveSignatureValid(signingKey, record, record.signature)) {
      return {
        anchor,
        problem: { kind: 'archive_signature', seq: anchor.seq + 1, detail: `the archive record of ${record.partitionName} is not genuine` },
      };
    }
    // An empty partition archives no numbers (first = last + 1 of the one before).
    if (record.firstSeq !== anchor.seq + 1) {
      return {
        anchor,
        problem: { kind: 'archive_gap', seq: anchor.seq + 1, detail: `archived ranges jump from ${anchor.seq} to ${record.firstSeq}` },
      };
    }
    if (record.lastSeq >= record.firstSeq) anchor = { seq: record.lastSeq, hash: record.lastHash };
  }
  return { anchor, problem: null };
}
