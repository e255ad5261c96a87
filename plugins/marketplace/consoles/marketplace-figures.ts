// The marketplace's figures on the operations dashboard (src/dashboard/): open disputes and support
// cases by status and in breach of their SLA, risk exposure, active payout holds, open high-severity
// flags, shipments whose tracking went stale. Each is an indexed count or a read of a read model, computed by the minute job; each links
// to the list it counts (the console queue or a filtered backoffice list).
import type { DashboardFigure, ReadModelClient } from '../../../src/dashboard/dashboard-types.js';
import { trackingStaleSql } from './shipping-read-model.js';
import { disputeBreachedSql, OPEN_DISPUTE_STATUSES, OPEN_SUPPORT_CASE_STATUSES, supportCaseBreachedSql } from './case-sla.js';
import { trackingStaleHours } from '../shipping/shipping-settings.js';

const count = async (client: ReadModelClient, sql: string, params: unknown[] = []) =>
  Number((await client.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

const label = (status: string) => status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Where the consoles live in the backoffice (the console pages' names). */
export const CONSOLE_PATHS = { disputes: 'pages/disputes', risk: 'pages/risk' } as const;

const disputeFigures: DashboardFigure[] = [
  ...OPEN_DISPUTE_STATUSES.map((status): DashboardFigure => ({
    id: `marketplace.disputes.${status}`, label: `Disputes: ${label(status)}`, group: 'Disputes', permission: 'dispute.read', unit: 'count',
    drillDown: `${CONSOLE_PATHS.disputes}?status=${status}`,
    // Index (status, sla_due_at).
    compute: (client) => count(client, `SELECT count(*) AS n FROM disputes WHERE status = $1::"DisputeStatus"`, [status]),
  })),
  {
    id: 'marketplace.disputes.sla_breached', label: 'Disputes past SLA', group: 'Disputes', permission: 'dispute.read', unit: 'count',
    drillDown: `${CONSOLE_PATHS.disputes}?breached=true`,
    compute: (client, now) => count(client, `SELECT count(*) AS n FROM disputes d WHERE ${disputeBreachedSql('$1')}`, [now]),
  },
];

const supportFigures: DashboardFigure[] = [
  ...OPEN_SUPPORT_CASE_STATUSES.map((status): DashboardFigure => ({
    id: `marketplace.support_cases.${status}`, label: `Support cases: ${label(status)}`, group: 'Support', permission: 'support_case.read', unit: 'count',
    drillDown: `resources/SupportCase?filters.status=${status}`,
    // Index (status, sla_first_response_due_at).
    compute: (client) => count(client, `SELECT count(*) AS n FROM support_cases WHERE status = $1::"SupportCaseStatus"`, [status]),
  })),
  {
    id: 'marketplace.support_cases.sla_breached', label: 'Support cases past first-response SLA', group: 'Support', permission: 'support_case.read', unit: 'count',
    // The case list's filter with the same definition (case-sla.ts).
    drillDown: 'resources/SupportCase?filters.slaBreached=open',
    compute: (client, now) => count(client, `SELECT count(*) AS n FROM support_cases c WHERE ${supportCaseBreachedSql('$1')}`, [now]),
  },
];

const riskFigures: DashboardFigure[] = [
  {
    id: 'marketplace.risk.negative_balance_exposure', label: 'Negative seller balances (USD)', group: 'Risk', permission: 'risk.read', unit: 'money', currency: 'USD',
    drillDown: `${CONSOLE_PATHS.risk}#exposure`,
    // The balance read model's partial index (balance < 0).
    compute: (client) => count(client,
      `SELECT coalesce(-sum(b.balance), 0) AS n FROM read_models.org_balances b JOIN organizations o ON o.id = b.org_id AND o.kind = 'seller'
       WHERE b.balance < 0 AND b.currency = 'USD'`),
  },
  {
    id: 'marketplace.risk.active_payout_holds', label: 'Active payout holds', group: 'Risk', permission: 'payout.read', unit: 'count',
    drillDown: `${CONSOLE_PATHS.risk}#holds`,
    compute: (client) => count(client, 'SELECT count(*) AS n FROM payout_holds WHERE released_at IS NULL'),
  },
  {
    id: 'marketplace.risk.open_high_flags', label: 'Open high-severity risk flags', group: 'Risk', permission: 'risk.read', unit: 'count',
    drillDown: `${CONSOLE_PATHS.risk}?severity=high`,
    compute: (client) => count(client, `SELECT count(*) AS n FROM risk_flags WHERE cleared_at IS NULL AND severity = 'high'`),
  },
];

const shippingFigures: DashboardFigure[] = [
  {
    // The shipping console's definition and threshold (SHIPPING_TRACKING_STALE_HOURS, ../shipping/shipping-settings.ts), its partial index.
    id: 'marketplace.shipments.tracking_stale', label: 'Shipments with stale tracking', group: 'Shipping', permission: 'shipment.read', unit: 'count',
    drillDown: 'pages/shipping?queue=tracking_stale',
    compute: (client, now, config) => count(client, `SELECT count(*) AS n FROM shipments s WHERE ${trackingStaleSql('$1')}`,
      [new Date(now.getTime() - trackingStaleHours(config) * 3_600_000)]),
  },
];

export const MARKETPLACE_FIGURES: DashboardFigure[] = [...disputeFigures, ...supportFigures, ...riskFigures, ...shippingFigures];
