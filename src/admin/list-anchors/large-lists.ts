// The lists that may be anchored (list-anchor-builder.ts): each large resource's table in each
// order its list offers, by id and by every `sortable` property, named "<table>.<sort column>".
import type { ResourceDefinition } from '../../platform/plugin.js';
import { loadClientModule } from '../create-admin.js';

export type LargeList = { key: string; table: string; idColumn: string; sortColumn: string };

type Field = { name: string; dbName?: string | null; isId?: boolean };
type Model = { name: string; dbName?: string | null; fields: Field[] };

export const listKey = (table: string, sortColumn: string) => `${table}.${sortColumn}`;

export const columnOf = (field: Field) => field.dbName ?? field.name;

export function largeLists({ resources, models }: { resources: ResourceDefinition[]; models: Model[] }): LargeList[] {
  return resources.filter((r) => r.isLarge).flatMap((resource) => {
    const model = models.find((m) => m.name === resource.model);
    const id = model?.fields.find((f) => f.isId);
    if (!model || !id) return [];
    const table = model.dbName ?? model.name;
    const sortFields = [id, ...(resource.sortable ?? []).map((name) => model.fields.find((f) => f.name === name)).filter((f): f is Field => !!f)];
    return sortFields.map((field) => ({ key: listKey(table, columnOf(field)), table, idColumn: columnOf(id), sortColumn: columnOf(field) }));
  });
}

/** The large lists of these resources, over the generated Prisma client's models. */
export const largeListsOf = (resources: ResourceDefinition[]) => largeLists({ resources, models: loadClientModule().Prisma.dmmf.datamodel.models as Model[] });
