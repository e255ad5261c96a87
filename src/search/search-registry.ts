// Every searchable entity type of the deployment: the core's (operators) and each installed pack's
// `search` sources, each joined to the resource definition that governs it (read permission,
// personal data, row visibility, tenant scope). Validated once at start: a source naming a model
// no resource defines, or two sources claiming one type, stop the start.
import type { Plugin, ResourceDefinition } from '../platform/plugin.js';
import type { SearchSource } from './search-types.js';
import { coreSearchSources } from './core-search-sources.js';
import { integerId, type IdentifierShape } from './identifier-shapes.js';

export type RegisteredSource = SearchSource & {
  resource: ResourceDefinition;
  idField: string;
  idShape: IdentifierShape;
  /** Columns of personal data (the resource's `pii`). */
  piiFields: Set<string>;
  /** The backoffice's show page of a row. */
  href: (id: string) => string;
};

export type SearchRegistry = {
  /** In ranking order among matches of one kind: each pack's, then the core's. */
  sources: RegisteredSource[];
  byType: Map<string, RegisteredSource>;
};

export function buildSearchRegistry({ plugins, resources, adminRootPath }: {
  plugins: Plugin[];
  /** The RBAC model's resources (src/rbac/rbac-model.ts). */
  resources: ResourceDefinition[];
  adminRootPath: string;
}): SearchRegistry {
  const problems: string[] = [];
  const byModel = new Map(resources.map((r) => [r.model, r]));
  const byType = new Map<string, RegisteredSource>();
  // The packs' entities first: a number is an order before it is an operator.
  const declared = [...plugins.flatMap((p) => p.search ?? []), ...coreSearchSources];
  for (const source of declared) {
    const resource = byModel.get(source.model);
    if (!resource) problems.push(`search source ${source.type} names model ${source.model}, which no resource defines`);
    else if (byType.has(source.type)) problems.push(`search sources ${byType.get(source.type)!.model} and ${source.model} both claim type ${source.type}`);
    else if (resource.entityType && resource.entityType !== source.type) problems.push(`search source ${source.type} names model ${source.model}, whose entity type is ${resource.entityType}`);
    if (!resource || problems.length > 0) continue;
    byType.set(source.type, {
      ...source,
      resource,
      idField: source.idField ?? 'id',
      idShape: source.idShape ?? integerId,
      piiFields: new Set(Object.keys(resource.pii ?? {})),
      href: (id) => `${adminRootPath}/resources/${encodeURIComponent(source.model)}/records/${encodeURIComponent(id)}/show`,
    });
  }
  if (problems.length > 0) throw new Error(`search configuration is invalid: ${problems.join('; ')}`);
  return { sources: [...byType.values()], byType };
}
