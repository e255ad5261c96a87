// Whose runs an operator sees: their own, and everyone's with run.read. The runs screen filters its
// rows with it; a retry is refused as "not found" outside it, so run ids do not leak.
import type { Prisma } from '@prisma/client';
import type { HasPermissions } from '../rbac/access.js';
import { can } from '../rbac/access.js';

type Viewer = HasPermissions & { id: number };

export const runsVisibleTo = (operator: Viewer): Prisma.ActionRunWhereInput => (can(operator, 'run.read') ? {} : { operatorId: operator.id });

export const isRunVisibleTo = (operator: Viewer) => (run: { operatorId: number }): boolean =>
  run.operatorId === operator.id || can(operator, 'run.read');
