// How marketplace rows read in the omnibox: money as `12.34 USD`, dates as their day.
type Row = Record<string, unknown>;

export const money = (amount: unknown, currency: unknown) => `${(Number(amount) / 100).toFixed(2)} ${String(currency)}`;

// A Date from Prisma, an ISO string from the omnibox's plain statements (JSON rows).
export const day = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value ?? '')).slice(0, 10);

/** The parts that exist, joined as one summary line. */
export const line = (...parts: unknown[]) => parts.filter((p) => p !== null && p !== undefined && p !== '').map(String).join(' · ');

export const rowsOf = (value: unknown): Row[] => (Array.isArray(value) ? (value as Row[]) : []);

export const rowOf = (value: unknown): Row[] => (value && typeof value === 'object' ? [value as Row] : []);
