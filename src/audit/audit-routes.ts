// The audit API (../shared/API.md "Audit"): the keyset list, the streaming export and the chain
// verifier, each behind its permission. Bad filters are 422 problem+json; an export is itself
// audited (who took a copy of the log, with which filters) before the first byte is sent. The list
// and the export show personal data in snapshots masked to operators without pii.read.
import { Router, type RequestHandler } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { validationFailed } from '../http/errors.js';
import type { AuditService, AuditVerification } from './types.js';
import { auditFiltersSchema, auditListSchema, decodeCursor, encodeCursor, listAuditRecords } from './audit-query.js';
import { streamAuditExport } from './audit-export.js';
import { verifyAuditChain } from './verifier.js';
import { maskAuditRecord, type AuditPiiLookup } from './audit-masking.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';

export type PermissionGuard = (permission: string) => RequestHandler[];

function parse<T extends z.ZodTypeAny>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.join('.') || 'query';
    throw validationFailed(issue.code === 'unrecognized_keys' ? `unknown query parameter ${issue.keys.join(', ')}` : `${where}: ${issue.message}`);
  }
  return result.data;
}

const exportQuery = z.object({ format: z.enum(['ndjson', 'csv']).default('ndjson') }).passthrough();
const verifyQuery = z.object({ fromSeq: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }).strict();

export function createAuditRoutes({ pool, guard, audit, signingKey, piiLookup }: {
  pool: pg.Pool;
  /** createPermissionGuard({ auth, audit }) from src/rbac/require-permission.ts. */
  guard: PermissionGuard;
  audit: AuditService;
  signingKey: string;
  /** buildAuditPiiLookup(rbac.resources): which snapshot fields are personal data, per entity type. */
  piiLookup: AuditPiiLookup;
}): Router {
  const router = Router();

  router.get('/audit', ...guard('audit.read'), async (req, res) => {
    const { limit, cursor, ...rest } = parse(auditListSchema, req.query);
    const filters = parse(auditFiltersSchema, rest);
    let beforeSeq: number | undefined;
    if (cursor !== undefined) {
      beforeSeq = decodeCursor(cursor) ?? undefined;
      if (beforeSeq === undefined) throw validationFailed('cursor: is not a cursor from this list');
    }
    const page = await listAuditRecords(pool, { filters, limit, beforeSeq });
    const viewer = res.locals.operator as OperatorPrincipal;
    const items = page.items.map((record) => maskAuditRecord(viewer, record, piiLookup));
    res.json({ items, nextCursor: page.nextSeq === null ? null : encodeCursor(page.nextSeq) });
  });

  router.get('/audit/export', ...guard('audit.export'), async (req, res) => {
    const { format, ...rest } = parse(exportQuery, req.query);
    const filters = parse(auditFiltersSchema, rest);
    const operator = res.locals.operator as OperatorPrincipal;
    await audit.appendStandalone({
      actor: { operatorId: operator.id, roles: operator.roles },
      action: 'audit.export',
      entityType: 'audit_log',
      after: { format, filters },
      outcome: 'attempted',
    });
    await streamAuditExport({ pool, filters, format, res, viewer: operator, piiLookup });
  });

  // Concurrent requests for the same check share one run: a verification reads the whole log.
  const running = new Map<number, Promise<AuditVerification>>();
  router.get('/audit/verify', ...guard('audit.verify'), async (req, res) => {
    const { fromSeq = 1 } = parse(verifyQuery, req.query);
    let run = running.get(fromSeq);
    if (!run) {
      run = verifyAuditChain({ pool, signingKey, fromSeq }).finally(() => running.delete(fromSeq));
      running.set(fromSeq, run);
    }
    res.json(await run);
  });

  return router;
}
