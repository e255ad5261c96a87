// `npm run audit:verify` and GET /api/audit/verify: recomputes the whole live chain and checks it
// against the signed checkpoints, the signed archive records and the chain head, all read in one
// REPEATABLE READ snapshot (the sealer moves the head and inserts rows in one transaction, so a
// snapshot is always consistent). Names the first sequence number that is no longer vouched for.
import type pg from 'pg';
import type { AuditVerification } from './types.js';
import { checkArchiveRecords, readArchiveRecords } from './archive-records.js';
import { checkCheckpointSignatures, readCheckpoints } from './checkpoints.js';
import type { ChainProblem } from './chain-segment.js';
import { verifyChainRange } from './chain-range.js';

const earliest = (a: ChainProblem | null, b: ChainProblem | null) => (!a ? b : !b ? a : b.seq < a.seq ? b : a);

export async function verifyAuditChain({ pool, signingKey, fromSeq = 1, parallel = 2 }: {
  pool: pg.Pool;
  signingKey: string;
  /** Start here, trusting the stored hash of the row before (a quick check of recent rows). */
  fromSeq?: number;
  /** Connections streaming slices of a large chain at once. */
  parallel?: number;
}): Promise<AuditVerification> {
  const client = await pool.connect();
  let isBroken = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: [head] } = await client.query<{ last_seq: string; last_hash: Buffer }>('SELECT last_seq, last_hash FROM audit.chain_head WHERE id = 1');
    const headSeq = Number(head.last_seq);

    // ---- Signed evidence: archive records (where the live chain starts) and checkpoints
    const archives = checkArchiveRecords(await readArchiveRecords(client), signingKey);
    const checkpoints = await readCheckpoints(client);
    const signatures = checkCheckpointSignatures(checkpoints, signingKey);
    let problem = earliest(archives.problem, signatures.problem);
    const anchor = archives.anchor;
    // Checkpoints inside the archived range were checked when their partition was archived.
    const live = new Map([...signatures.bySeq].filter(([seq]) => seq > anchor.seq));
    const atAnchor = signatures.bySeq.get(anchor.seq);
    if (anchor.seq > 0 && atAnchor?.some((h) => h !== anchor.hash.toString('binary'))) {
      problem = earliest(problem, { kind: 'checkpoint_mismatch', seq: anchor.seq, detail: `the checkpoint at ${anchor.seq} does not match the archive record` });
    }

    // ---- Where to start: after the archive anchor, or at fromSeq trusting the row before it
    const start = Math.max(fromSeq, anchor.seq + 1);
    let anchorHash = anchor.hash;
    if (start > anchor.seq + 1) {
      if (start > headSeq + 1) return { ok: problem === null, checked: 0, firstBadSeq: problem?.seq ?? null, problem, headSeq, checkpointsChecked: 0 };
      const { rows } = await client.query<{ hash: Buffer }>('SELECT hash FROM audit.events WHERE seq = $1', [start - 1]);
      if (rows.length !== 1) problem = earliest(problem, { kind: rows.length ? 'duplicate' : 'missing', seq: start - 1, detail: `row ${start - 1}, where the check starts, is not there once` });
      else anchorHash = rows[0].hash;
    }
    const vouchedBefore = Math.max(anchor.seq, ...[...live.keys()].filter((seq) => seq < start));

    // ---- The rows themselves
    const segment = await verifyChainRange({
      pool,
      client,
      fromSeq: start,
      headSeq,
      anchorHash,
      checkpoints: live,
      lastGoodCheckpoint: vouchedBefore,
      stopAtSeq: problem?.seq ?? Number.POSITIVE_INFINITY,
      parallel,
    });
    isBroken = segment.isClientAbandoned;
    problem = earliest(problem, segment.problem);

    // ---- The end of the chain: the head and the last checkpoint must point at the last row
    if (!problem) {
      const last = segment.lastSeq;
      const lastHash = segment.checked > 0 ? segment.lastHash : anchorHash;
      const lastCheckpoint = Math.max(0, ...live.keys());
      if (last < headSeq || last < lastCheckpoint) {
        problem = earliest(problem, { kind: 'missing', seq: last + 1, detail: `rows from ${last + 1} are missing (the head is at ${headSeq})` });
      } else if (last > headSeq) {
        problem = earliest(problem, { kind: 'beyond_head', seq: headSeq + 1, detail: `rows after the head (${headSeq}) were added outside the sealer` });
      } else if (!lastHash.equals(head.last_hash)) {
        problem = earliest(problem, { kind: 'head_mismatch', seq: headSeq, detail: `the chain head does not match row ${headSeq}` });
      }
    }
    const checkpointsChecked = [...live.keys()].filter((seq) => seq >= start && seq <= segment.lastSeq).length;
    return { ok: problem === null, checked: segment.checked, firstBadSeq: problem?.seq ?? null, problem, headSeq, checkpointsChecked };
  } catch (err) {
    isBroken = true;
    throw err;
  } finally {
    // A COPY abandoned halfway leaves the connection mid-stream: it is closed, not reused.
    if (!isBroken) await client.query('ROLLBACK').catch(() => (isBroken = true));
    client.release(isBroken);
  }
}
