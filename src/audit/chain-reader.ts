// Splits a `COPY (chain columns, hash) TO STDOUT (FORMAT binary)` stream into rows without decoding
// them: for each tuple it reports the sequence number and where the bytes to hash and the stored
// hash lie in the buffer. Chunks are gathered into buffers of about 1 MiB; a tuple cut by a buffer
// edge is carried over together with the 32 bytes before it (the previous row's hash), so the
// previous hash always sits right before the tuple, except for the stream's first tuple.
import { CHAIN_FIELD_COUNT } from './canonical.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const GATHER_BYTES = 1 << 20;
const HASH_BYTES = 32;

/** Where one row lies in `buf`. Valid only during the visit (the buffer is reused afterwards). */
export type ChainTuple = {
  buf: Buffer;
  seq: number;
  /** Start of previous hash + tuple (the hashed message), or -1 when the previous hash is not in `buf`. */
  messageStart: number;
  /** Start of the tuple itself (its int16 field count). */
  tupleStart: number;
  /** End of the canonical row, where the hash column's length begins. */
  messageEnd: number;
  /** The stored hash; its length is 32 unless the row was tampered with. */
  hashStart: number;
  hashLength: number;
};

export class MalformedCopyError extends Error {}

/** Reads tuples until the stream ends or `visit` returns false; returns false when it stopped early. */
export async function readChainTuples(
  source: AsyncIterable<Buffer>,
  visit: (row: ChainTuple) => boolean,
  { gatherBytes = GATHER_BYTES }: { gatherBytes?: number } = {},
): Promise<boolean> {
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let carry: Buffer | null = null;
  // Offset in the next buffer at which parsing resumes (after a carried previous hash).
  let resumeAt = 0;
  let isHeaderRead = false;
  let hasPrevious = false;
  let isDone = false;
  const row: ChainTuple = { buf: Buffer.alloc(0), seq: 0, messageStart: -1, tupleStart: 0, messageEnd: 0, hashStart: 0, hashLength: 0 };

  // Returns false when the visitor asked to stop.
  const parse = (buf: Buffer, isLast: boolean): boolean => {
    let pos = resumeAt;
    if (!isHeaderRead) {
      if (buf.length < 19) return keep(buf, 0, 0, isLast);
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new MalformedCopyError('not a binary COPY stream');
      pos = 19 + buf.readInt32BE(15);
      isHeaderRead = true;
    }
    row.buf = buf;
    const end = buf.length;
    // The hot loop: lengths are read byte by byte (cheaper than a call per field).
    for (;;) {
      if (end - pos < 2) break;
      const fields = (buf[pos] << 8) | buf[pos + 1];
      if (fields === 0xffff) {
        isDone = true;
        return true;
      }
      if (fields !== CHAIN_FIELD_COUNT) throw new MalformedCopyError(`expected ${CHAIN_FIELD_COUNT} columns, got ${fields}`);
      // Column 0, seq: int32 length 8, then the int8.
      let p = pos + 2;
      if (end - p < 12) break;
      if (buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 0 || buf[p + 3] !== 8) throw new MalformedCopyError('seq column is not an int8');
      const seq = (((buf[p + 4] << 24) | (buf[p + 5] << 16) | (buf[p + 6] << 8) | buf[p + 7]) >>> 0) * 0x1_0000_0000
        + (((buf[p + 8] << 24) | (buf[p + 9] << 16) | (buf[p + 10] << 8) | buf[p + 11]) >>> 0);
      p += 12;
      let isComplete = true;
      for (let f = 1; f < fields - 1; f++) {
        if (end - p < 4) {
          isComplete = false;
          break;
        }
        // A NULL's length is -1 (0xffffffff): it has no bytes.
        p += buf[p] === 0xff ? 4 : 4 + ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3]);
      }
      if (!isComplete || end - p < 4) break;
      const hashLength = buf[p] === 0xff ? 0 : (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
      const tupleEnd = p + 4 + hashLength;
      if (tupleEnd > end) break;
      row.seq = seq;
      row.tupleStart = pos;
      row.messageEnd = p;
      row.hashStart = p + 4;
      row.hashLength = hashLength;
      // Within a buffer, and after a carry, the previous tuple's last 32 bytes are its hash.
      row.messageStart = hasPrevious && pos >= HASH_BYTES ? pos - HASH_BYTES : -1;
      hasPrevious = true;
      if (!visit(row)) return false;
      pos = tupleEnd;
    }
    return keep(buf, pos, HASH_BYTES, isLast);
  };

  // Carries the unparsed tail (with up to `back` bytes before it) into the next buffer.
  const keep = (buf: Buffer, pos: number, back: number, isLast: boolean): boolean => {
    if (isLast && pos < buf.length) throw new MalformedCopyError('COPY stream ended inside a row');
    const from = Math.max(0, pos - back);
    carry = Buffer.from(buf.subarray(from));
    resumeAt = pos - from;
    return true;
  };

  const flush = (isLast: boolean): boolean => {
    const parts = carry ? [carry, ...gathered] : gathered;
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    gathered = [];
    gatheredBytes = 0;
    carry = null;
    return parse(buf, isLast);
  };

  for await (const chunk of source) {
    if (isDone) continue;
    gathered.push(chunk);
    gatheredBytes += chunk.length;
    if (gatheredBytes >= gatherBytes && !flush(false)) return false;
  }
  if (!isDone && (gatheredBytes > 0 || carry) && !flush(true)) return false;
  if (!isDone) throw new MalformedCopyError('COPY stream ended without its trailer');
  return true;
}
