// Signed checkpoints: every so often the chain head (sequence number and hash) is signed with the
// key outside the database and stored. The verifier checks every signature and that the chain still
// passes through each checkpoint, so a rewrite that recomputes all later hashes is still caught.
import type pg from 'pg';
import { SIGNATURE_ALGORITHM, isCheckpointSignatureValid, signCheckpoint, signingKeyId } from './signing.js';
import type { ChainProblem } from './chain-segment.js';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export type StoredCheckpoint = {
  id: number;
  seq: number;
  headHash: Buffer;
  signedAt: Date;
  keyId: string;
  algorithm: string;
  signature: Buffer;
};

/** Signs the current chain head, unless it is empty or already signed. */
export async function writeCheckpoint({ pool, signingKey }: { pool: Queryable; signingKey: string }): Promise<StoredCheckpoint | null> {
  const { rows: [head] } = await pool.query<{ last_seq: string; last_hash: Buffer }>('SELECT last_seq, last_hash FROM audit.chain_head WHERE id = 1');
  const seq = Number(head.last_seq);
  if (seq === 0) return null;
  const { rowCount } = await pool.query('SELECT 1 FROM audit.checkpoints WHERE seq = $1 AND head_hash = $2', [seq, head.last_hash]);
  if (rowCount) return null;
  // Millisecond precision: the time signed is the time stored and read back.
  const signedAt = new Date();
  const signature = signCheckpoint(signingKey, { seq, headHash: head.last_hash, signedAt });
  const keyId = signingKeyId(signingKey);
  const { rows: [row] } = await pool.query<{ id: string }>(
    `INSERT INTO audit.checkpoints (seq, head_hash, signed_at, key_id, algorithm, signature)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [seq, head.last_hash, signedAt, keyId, SIGNATURE_ALGORITHM, signature],
  );
  return { id: Number(row.id), seq, headHash: head.last_hash, signedAt, keyId, algorithm: SIGNATURE_ALGORITHM, signature };
}

export async function readCheckpoints(db: Queryable): Promise<StoredCheckpoint[]> {
  const { rows } = await db.query<{ id: string; seq: string; head_hash: Buffer; signed_at: Date; key_id: string; algorithm: string; signature: Buffer }>(
    'SELECT id, seq, head_hash, signed_at, key_id, algorithm, signature FROM audit.checkpoints ORDER BY seq, id',
  );
  return rows.map((r) => ({
    id: Number(r.id),
    seq: Number(r.seq),
    headHash: r.head_hash,
    signedAt: r.signed_at,
    keyId: r.key_id,
    algorithm: r.algorithm,
    signature: r.signature,
  }));
}

/**
 * Splits checkpoints into the first forged one (a problem) and, for the valid ones, their hashes
 * by sequence number. A checkpoint under another key cannot be checked, so it counts as forged.
 */
export function checkCheckpointSignatures(checkpoints: StoredCheckpoint[], signingKey: string): {
  problem: ChainProblem | null;
  bySeq: Map<number, string[]>;
} {
  const keyId = signingKeyId(signingKey);
  const bySeq = new Map<number, string[]>();
  let problem: ChainProblem | null = null;
  for (const c of checkpoints) {
    const isValid = c.keyId === keyId
      && c.algorithm === SIGNATURE_ALGORITHM
      && isCheckpointSignatureValid(signingKey, { seq: c.seq, headHash: c.headHash, signedAt: c.signedAt }, c.signature);
    if (!isValid) {
      if (!problem || c.seq < problem.seq) {
        const why = c.keyId === keyId ? 'its signature is wrong' : `it is signed with another key (${c.keyId})`;
        problem = { kind: 'checkpoint_signature', seq: c.seq, detail: `checkpoint ${c.id} at ${c.seq} is not genuine: ${why}` };
      }
      continue;
    }
    bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c.headHash.toString('binary')]);
  }
  return { problem, bySeq };
}
