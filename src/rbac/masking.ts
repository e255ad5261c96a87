// Personal data shown masked to operators without `pii.read`: one function for every face (AdminJS
// lists, show pages, related-record titles, API responses, exports). Masks keep just enough to
// tell two records apart on screen (`j•••@e•••.com`, `•••• 1234`, `J. D•••`), never enough to
// contact the person.
import { can, type HasPermissions } from './access.js';

export type PiiKind = 'email' | 'phone' | 'address' | 'payment' | 'name';

/** Field name to kind of personal data, e.g. `{ email: 'email', phone: 'phone' }`. */
export type PiiFields = Record<string, PiiKind>;

const DOTS = '•••';

function lastDigits(value: string, count: number, pattern: RegExp): string {
  const chars = value.replace(pattern, '');
  return chars.length > count + 2 ? `•••• ${chars.slice(-count)}` : '••••';
}

const MASKERS: Record<PiiKind, (value: string) => string> = {
  email: (value) => {
    const at = value.lastIndexOf('@');
    if (at < 1) return `${value[0]}${DOTS}`;
    const labels = value.slice(at + 1).split('.');
    const tld = labels.length > 1 ? `.${labels[labels.length - 1]}` : '';
    return `${value[0]}${DOTS}@${labels[0][0] ?? ''}${DOTS}${tld}`;
  },
  phone: (value) => lastDigits(value, 4, /\D/g),
  payment: (value) => lastDigits(value, 4, /[^0-9A-Za-z]/g),
  name: (value) => {
    const words = value.trim().split(/\s+/);
    if (words.length === 1) return `${words[0][0]}${DOTS}`;
    return `${words[0][0]}. ${words[words.length - 1][0]}${DOTS}`;
  },
  // Any part of an address (even the city with its postcode) can narrow a person down.
  address: () => `${DOTS}${DOTS}`,
};

/** The masked form of one value; null, undefined and empty values stay as they are. */
export function maskPii(kind: PiiKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const text = String(value);
  if (text.trim() === '') return value;
  return MASKERS[kind](text);
}

export function canSeePii(operator: HasPermissions): boolean {
  return can(operator, 'pii.read');
}

/** A copy of a record's fields with its personal data masked (for operators without pii.read). */
export function maskFields<T extends Record<string, unknown>>(fields: T, pii: PiiFields | undefined): T {
  if (!pii) return fields;
  const masked: Record<string, unknown> = { ...fields };
  for (const [field, kind] of Object.entries(pii)) {
    if (field in masked) masked[field] = maskPii(kind, masked[field]);
  }
  return masked as T;
}

/** What an operator may see of a record: unchanged with pii.read, masked without. */
export function maskFor<T extends Record<string, unknown>>(
  operator: HasPermissions,
  fields: T,
  pii: PiiFields | undefined,
): T {
  return canSeePii(operator) ? fields : maskFields(fields, pii);
}
