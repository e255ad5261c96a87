// The omnibox's contract with domain packs (docs/adr/0015-omnibox-search.md): a pack declares, per
// entity type it owns, which identifiers find it (field + shape) and how a row reads in a result.
// Everything else (which operator may see which type and row, masking, ranking, cross-link
// visibility, the routes) is the core's, so a pack's entity is searched exactly like the core's.
import type { IdentifierShape } from './identifier-shapes.js';

type Row = Record<string, unknown>;

/** How a partial match compares: `prefix` (LIKE 'q%', a btree under the C collation) or
 *  `contains` (ILIKE '%q%', needs a pg_trgm GIN index on the column). */
export type PartialMode = 'prefix' | 'contains';

/** One identifier an entity is found by, e.g. a shipment's tracking number. */
export type SearchIdentifier = {
  /** What matched, as results report it (`matchedOn`): `id`, `email`, `tracking_number`. */
  name: string;
  /** The Prisma field compared (must be indexed for the shapes it accepts). */
  field: string;
  /** Queries of this shape are looked up exactly (equality on `field`); absent: partial matches only. */
  shape?: IdentifierShape;
  /** Also a prefix/contains match, for queries of `partialShape` (default: `shape`). */
  partial?: PartialMode;
  partialShape?: IdentifierShape;
};

/** A related entity of a row, e.g. an order's buyer: `{ relation: 'buyer', type: 'customer_user', row }`. */
export type RelatedRow = { relation: string; type: string; row: Row };

/** One searchable entity type of a pack (or of the core). */
export type SearchSource = {
  /** The entity type (API `type`, timeline and action target type), e.g. `order`. */
  type: string;
  /** The Prisma model; its ResourceDefinition gives the read permission, PII, visibleTo and tenantScope. */
  model: string;
  /** Shown as the results' group heading. */
  label: string;
  /** The row's key field (default `id`) and the shape of its values (default a serial key). */
  idField?: string;
  idShape?: IdentifierShape;
  identifiers: SearchIdentifier[];
  /** Title and one-line summary of a (masked) row. */
  present: (row: Row) => { title: string; summary: string };
  /** The Prisma `include` that loads a row's related entities for details and links. */
  include?: Record<string, unknown>;
  /** The related rows of a row loaded with `include` (each is presented by its own type's source). */
  related?: (row: Row) => RelatedRow[];
};

/** A result or a link: what an entity is, and where the backoffice shows it. */
export type EntitySummary = { type: string; id: string; title: string; summary: string; href: string };

export type EntityLink = EntitySummary & { relation: string };

export type MatchKind = 'exact' | 'prefix' | 'contains';

/** An event of the entity's timeline (src/timeline/, wired by the composition root). */
export type RecentEvent = Record<string, unknown>;

/** The timeline's newest events of an entity; optional, results omit `recentEvents` without it. */
export type RecentEvents = (args: { type: string; id: string; limit: number; operator: import('../auth/operator-auth.js').OperatorPrincipal }) => Promise<RecentEvent[]>;

export type SearchItem = EntitySummary & {
  /** The type's group heading, e.g. `Shipments`. */
  typeLabel: string;
  matchKind: MatchKind;
  /** The identifier that matched (e.g. `tracking_number`). */
  matchedOn: string;
  /** Exact matches only: the entity's related entities the operator may see. */
  links?: EntityLink[];
  recentEvents?: RecentEvent[];
};

export type EntityDetails = EntitySummary & {
  /** The row's own columns, masked as on its show page; secret columns never. */
  fields: Row;
  links: EntityLink[];
  recentEvents?: RecentEvent[];
};
