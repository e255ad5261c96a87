// The verifier reads the binary COPY stream without decoding it. Whatever the chunking (a tuple cut
// anywhere, down to one byte per chunk), it must find every row and hash exactly the bytes the
// sealer hashed: NULLs, arrays, JSON and non-ASCII text included.
import { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
import { createTestDatabase } from './support/database.js';
import { createTestAudit, sampleEvent } from './support/audit-fixtures.js';
import { chainCopySql, GENESIS_HASH } from '../src/audit/canonical.js';
import { readChainTuples, MalformedCopyError } from '../src/audit/chain-reader.js';
import { isStoredHash, rowHash } from '../src/audit/chain-segment.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let stream: Buffer;

beforeAll(async () => {
  db = await createTestDatabase();
  const audit = createTestAudit(db);
  for (let i = 0; i < 12; i++) {
    await audit.appendStandalone(sampleEvent({
      actor: { operatorId: i % 3 === 0 ? null : i, roles: i % 2 ? ['a', 'b "c"'] : [], impersonatedUserId: i % 4 === 0 ? 77 : null },
      note: i % 5 === 0 ? null : `note ${i} — ünïcødé ✓ \t tab`,
      before: i % 3 === 0 ? null : { n: i, nested: { list: [1, 'x', null] } },
      entityId: `e-${i}`,
    }));
  }
  await audit.seal();
  const client = await db.pool.connect();
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(chainCopySql({ fromSeq: 1 })))) chunks.push(chunk);
    stream = Buffer.concat(chunks);
  } finally {
    client.release();
  }
});
afterAll(async () => {
  await db.drop();
});

function chunked(size: number): AsyncIterable<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < stream.length; i += size) parts.push(stream.subarray(i, i + size));
  return Readable.from(parts);
}

async function readAll(size: number, gatherBytes: number) {
  const seqs: number[] = [];
  let previous = Buffer.from(GENESIS_HASH);
  let mismatches = 0;
  const isComplete = await readChainTuples(chunked(size), (row) => {
    if (!isStoredHash(row, rowHash(row, previous))) mismatches++;
    previous = Buffer.from(row.buf.subarray(row.hashStart, row.hashStart + row.hashLength));
    seqs.push(row.seq);
    return true;
  }, { gatherBytes });
  return { isComplete, seqs, mismatches };
}

describe('readChainTuples', () => {
  it.each([
    [1 << 20, 1 << 20],
    [1, 1],
    [7, 13],
    [64, 100],
    [333, 1],
  ])('finds every row and its hashed bytes in chunks of %i (gathered to %i)', async (size, gatherBytes) => {
    const result = await readAll(size, gatherBytes);
    expect(result).toEqual({ isComplete: true, seqs: Array.from({ length: 12 }, (_, i) => i + 1), mismatches: 0 });
  });

  it('stops when asked, and refuses a stream that is cut short or is not a chain COPY', async () => {
    let seen = 0;
    expect(await readChainTuples(chunked(50), () => ++seen < 3)).toBe(false);
    expect(seen).toBe(3);
    await expect(readChainTuples(Readable.from([stream.subarray(0, stream.length - 10)]), () => true)).rejects.toThrow(MalformedCopyError);
    await expect(readChainTuples(Readable.from([Buffer.from('not a copy stream at all, clearly')]), () => true)).rejects.toThrow(/not a binary COPY/);
  });
});
