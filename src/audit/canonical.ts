// The chain's canonical row, the verifier's side. audit.seal() (the migration) computes
//   hash = sha256(previous hash || canonical row)
// where the canonical row is the row's PostgreSQL binary COPY tuple without its last column (hash):
// the field count as int16 (17, hash included), then per column an int32 length (-1 for NULL) and
// the column's binary send form, in the order below. Nothing in it is rendered for humans: times
// are microsecond integers (no time zone), jsonb is its normalised text (sorted keys, one number
// format), text is UTF-8, so the value read back is the value hashed, byte for byte. The verifier
// streams `COPY ... (FORMAT binary)` and hashes those bytes as they arrive: there, the previous
// row's hash (the last 32 bytes of the previous tuple) sits right before the tuple, so one row is
// one hash call over one contiguous slice.

/** Column order of audit.events up to `hash`; it is the order of the canonical row. */
export const CHAIN_COLUMNS = [
  'seq',
  'occurred_at',
  'operator_id',
  'operator_roles',
  'impersonated_user_id',
  'action',
  'entity_type',
  'entity_id',
  'reason_code',
  'note',
  'before',
  'after',
  'ip',
  'user_agent',
  'correlation_id',
  'outcome',
] as const;

/** Fields in a chain tuple: the canonical columns and the hash. */
export const CHAIN_FIELD_COUNT = CHAIN_COLUMNS.length + 1;

/** The hash the first row chains from. */
export const GENESIS_HASH = Buffer.alloc(32);

/** The void row the sealer writes for a number whose transaction rolled back. */
export const VOID_ACTION = 'audit.void';

const integer = (value: number, name: string): string => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be an integer`);
  return String(value);
};

/**
 * `COPY` of the chain rows with `fromSeq <= seq <= toSeq`, in sequence order. COPY takes no bind
 * parameters, so the bounds are formatted here from checked integers.
 */
export function chainCopySql({ fromSeq, toSeq }: { fromSeq: number; toSeq?: number }): string {
  const upper = toSeq === undefined ? '' : ` AND seq <= ${integer(toSeq, 'toSeq')}`;
  return `COPY (SELECT ${CHAIN_COLUMNS.join(', ')}, hash FROM audit.events
    WHERE seq >= ${integer(fromSeq, 'fromSeq')}${upper} ORDER BY seq) TO STDOUT (FORMAT binary)`;
}
