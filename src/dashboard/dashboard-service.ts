// What the dashboard shows an operator: the figures they may see (each figure's own permission),
// read from the snapshot the minute job writes, with the link to the list each one counts.
import type pg from 'pg';
import { can } from '../rbac/access.js';
import type { DashboardFigure, DashboardReader, FigureView } from './dashboard-types.js';

export function createDashboardService({ pool, figures, adminRoot = '/admin' }: { pool: pg.Pool; figures: DashboardFigure[]; adminRoot?: string }) {
  async function read(operator: DashboardReader): Promise<{ figures: FigureView[]; refreshedAt: string | null }> {
    const visible = figures.filter((f) => can(operator, f.permission));
    if (visible.length === 0) return { figures: [], refreshedAt: null };
    const now = new Date();
    // The snapshot's figures in one read; the personal ones counted now, for this reader.
    const [{ rows }, personal] = await Promise.all([
      pool.query<{ figure_id: string; value: string; refreshed_at: Date }>(
        'SELECT figure_id, value, refreshed_at FROM read_models.dashboard_figures WHERE figure_id = ANY($1::text[])',
        [visible.filter((f) => f.compute).map((f) => f.id)],
      ),
      Promise.all(visible.flatMap((f) => (f.countFor ? [f.countFor(operator, now).then((value) => [f.id, value] as const)] : []))),
    ]);
    const byId = new Map([
      ...rows.map((r) => [r.figure_id, r] as const),
      ...personal.map(([id, value]) => [id, { value: String(value), refreshed_at: now }] as const),
    ]);
    const views = visible.map((f): FigureView => {
      const row = byId.get(f.id);
      return {
        id: f.id, label: f.label, group: f.group, unit: f.unit, currency: f.currency ?? null,
        value: row ? Number(row.value) : null,
        href: `${adminRoot}/${f.drillDown}`,
        refreshedAt: row?.refreshed_at.toISOString() ?? null,
      };
    });
    // The oldest figure's time: what the page says "as of".
    const times = views.flatMap((v) => (v.refreshedAt ? [v.refreshedAt] : [])).sort();
    return { figures: views, refreshedAt: times[0] ?? null };
  }
  return { read };
}

export type DashboardService = ReturnType<typeof createDashboardService>;

/** Every installed figure, the core's first; throws on a duplicate id (the start fails). */
export function collectFigures(core: DashboardFigure[], packs: { dashboard?: DashboardFigure[] }[]): DashboardFigure[] {
  const all = [...core, ...packs.flatMap((p) => p.dashboard ?? [])];
  const seen = new Set<string>();
  for (const f of all) {
    if (seen.has(f.id)) throw new Error(`dashboard figure ${f.id} is declared twice`);
    seen.add(f.id);
  }
  return all;
}
