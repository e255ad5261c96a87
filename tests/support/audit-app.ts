// The app for the audit tests: the real composition root, with the audit service and signing key
// the test chose.
import { randomBytes } from 'node:crypto';
import type express from 'express';
import type { Database } from '../../src/db/database.js';
import type { AuditService } from '../../src/audit/types.js';
import { SIGNING_KEY } from './audit-fixtures.js';
import { createOperator, createTestApp } from './app.js';

export function createAuditTestApp(db: Database, audit: AuditService): express.Express {
  return createTestApp(db, { audit, auditSigningKey: SIGNING_KEY });
}

/** An operator whose only role grants exactly `permissions`. */
export async function createOperatorWith(db: Database, permissions: string[]) {
  const role = `audit_test_${randomBytes(4).toString('hex')}`;
  const operator = await createOperator(db, { roles: [role] });
  await db.prisma.role.update({ where: { key: role }, data: { permissions } });
  return { ...operator, role };
}
