// The core's own dashboard figures: work waiting on operators that no pack owns.
import type { PrismaClient } from '@prisma/client';
import { countPendingForMe } from '../approvals/approval-routes.js';
import type { DashboardFigure, ReadModelClient } from './dashboard-types.js';

const count = async (client: ReadModelClient, sql: string, params: unknown[] = []) =>
  Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

export const coreFigures = ({ prisma }: { prisma: Pick<PrismaClient, 'approvalRequest'> }): DashboardFigure[] => [
  {
    // What waits on this approver: the inbox's "pending for me" (not their own requests, not those
    // they lack the approver permission for or already decided, not expired), counted by the
    // inbox's own query: personal, so counted when read (a handful of pending rows, index (status, expires_at)).
    id: 'core.approvals.pending',
    label: 'Pending approvals (for me)',
    group: 'Operations',
    permission: 'approval.decide',
    unit: 'count',
    drillDown: 'resources/ApprovalRequest?filters.view=for_me',
    countFor: (reader, now) => countPendingForMe(prisma, reader, now),
  },
  {
    // Open exceptions: failed runs not yet retried (the Runs & exceptions screen's "open" filter).
    id: 'core.runs.failed_open',
    label: 'Failed runs (open exceptions)',
    group: 'Operations',
    permission: 'run.read',
    unit: 'count',
    drillDown: 'resources/ActionRun?filters.exception=open',
    // Index (status, started_at): only the failed runs are read.
    compute: (client) => count(client, `SELECT count(*) AS n FROM action_runs WHERE status = 'failed' AND retried_by_run_id IS NULL`),
  },
];
