// HMAC-SHA256 signatures over the chain's checkpoints and archive records, with a key that lives
// in the environment (AUDIT_SIGNING_KEY), never in the database: someone who can rewrite every row
// and recompute every hash still cannot produce a checkpoint that vouches for the rewrite.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_ALGORITHM = 'hmac-sha256';

/** A short public fingerprint of the key, stored beside each signature (key rotation, diagnosis). */
export function signingKeyId(key: string): string {
  return createHash('sha256').update(`opsdeck-audit-key-id\n${key}`).digest('hex').slice(0, 16);
}

export type CheckpointClaim = { seq: number; headHash: Buffer; signedAt: Date };

export type ArchiveClaim = {
  partitionName: string;
  archivedAs: string;
  rangeFrom: Date;
  rangeTo: Date;
  firstSeq: number;
  lastSeq: number;
  lastHash: Buffer;
  rowCount: number;
  archivedAt: Date;
};

// Each message names what it is, so a signature of one kind never passes for another.
const checkpointMessage = (c: CheckpointClaim) =>
  ['opsdeck-audit-checkpoint:v1', c.seq, c.headHash.toString('hex'), c.signedAt.toISOString()].join('\n');

const archiveMessage = (a: ArchiveClaim) =>
  [
    'opsdeck-audit-archive:v1',
    a.partitionName,
    a.archivedAs,
    a.rangeFrom.toISOString(),
    a.rangeTo.toISOString(),
    a.firstSeq,
    a.lastSeq,
    a.lastHash.toString('hex'),
    a.rowCount,
    a.archivedAt.toISOString(),
  ].join('\n');

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest();

const matches = (expected: Buffer, given: Buffer) => expected.length === given.length && timingSafeEqual(expected, given);

export function signCheckpoint(key: string, claim: CheckpointClaim): Buffer {
  return hmac(key, checkpointMessage(claim));
}

export function isCheckpointSignatureValid(key: string, claim: CheckpointClaim, signature: Buffer): boolean {
  return matches(signCheckpoint(key, claim), signature);
}

export function signArchive(key: string, claim: ArchiveClaim): Buffer {
  return hmac(key, archiveMessage(claim));
}

export function isArchiveSignatureValid(key: string, claim: ArchiveClaim, signature: Buffer): boolean {
  return matches(signArchive(key, claim), signature);
}
