// Velocity figures of the risk console: per seller, orders, refunds and disputes in the last 24
// hours and 7 days against the seller's own baseline, the 28 days before those 7 (as a rate per
// 24 h and per 7 d). Read from the hourly activity read model (balance-read-models.ts) by its
// primary key (org_id, hour): a few hundred rows per seller, whatever the order volume.
//
// Windows are whole hours: "last 24 h" is the current hour and the 23 before it; "7 d" the current
// hour and the 167 before; the baseline the 672 hours before that.
import type { ReadModelClient } from '../../../src/dashboard/dashboard-types.js';

const HOUR_MS = 3_600_000;
export const VELOCITY_METRICS = ['orders', 'refunds', 'disputes'] as const;
export type VelocityMetric = (typeof VELOCITY_METRICS)[number];

/** A 7-day count this many times its baseline (and at least SPIKE_MIN_COUNT) is a spike. */
export const SPIKE_RATIO = 3;
export const SPIKE_MIN_COUNT = 5;

export type MetricVelocity = {
  last24h: number;
  last7d: number;
  /** The baseline's average per 24 h and per 7 d (28 days before the 7-day window). */
  baselinePer24h: number;
  baselinePer7d: number;
  /** last7d / baselinePer7d; null without a baseline. */
  ratio7d: number | null;
  isSpike: boolean;
};

export type SellerVelocity = { orgId: number } & Record<VelocityMetric, MetricVelocity>;

export function velocityWindows(now: Date) {
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  return {
    last24hFrom: new Date(hour - 23 * HOUR_MS),
    last7dFrom: new Date(hour - 167 * HOUR_MS),
    baselineFrom: new Date(hour - (35 * 24 - 1) * HOUR_MS),
  };
}

export function metricVelocity({ last24h, last7d, baseline }: { last24h: number; last7d: number; baseline: number }): MetricVelocity {
  const baselinePer7d = baseline / 4;
  const ratio7d = baselinePer7d > 0 ? last7d / baselinePer7d : null;
  const isSpike = last7d >= SPIKE_MIN_COUNT && (ratio7d === null || ratio7d >= SPIKE_RATIO);
  return { last24h, last7d, baselinePer24h: baseline / 28, baselinePer7d, ratio7d, isSpike };
}

type Row = { org_id: number } & Record<`${VelocityMetric}_${'24h' | '7d' | 'base'}`, string>;

/** Velocity of these sellers (a seller without activity gets zeros). */
export async function sellerVelocity(client: ReadModelClient, { orgIds, now }: { orgIds: number[]; now: Date }): Promise<SellerVelocity[]> {
  if (orgIds.length === 0) return [];
  const w = velocityWindows(now);
  const sums = VELOCITY_METRICS.map((m) => `
    coalesce(sum(${m}) FILTER (WHERE hour >= $2), 0) AS ${m}_24h,
    coalesce(sum(${m}) FILTER (WHERE hour >= $3), 0) AS ${m}_7d,
    coalesce(sum(${m}) FILTER (WHERE hour < $3), 0) AS ${m}_base`).join(',');
  const { rows } = await client.query<Row>(
    `SELECT org_id, ${sums} FROM read_models.seller_activity_hourly
     WHERE org_id = ANY($1::int[]) AND hour >= $4 GROUP BY org_id`,
    [orgIds, w.last24hFrom, w.last7dFrom, w.baselineFrom],
  );
  const byOrg = new Map(rows.map((r) => [r.org_id, r]));
  return orgIds.map((orgId) => {
    const row = byOrg.get(orgId);
    const metric = (m: VelocityMetric) => metricVelocity({
      last24h: Number(row?.[`${m}_24h`] ?? 0), last7d: Number(row?.[`${m}_7d`] ?? 0), baseline: Number(row?.[`${m}_base`] ?? 0),
    });
    return { orgId, orders: metric('orders'), refunds: metric('refunds'), disputes: metric('disputes') };
  });
}
