// The shapes an omnibox query can have. Recognising the shape first is what keeps the search fast:
// a query is only compared with the columns whose identifiers could look like it (a `pi_...` never
// touches the shipments table, an email never the primary keys), each through its own index.
// Packs use these shapes (or define their own with defineShape) for their identifiers.

export type IdentifierShape = {
  /** Named in errors and tests, e.g. `integer_id`. */
  name: string;
  /** Whether a (trimmed) query has this shape. */
  test: (query: string) => boolean;
  /** The value compared with the column (default: the query as typed). */
  value?: (query: string) => string | number;
};

export function defineShape(shape: IdentifierShape): IdentifierShape {
  return shape;
}

const INT4_MAX = 2_147_483_647;

/** A serial key: digits (an optional leading `#`, as tickets write them), within PostgreSQL's int4. */
export const integerId = defineShape({
  name: 'integer_id',
  test: (q) => /^#?\d{1,10}$/.test(q) && Number(q.replace('#', '')) <= INT4_MAX && Number(q.replace('#', '')) > 0,
  value: (q) => Number(q.replace('#', '')),
});

export const uuid = defineShape({
  name: 'uuid',
  test: (q) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q),
  value: (q) => q.toLowerCase(),
});

/** A whole address. Stored addresses are lower case, so the query is too. */
export const email = defineShape({
  name: 'email',
  test: (q) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q),
  value: (q) => q.toLowerCase(),
});

// A serial key or a provider's reference is looked up as such; as a fragment of free text it would
// only cost a trigram scan that finds nothing meant.
const isKeyLike = (q: string) => /^#?\d+$/.test(q) || /^[a-z]{2,4}_[A-Za-z0-9]{3,}$/.test(q);

/**
 * The start of an address, typed up to its `@` or beyond (`monroe.flatley@form`): a prefix, which the
 * address's unique btree answers (the C collation). A whole address is also one, for addresses it
 * begins; a trigram match on a whole address would weigh every common trigram of its domain.
 */
export const emailStart = defineShape({
  name: 'email_start',
  test: (q) => q.length >= 3 && /^[^\s@]+@[^\s@]*$/.test(q),
  value: (q) => q.toLowerCase(),
});

/** A word inside an address, e.g. `flatley`: at least three characters, no `@` (trigram indexes). */
export const emailFragment = defineShape({
  name: 'email_fragment',
  test: (q) => q.length >= 3 && /^[^\s@]+$/.test(q) && !isKeyLike(q),
  value: (q) => q.toLowerCase(),
});

/** A provider's reference with a fixed prefix (Stripe's `pi_`, `ch_`, `re_`): the prefix and at least three more characters. */
export function prefixedRef(prefix: string): IdentifierShape {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[A-Za-z0-9]{3,}$`);
  return defineShape({ name: `ref:${prefix}`, test: (q) => pattern.test(q) });
}

/** A carrier's tracking number: 8 to 40 letters and digits, compared upper case (spaces dropped). */
export const trackingNumber = defineShape({
  name: 'tracking_number',
  test: (q) => /^[A-Za-z0-9 ]{8,48}$/.test(q) && /\d/.test(q) && q.replace(/ /g, '').length <= 40,
  value: (q) => q.replace(/ /g, '').toUpperCase(),
});

/** The start of a tracking number: at least six characters (fewer match too much to help), one a digit. */
export const trackingPrefix = defineShape({
  name: 'tracking_prefix',
  test: (q) => /^[A-Za-z0-9]{6,40}$/.test(q) && /\d/.test(q),
  value: (q) => q.toUpperCase(),
});

/** Words of a name, e.g. an organization's: three characters or more, not an email or a key. */
export const text = defineShape({
  name: 'text',
  test: (q) => q.length >= 3 && !q.includes('@') && !isKeyLike(q),
});

export const shapeValue = (shape: IdentifierShape, query: string): string | number => (shape.value ? shape.value(query) : query);
