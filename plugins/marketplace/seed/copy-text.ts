// Rows for COPY ... FROM STDIN in PostgreSQL's text format: tab-separated, \N for null, and
// backslash escapes for the four characters that would break a line. Rows are encoded straight into
// 1 MiB off-heap pages: accumulating millions of small JS strings kept them alive long enough to be
// promoted, and garbage collection then cost more than everything else the generator did.

const PAGE_BYTES = 1 << 20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
const DAY_MS = 86_400_000;

export const NULL = '\\N';

/** Escapes a value for the text format. Pool strings are escaped once, up front, not per row. */
export function escapeCopy(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

// The date part repeats across thousands of rows, so it is formatted once per day.
let cachedDay = NaN;
let cachedDayPrefix = '';

/** Milliseconds since the epoch as an ISO timestamptz literal (UTC). */
export function timestamp(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const inDay = ms - day * DAY_MS;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  const millis = inDay % 1000;
  return `${cachedDayPrefix}${hours < 10 ? '0' : ''}${hours}:${minutes < 10 ? '0' : ''}${minutes}:${seconds < 10 ? '0' : ''}${seconds}.${millis < 100 ? (millis < 10 ? '00' : '0') : ''}${millis}Z`;
}

export type CopyTable = {
  table: string;
  columns: readonly string[];
};

export class RowBuffer {
  rows = 0;
  private readonly pages: Buffer[] = [];
  private page = Buffer.allocUnsafe(PAGE_BYTES);
  private position = 0;

  constructor(readonly target: CopyTable) {}

  /** Appends one row whose string fields are already escaped; null or undefined becomes \N. */
  push(fields: ReadonlyArray<string | number | boolean | null | undefined>): void {
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (typeof field === 'number' && Number.isInteger(field)) this.writeInteger(field);
      else if (field === null || field === undefined) this.writeString(NULL);
      else if (typeof field === 'boolean') this.writeString(field ? 't' : 'f');
      else this.writeString(String(field));
      this.writeByte(i === fields.length - 1 ? NEWLINE : TAB);
    }
    this.rows++;
  }

  /** The encoded pages; the buffer must not be pushed to afterwards. */
  drain(): Buffer[] {
    if (this.position > 0) this.pages.push(this.page.subarray(0, this.position));
    this.position = 0;
    const pages = this.pages.splice(0);
    return pages;
  }

  copySql(): string {
    return `COPY ${this.target.table} (${this.target.columns.join(', ')}) FROM STDIN`;
  }

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.page.length) return;
    if (this.position > 0) this.pages.push(this.page.subarray(0, this.position));
    this.page = Buffer.allocUnsafe(Math.max(PAGE_BYTES, bytes));
    this.position = 0;
  }

  private writeByte(byte: number): void {
    this.reserve(1);
    this.page[this.position++] = byte;
  }

  private writeString(value: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    this.reserve(value.length * 3);
    this.position += this.page.write(value, this.position, 'utf8');
  }

  private writeInteger(value: number): void {
    this.reserve(21);
    if (value < 0) {
      this.page[this.position++] = MINUS;
      value = -value;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let i = this.position + digits - 1; i >= this.position; i--) {
      this.page[i] = ZERO + (value % 10);
      value = Math.floor(value / 10);
    }
    this.position += digits;
  }
}
