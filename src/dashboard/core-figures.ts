// The core's own dashboard figures: work waiting on operators that no pack owns.
import type { DashboardFigure } from './dashboard-types.js';

const count = async (client: Parameters<DashboardFigure['compute']>[0], sql: string, params: unknown[] = []) =>
  Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

export const CORE_FIGURES: DashboardFigure[] = [
  {
    // Everyone's pending requests: the approvers' figure (the inbox lists those one may decide).
    id: 'core.approvals.pending',
    label: 'Pending approvals',
    group: 'Operations',
    permission: 'approval.decide',
    unit: 'count',
    drillDown: 'resources/ApprovalRequest?filters.status=pending',
    // Index (status, expires_at); an expired request no longer waits on anyone.
    compute: (client, now) => count(client, `SELECT count(*) AS n FROM approval_requests WHERE status = 'pending' AND expires_at > $1`, [now]),
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
