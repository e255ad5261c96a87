// The experiments' configuration (experiments, experiment_variants): Prisma for the rare reads and
// writes of the API and the backoffice (inside inTransaction they join its transaction), and one
// prepared statement for the lookup every ingested batch makes.
import type { Prisma, PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { afterCursor, keyPage } from '../http/keyset-cursor.js';
import type { Experiment, ExperimentStatus, VariantConfig } from './experiment-types.js';

// pg_advisory_xact_lock(class, key hash): one change of an experiment at a time.
const LOCK_CLASS = 0x3e7a;

const withVariants = { variants: { orderBy: { position: 'asc' } } } as const satisfies Prisma.ExperimentInclude;
type Row = Prisma.ExperimentGetPayload<{ include: typeof withVariants }>;

const toExperiment = (row: Row): Experiment => ({
  id: row.id, key: row.key, name: row.name, description: row.description, status: row.status,
  alpha: row.alpha, minSamplePerVariant: row.minSamplePerVariant, srmAlpha: row.srmAlpha,
  variants: row.variants.map((v) => ({ name: v.name, weight: v.weight, isControl: v.isControl })),
  createdAt: row.createdAt, updatedAt: row.updatedAt, startedAt: row.startedAt, concludedAt: row.concludedAt,
});

export type ExperimentFields = Omit<Experiment, 'id' | 'variants' | 'createdAt'>;

/** What an ingested batch needs: the id, whether events are taken, the variant names. */
export type IngestTarget = { id: string; status: ExperimentStatus; variants: string[] };

export function createExperimentStore({ prisma, pool }: { prisma: PrismaClient; pool: Pick<pg.Pool, 'query'> }) {
  return {
    async findByKey(key: string): Promise<Experiment | null> {
      const row = await prisma.experiment.findUnique({ where: { key }, include: withVariants });
      return row ? toExperiment(row) : null;
    },

    /** Newest first, keyset-paged on (createdAt, id). */
    async list({ limit, cursor, status }: { limit: number; cursor?: string; status?: ExperimentStatus }): Promise<{ items: Experiment[]; nextCursor: string | null }> {
      const and: Prisma.ExperimentWhereInput[] = [];
      if (status) and.push({ status });
      if (cursor) and.push(afterCursor('createdAt', cursor));
      const rows = await prisma.experiment.findMany({ where: { AND: and }, include: withVariants, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit + 1 });
      const page = keyPage(rows, limit, (row) => [row.createdAt, row.id]);
      return { items: page.items.map(toExperiment), nextCursor: page.nextCursor };
    },

    /**
     * Serialises changes to one key for the rest of the caller's transaction (a change reads,
     * checks, then writes; two creates of the same key must not both see "missing").
     */
    async lockKey(key: string): Promise<void> {
      await prisma.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${key}))`;
    },

    async create(experiment: Experiment): Promise<Experiment> {
      const { variants, ...fields } = experiment;
      const row = await prisma.experiment.create({
        data: { ...fields, variants: { create: variants.map((v, position) => ({ ...v, position })) } },
        include: withVariants,
      });
      return toExperiment(row);
    },

    async update(id: string, fields: ExperimentFields, variants?: VariantConfig[]): Promise<Experiment> {
      if (variants) await prisma.experimentVariant.deleteMany({ where: { experimentId: id } });
      const row = await prisma.experiment.update({
        where: { id },
        data: { ...fields, ...(variants && { variants: { create: variants.map((v, position) => ({ ...v, position })) } }) },
        include: withVariants,
      });
      return toExperiment(row);
    },

    async ingestTarget(key: string): Promise<IngestTarget | null> {
      const { rows } = await pool.query<IngestTarget>({
        name: 'experiment_ingest_target',
        text: `SELECT e.id, e.status::text AS status, array_agg(v.name ORDER BY v.position) AS variants
                 FROM experiments e JOIN experiment_variants v ON v.experiment_id = e.id
                WHERE e.key = $1 GROUP BY e.id`,
        values: [key],
      });
      return rows[0] ?? null;
    },
  };
}

export type ExperimentStore = ReturnType<typeof createExperimentStore>;
