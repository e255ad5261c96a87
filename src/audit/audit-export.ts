// GET /api/audit/export: the filtered log, oldest first, streamed as NDJSON or CSV from a server-side
// cursor (pg-query-stream) straight into the response, with backpressure: memory stays flat however
// many rows match. A client that goes away ends the cursor and frees its connection. Personal data
// in snapshots leaves masked for a viewer without pii.read, as on every other face of the log.
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { stringify } from 'csv-stringify';
import { auditWhere, RECORD_COLUMNS, toAuditRecord } from './audit-query.js';
import type { AuditFilters, AuditRecord } from './types.js';
import type { HasPermissions } from '../rbac/access.js';
import { maskAuditRecord, type AuditPiiLookup } from './audit-masking.js';

export type ExportFormat = 'ndjson' | 'csv';

const CSV_COLUMNS: (keyof AuditRecord)[] = [
  'seq', 'time', 'operatorId', 'operatorRoles', 'impersonatedUserId', 'action', 'entityType', 'entityId', 'reasonCode',
  'note', 'before', 'after', 'ip', 'userAgent', 'correlationId', 'outcome', 'hash',
];

const toRecords = (viewer: HasPermissions, piiLookup: AuditPiiLookup) =>
  new Transform({
    objectMode: true,
    transform(row, _encoding, done) {
      done(null, maskAuditRecord(viewer, toAuditRecord(row), piiLookup));
    },
  });

const toNdjson = () =>
  new Transform({
    writableObjectMode: true,
    transform(record: AuditRecord, _encoding, done) {
      done(null, `${JSON.stringify(record)}\n`);
    },
  });

// Structured cells (roles, before, after) as JSON text; formulas escaped for spreadsheet users.
const toCsv = () =>
  stringify({
    header: true,
    columns: CSV_COLUMNS,
    escape_formulas: true,
    cast: { object: (value) => JSON.stringify(value) },
  });

export async function streamAuditExport({ pool, filters, format, res, viewer, piiLookup }: {
  pool: pg.Pool;
  filters: AuditFilters;
  format: ExportFormat;
  res: Response;
  /** Who takes the copy: without pii.read, personal data in snapshots is masked. */
  viewer: HasPermissions;
  piiLookup: AuditPiiLookup;
}): Promise<void> {
  const params: unknown[] = [];
  const sql = `SELECT ${RECORD_COLUMNS} FROM audit.events WHERE ${auditWhere(filters, params)} ORDER BY seq`;
  const client = await pool.connect();
  let isBroken = false;
  try {
    const rows = client.query(new QueryStream(sql, params, { batchSize: 1_000 }));
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    res.status(200);
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="opsdeck-audit-${stamp}.${format}"`);
    res.setHeader('Cache-Control', 'no-store');
    await pipeline(rows, toRecords(viewer, piiLookup), format === 'csv' ? toCsv() : toNdjson(), res);
  } catch (err) {
    // The cursor may be half-read: that connection is not given back to the pool.
    isBroken = true;
    // A client that hung up is no error; anything else is (Express closes a started response).
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  } finally {
    client.release(isBroken);
  }
}
