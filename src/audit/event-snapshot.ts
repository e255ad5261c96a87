// What an audit row says about the data: JSON values normalised once (sorted keys, dates as ISO
// strings, bigints and decimals as strings, no undefined or non-finite numbers), a diff for updates
// (only the keys whose values changed, on both sides) and secrets masked wherever they appear.
// The normalised text is what is stored and hashed, so reading it back gives the same bytes.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const SECRET_MASK = '[secret]';

/** Masked in every snapshot, whatever the caller declares. */
export const ALWAYS_SECRET = ['password', 'passwordHash', 'totpSecret'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value as JSON would carry it, with object keys sorted (so equal data has equal text). */
export function toJson(value: unknown, seen = new WeakSet<object>()): Json {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; -0 and 0 are the same number in the log.
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return null;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  const object = value as object;
  if (seen.has(object)) return '[circular]';
  seen.add(object);
  try {
    // Decimal, Buffer and friends say how they want to be written.
    const withToJson = object as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return toJson(withToJson.toJSON(), seen);
    if (Array.isArray(object)) return object.map((item) => toJson(item, seen));
    const out: Record<string, Json> = {};
    for (const key of Object.keys(object).sort()) {
      const item = (object as Record<string, unknown>)[key];
      if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') out[key] = toJson(item, seen);
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

function mask(value: Json, secrets: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.map((item) => mask(item, secrets));
  if (!isPlainObject(value)) return value;
  const out: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) out[key] = secrets.has(key) ? SECRET_MASK : mask(item as Json, secrets);
  return out;
}

function pick(object: Record<string, Json>, keys: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of keys) if (key in object) out[key] = object[key];
  return out;
}

/**
 * The before and after the log stores. With both (an update) only the changed keys remain, on each
 * side where present; a secret that changed shows as changed, with both values masked.
 */
export function auditSnapshots({ before, after, secretFields = [] }: {
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  secretFields?: readonly string[];
}): { before: Json | null; after: Json | null } {
  const secrets = new Set<string>([...ALWAYS_SECRET, ...secretFields]);
  const b = before ? toJson(before) : null;
  const a = after ? toJson(after) : null;
  if (isPlainObject(b) && isPlainObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    // Values are normalised (sorted keys), so equal data serialises to equal text.
    const changed = keys.filter((key) => JSON.stringify(b[key]) !== JSON.stringify(a[key]));
    return { before: mask(pick(b, changed), secrets), after: mask(pick(a, changed), secrets) };
  }
  return { before: b === null ? null : mask(b, secrets), after: a === null ? null : mask(a, secrets) };
}
