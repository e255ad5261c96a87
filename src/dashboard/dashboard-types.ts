// The operations dashboard's extension point (docs/adr/0019-dashboard-read-models.md): the core and
// each pack declare figures (a count or an amount, with the list it counts), and read models the
// minute job keeps current before it computes them. The page and GET /api/dashboard read only the
// snapshot the job writes, so opening the dashboard costs one primary-key read per figure.
import type pg from 'pg';
import type { Permission } from '../rbac/permissions.js';
import type { Config } from '../config/config.js';
import type { OperatorPrincipal } from '../auth/operator-auth.js';

/** A connection the job lends a figure or a read model: plain SQL, one at a time. */
export type ReadModelClient = Pick<pg.PoolClient, 'query'>;

/** Who reads the dashboard: what a personal figure counts for. */
export type DashboardReader = Pick<OperatorPrincipal, 'id' | 'permissions'>;

export type DashboardFigure = FigureDeclaration & (
  | {
    /** The value, computed by the minute job with an indexed query (never on a page view). */
    compute: (client: ReadModelClient, now: Date, config: Config) => Promise<number>;
    countFor?: never;
  }
  | {
    /**
     * A personal figure, whose list depends on who looks (an inbox): counted when read, for the
     * reader, by the list's own query, so the figure and its drill-down cannot disagree. Only for
     * small indexed lists: it costs a query per page view.
     */
    countFor: (reader: DashboardReader, now: Date) => Promise<number>;
    compute?: never;
  }
);

type FigureDeclaration = {
  /** Stable key, `<pack>.<name>`: the snapshot's row and the API's id. */
  id: string;
  label: string;
  /** The card group it is shown in ("Disputes", "Support", "Risk", "Operations"). */
  group: string;
  /** Who may see the figure (and, through it, the list it counts). */
  permission: Permission;
  /** `money`: minor units of `currency`. */
  unit: 'count' | 'money';
  currency?: string;
  /**
   * The list the figure counts, relative to the backoffice root (`resources/Dispute?filters.status=open`,
   * a console's queue): the same condition as `compute`, so a click shows what was counted.
   */
  drillDown: string;
};

/** A read model the minute job refreshes before the figures (folding counter deltas, pruning). */
export type ReadModelRefresh = {
  id: string;
  refresh: (client: ReadModelClient, now: Date) => Promise<void>;
};

/** What the dashboard shows for one figure. */
export type FigureView = {
  id: string;
  label: string;
  group: string;
  unit: 'count' | 'money';
  currency: string | null;
  /** Null until the job has computed it once. */
  value: number | null;
  href: string;
  refreshedAt: string | null;
};
