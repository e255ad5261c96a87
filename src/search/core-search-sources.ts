// The core's own searchable entity: operators, by id and email (support asks "who did this?"). The
// operators table holds staff, a few hundred rows at most: a partial match needs no index.
import type { SearchSource } from './search-types.js';
import { email, emailFragment, emailStart, integerId } from './identifier-shapes.js';

export const coreSearchSources: SearchSource[] = [
  {
    type: 'operator',
    model: 'Operator',
    label: 'Operators',
    identifiers: [
      { name: 'id', field: 'id', shape: integerId },
      { name: 'email', field: 'email', shape: email, partial: 'prefix', partialShape: emailStart },
      { name: 'email', field: 'email', partial: 'contains', partialShape: emailFragment },
    ],
    present: (row) => ({ title: String(row.email), summary: `${String(row.name)} · ${String(row.status)}` }),
  },
];
