// From a query to the lookups worth running: for every source the operator may read, every
// identifier whose shape the query has (exact), and every partial match whose shape it has. Pure,
// so shape recognition is unit-tested without a database (tests/search-shapes.test.ts).
import type { MatchKind, SearchIdentifier } from './search-types.js';
import type { RegisteredSource } from './search-registry.js';
import { shapeValue } from './identifier-shapes.js';

export type Lookup = {
  source: RegisteredSource;
  identifier: SearchIdentifier;
  mode: MatchKind;
  value: string | number;
};

// One character: order #7 is a real query; partial matches need three (their shapes say so).
export const QUERY_MIN = 1;
export const QUERY_MAX = 200;

/** The query as compared: trimmed, inner runs of white space as one space. */
export const normalizeQuery = (raw: string): string => raw.trim().replace(/\s+/g, ' ');

export function planLookups({ query, sources, canSeePii }: {
  query: string;
  /** The sources the operator may read (checked by the caller). */
  sources: RegisteredSource[];
  canSeePii: boolean;
}): Lookup[] {
  const lookups: Lookup[] = [];
  for (const source of sources) {
    for (const identifier of source.identifiers) {
      if (identifier.shape?.test(query)) {
        lookups.push({ source, identifier, mode: 'exact', value: shapeValue(identifier.shape, query) });
      }
      if (!identifier.partial) continue;
      // A partial match on personal data would let an operator without pii.read read the masked
      // value back one character at a time: they may look an email up, not fish for it.
      if (source.piiFields.has(identifier.field) && !canSeePii) continue;
      const shape = identifier.partialShape ?? identifier.shape;
      if (shape?.test(query)) lookups.push({ source, identifier, mode: identifier.partial, value: shapeValue(shape, query) });
    }
  }
  return lookups;
}

/** Exact matches first; then prefix, then contains; within a kind, the sources' declared order. */
export const MATCH_RANK: Record<MatchKind, number> = { exact: 0, prefix: 1, contains: 2 };
