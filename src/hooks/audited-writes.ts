// Every backoffice write (new, edit, delete, bulk delete) on every Prisma-backed resource, the
// plugins' included, runs here: the change and its audit row (before/after) in one transaction, so
// neither exists without the other. A write that fails leaves a `failed` row of its own.
// Adding a resource needs no audit code: src/admin/prisma-resource.ts routes its writes here.
import type { PrismaClient } from '@prisma/client';
import type { AuditService } from '../audit/types.js';
import { prismaExecutor } from '../audit/sql-executor.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';

type Row = Record<string, unknown>;
type Delegate = {
  create: (args: { data: Row }) => Promise<Row>;
  update: (args: { where: Row; data: Row }) => Promise<Row>;
  delete: (args: { where: Row }) => Promise<Row>;
  findUnique: (args: { where: Row }) => Promise<Row | null>;
};

export type WriteKind = 'new' | 'edit' | 'delete';

export type AuditedWrite = {
  kind: WriteKind;
  /** The resource id (the Prisma model name), used as the audit entity type. */
  model: string;
  idField: string;
  /** The primary key, for edit and delete. */
  where?: Row;
  data?: Row;
  currentAdmin?: Partial<OperatorPrincipal> | null;
  secretFields?: string[];
};

const delegateName = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

export function createAuditedWrites({ prisma, audit }: { prisma: PrismaClient; audit: AuditService }) {
  return async function write({ kind, model, idField, where, data, currentAdmin, secretFields }: AuditedWrite): Promise<Row> {
    const actor = { operatorId: currentAdmin?.id ?? null, roles: currentAdmin?.roles ?? [] };
    const action = `${model}.${kind}`;
    try {
      return await prisma.$transaction(async (tx) => {
        const delegate = (tx as unknown as Record<string, Delegate>)[delegateName(model)];
        const before = where ? await delegate.findUnique({ where }) : null;
        const after =
          kind === 'new' ? await delegate.create({ data: data! })
          : kind === 'edit' ? await delegate.update({ where: where!, data: data! })
          : (await delegate.delete({ where: where! }), null);
        const row = (after ?? before)!;
        await audit.append(prismaExecutor(tx), {
          actor, action, entityType: model, entityId: String(row[idField]), before, after, secretFields, outcome: 'succeeded',
        });
        return row;
      });
    } catch (err) {
      await audit.appendStandalone({
        actor, action, entityType: model, entityId: where ? String(where[idField]) : null,
        note: (err as Error).message.slice(0, 500), secretFields, outcome: 'failed',
      });
      throw err;
    }
  };
}

export type AuditedWriter = ReturnType<typeof createAuditedWrites>;
