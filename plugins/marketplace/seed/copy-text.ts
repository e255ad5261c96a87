// Rows for COPY ... FROM STDIN in PostgreSQL's text format: tab-separated, \N for null, and
// backslash escapes for the four characters that would break a line. Strings are accumulated in
// pieces of a few hundred KiB: one huge string per table would be copied again on every append.

const PIECE_CHARS = 256 * 1024;

export const NULL = '\\N';

/** Escapes a value for the text format. Pool strings are escaped once, up front, not per row. */
export function escapeCopy(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** Milliseconds since the epoch as a timestamptz literal PostgreSQL parses without ambiguity. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export type CopyTable = {
  table: string;
  columns: readonly string[];
};

export class RowBuffer {
  readonly pieces: string[] = [];
  rows = 0;
  private current = '';

  constructor(readonly target: CopyTable) {}

  /** Appends one row whose fields are already escaped; null or undefined becomes \N. */
  push(fields: ReadonlyArray<string | number | boolean | null | undefined>): void {
    let line = '';
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (i > 0) line += '\t';
      line += field === null || field === undefined ? NULL : field === true ? 't' : field === false ? 'f' : field;
    }
    this.current += line + '\n';
    this.rows++;
    if (this.current.length >= PIECE_CHARS) this.flush();
  }

  /** All pieces, the last partial one included; the buffer must not be pushed to afterwards. */
  drain(): string[] {
    this.flush();
    return this.pieces;
  }

  copySql(): string {
    return `COPY ${this.target.table} (${this.target.columns.join(', ')}) FROM STDIN`;
  }

  private flush(): void {
    if (this.current.length > 0) this.pieces.push(this.current);
    this.current = '';
  }
}
