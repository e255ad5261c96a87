// Recomputes the chain over a range of sequence numbers, streaming the rows in order: every row
// must follow the previous one by exactly one, hash to its stored hash from the previous row's
// stored hash, and match every checkpoint at its number. Stops at the first problem. Each row's
// check depends only on stored bytes, so this is one hash call per row over one slice, no decoding.
import crypto from 'node:crypto';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { chainCopySql } from './canonical.js';
import { readChainTuples, type ChainTuple } from './chain-reader.js';
import type { ChainProblemKind } from './types.js';

// One-shot hashing (Node 20.12+) is about twice as fast as a Hash object per row.
const sha256 = typeof crypto.hash === 'function'
  ? (data: Buffer) => crypto.hash('sha256', data, 'binary')
  : (data: Buffer) => crypto.createHash('sha256').update(data).digest('binary');

/** sha256(previous row's stored hash || canonical row) of a tuple, as a binary string. */
export function rowHash(row: ChainTuple, previous: Buffer): string {
  return row.messageStart >= 0
    ? sha256(row.buf.subarray(row.messageStart, row.messageEnd))
    : crypto.createHash('sha256').update(previous).update(row.buf.subarray(row.tupleStart, row.messageEnd)).digest('binary');
}

/** Whether a binary-string hash equals the stored hash bytes (no string made per row). */
export function isStoredHash(row: ChainTuple, computed: string): boolean {
  if (row.hashLength !== computed.length) return false;
  for (let i = 0; i < computed.length; i++) if (computed.charCodeAt(i) !== row.buf[row.hashStart + i]) return false;
  return true;
}

export type ChainProblem = { kind: ChainProblemKind; seq: number; detail: string };

export type SegmentResult = {
  checked: number;
  /** Last row checked and its stored hash (when at least one row was read). */
  lastSeq: number;
  lastHash: Buffer;
  problem: ChainProblem | null;
  /** The stream was abandoned halfway: the connection is mid-COPY and must be discarded. */
  isAbandoned: boolean;
};

export async function verifyChainSegment({
  client,
  fromSeq,
  toSeq,
  anchorHash,
  checkpoints,
  lastGoodCheckpoint,
  stopAtSeq = Number.POSITIVE_INFINITY,
}: {
  client: pg.PoolClient | pg.Client;
  fromSeq: number;
  toSeq?: number;
  /** Stored hash of row fromSeq - 1 (or the genesis / archive anchor). */
  anchorHash: Buffer;
  /** Checkpoint hashes (binary strings) by sequence number, signatures already checked. */
  checkpoints: Map<number, string[]>;
  /** The last number a checkpoint (or the archive anchor) vouched for before fromSeq. */
  lastGoodCheckpoint: number;
  /** A problem is already known at this number: no need to read that far. */
  stopAtSeq?: number;
}): Promise<SegmentResult> {
  let expected = fromSeq;
  let checked = 0;
  let vouchedUpTo = lastGoodCheckpoint;
  // The last stored hash read (copied, as buffers are reused): the anchor until the first row.
  const previous = Buffer.from(anchorHash);
  let problem: ChainProblem | null = null;

  const stream = client.query(copyTo(chainCopySql({ fromSeq, toSeq })));
  const isComplete = await readChainTuples(stream, (row) => {
    if (row.seq >= stopAtSeq) return false;
    if (row.seq !== expected) {
      problem = row.seq < expected
        ? { kind: 'duplicate', seq: row.seq, detail: `sequence number ${row.seq} appears more than once` }
        : { kind: 'missing', seq: expected, detail: `row ${expected} is missing (next row is ${row.seq})` };
      return false;
    }
    if (!isStoredHash(row, rowHash(row, previous))) {
      problem = { kind: 'hash_mismatch', seq: row.seq, detail: `row ${row.seq} does not hash to its stored hash: it was changed, or the row before it was` };
      return false;
    }
    const vouched = checkpoints.get(row.seq);
    if (vouched) {
      const stored = row.buf.toString('binary', row.hashStart, row.hashStart + row.hashLength);
      if (vouched.some((h) => h !== stored)) {
        problem = {
          kind: 'checkpoint_mismatch',
          seq: vouchedUpTo + 1,
          detail: `the checkpoint at ${row.seq} does not match the chain: rows after ${vouchedUpTo} were rewritten and rehashed`,
        };
        return false;
      }
      vouchedUpTo = row.seq;
    }
    row.buf.copy(previous, 0, row.hashStart, row.hashStart + 32);
    checked++;
    expected++;
    return true;
  });
  return {
    checked,
    lastSeq: expected - 1,
    lastHash: previous,
    problem,
    isAbandoned: !isComplete,
  };
}
