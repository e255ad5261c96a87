// The backoffice's "Experiments" screen: a read-only AdminJS resource over the experiments table
// (listed newest first, filtered by status, key or name) whose show page is the results view
// (src/admin/components/experiment-results.tsx): a bar chart of conversion rates with their 95%
// intervals and the table of statistics, fetched from GET /api/experiments/{key}/results, the same
// service and permission as the API. Experiments are few (a table of configuration, not of
// traffic), so plain OFFSET pages are fine here. Designing and starting one goes through
// PUT /api/experiments/{key} (audited); a backoffice form for it is a follow-up.
import { type ActionContext, type BaseRecord, type Filter, type PropertyType, type ResourceWithOptions } from 'adminjs';
import type { Prisma, PrismaClient } from '@prisma/client';
import { can } from '../rbac/access.js';
import { ReadOnlyResource } from '../admin/read-only-resource.js';
import { EXPERIMENT_STATUSES } from './experiment-types.js';

/** Registered with that id in src/admin/admin-components.ts. */
export const EXPERIMENT_RESULTS_COMPONENT = 'OpsdeckExperimentResults';
export const EXPERIMENTS_RESOURCE_ID = 'Experiments';

const PROPERTIES: [string, PropertyType][] = [
  ['key', 'string'], ['name', 'string'], ['status', 'string'], ['variants', 'string'], ['alpha', 'number'], ['minSamplePerVariant', 'number'],
  ['srmAlpha', 'number'], ['description', 'textarea'], ['createdAt', 'datetime'], ['startedAt', 'datetime'], ['concludedAt', 'datetime'],
];

type Row = Prisma.ExperimentGetPayload<{ include: { variants: true } }>;

function toWhere(filter: Filter | undefined): Prisma.ExperimentWhereInput {
  const and: Prisma.ExperimentWhereInput[] = [];
  for (const { path, value } of Object.values(filter?.filters ?? {})) {
    if (typeof value !== 'string' || value === '') continue;
    if (path === 'status') and.push(EXPERIMENT_STATUSES.includes(value as never) ? { status: value as (typeof EXPERIMENT_STATUSES)[number] } : { id: { in: [] } });
    if (path === 'key' || path === 'name') and.push({ [path]: { contains: value, mode: 'insensitive' } });
  }
  return { AND: and };
}

const params = (row: Row) => ({
  key: row.key, name: row.name, status: row.status, alpha: row.alpha, minSamplePerVariant: row.minSamplePerVariant, srmAlpha: row.srmAlpha,
  description: row.description, createdAt: row.createdAt, startedAt: row.startedAt, concludedAt: row.concludedAt,
  variants: [...row.variants].sort((a, b) => a.position - b.position)
    .map((v) => `${v.name}${v.isControl ? ' (control)' : ''}${v.weight === null ? '' : ` ${v.weight}`}`).join(', '),
});

export class ExperimentResource extends ReadOnlyResource {
  private readonly prisma: PrismaClient;

  constructor({ prisma }: { prisma: PrismaClient }) {
    super({ id: EXPERIMENTS_RESOURCE_ID, database: 'experiments', readOnlyDetail: 'Experiments are changed through PUT /api/experiments/{key}.' }, PROPERTIES, { idPath: 'key' });
    this.prisma = prisma;
  }

  async count(filter: Filter): Promise<number> {
    return this.prisma.experiment.count({ where: toWhere(filter) });
  }

  async find(filter: Filter, { limit = 20, offset = 0 }: { limit?: number; offset?: number } = {}): Promise<BaseRecord[]> {
    const rows = await this.prisma.experiment.findMany({ where: toWhere(filter), include: { variants: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], skip: offset, take: limit });
    return rows.map((row) => this.build(params(row)));
  }

  async findOne(id: string): Promise<BaseRecord | null> {
    const row = await this.prisma.experiment.findUnique({ where: { key: id }, include: { variants: true } });
    return row ? this.build(params(row)) : null;
  }

  async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const rows = await this.prisma.experiment.findMany({ where: { key: { in: ids.map(String) } }, include: { variants: true } });
    return rows.map((row) => this.build(params(row)));
  }

}

const canRead = ({ currentAdmin }: ActionContext) => can(currentAdmin, 'experiment.read');
const never = { isAccessible: false, isVisible: false };

/** The "Experiments" screen, for AdminJS's `resources`, under "Flags & experiments". */
export function createExperimentAdminResource({ prisma }: { prisma: PrismaClient }): ResourceWithOptions {
  return {
    resource: new ExperimentResource({ prisma }),
    options: {
      id: EXPERIMENTS_RESOURCE_ID,
      navigation: { name: 'Flags & experiments', icon: 'Flag' },
      titleProperty: 'name',
      listProperties: ['key', 'name', 'status', 'variants', 'startedAt', 'concludedAt'],
      filterProperties: ['status', 'key', 'name'],
      showProperties: PROPERTIES.map(([path]) => path),
      properties: { status: { availableValues: EXPERIMENT_STATUSES.map((value) => ({ value, label: value })) } },
      actions: {
        list: { isAccessible: canRead, isVisible: canRead },
        // The results view replaces the stock show page; its data comes from the API.
        show: { isAccessible: canRead, isVisible: canRead, component: EXPERIMENT_RESULTS_COMPONENT },
        search: { isAccessible: canRead, isVisible: canRead },
        new: never,
        edit: never,
        delete: never,
        bulkDelete: never,
      },
    },
  };
}
