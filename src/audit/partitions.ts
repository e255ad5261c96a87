// Month partitions of audit.events: created ahead of time by audit.ensure_partitions() (the
// migration; also called at boot and by the maintenance timer), listed here for retention.
import type pg from 'pg';

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export type AuditPartition = { name: string; from: Date; to: Date };

/** Creates the month partitions from this month to `monthsAhead` later; returns the new ones. */
export async function ensureAuditPartitions({ pool, monthsAhead = 2 }: { pool: Queryable; monthsAhead?: number }): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>('SELECT audit.ensure_partitions($1) AS name', [monthsAhead]);
  return rows.map((r) => r.name);
}

const MONTH_PARTITION = /^events_p(\d{4})(\d{2})$/;

/** The live month partitions (not the default one), oldest first. */
export async function listAuditPartitions(db: Queryable): Promise<AuditPartition[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit.events'::regclass`,
  );
  return rows
    .map((r) => ({ name: r.name, match: MONTH_PARTITION.exec(r.name) }))
    .filter((p): p is { name: string; match: RegExpExecArray } => p.match !== null)
    .map(({ name, match }) => {
      const year = Number(match[1]);
      const month = Number(match[2]) - 1;
      return { name, from: new Date(Date.UTC(year, month, 1)), to: new Date(Date.UTC(year, month + 1, 1)) };
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** The first instant still kept: the start of the month `retentionYears` before `now` (UTC). */
export function retentionCutoff({ now, retentionYears }: { now: Date; retentionYears: number }): Date {
  return new Date(Date.UTC(now.getUTCFullYear() - retentionYears, now.getUTCMonth(), 1));
}
