// The backoffice's "Flags" screen: the declared flags (src/flags/flag-catalog.ts, the platform's and
// the packs') with their state as the in-process Unleash client holds it (on or off, rollout,
// variant weights). Read-only: a change goes through the "Change feature flag" button, the
// runner's `flag.change` action (a four-eyes request, docs/adr/0013-flag-change-requests.md), which
// createAdmin adds to this resource like to any resource of entity type `flag`. A few dozen flags:
// lists are built in memory.
import { type BaseRecord, type Filter, type PropertyType } from 'adminjs';
import type { ResourceAccess } from '../platform/plugin.js';
import { ReadOnlyResource, readOnlyActions } from '../admin/read-only-resource.js';
import type { ExtraAdminResource } from '../admin/create-admin.js';
import type { FlagCatalog } from './flag-catalog.js';
import type { FlagEvaluator } from './flag-service.js';
import { flagEnvironmentView } from './flag-change.js';
import { FLAG_ENTITY } from './flag-change-action.js';
import type { UnleashStrategy } from './unleash-admin.js';

export const FLAGS_RESOURCE_ID = 'Flags';
/** What the screen needs; its runner buttons add their own actions' permissions (createAdmin). */
export const FLAGS_RESOURCE_ACCESS: ResourceAccess = { read: 'flag.read' };

const PROPERTIES: [string, PropertyType][] = [
  ['key', 'string'], ['type', 'string'], ['enabled', 'boolean'], ['rollout', 'number'], ['variants', 'string'],
  ['source', 'string'], ['default', 'boolean'], ['description', 'textarea'],
];

type Row = Record<string, string | number | boolean | null>;

export class FlagResource extends ReadOnlyResource {
  constructor(private readonly deps: { catalog: FlagCatalog; flags: Pick<FlagEvaluator, 'definition'> | null }) {
    super({ id: FLAGS_RESOURCE_ID, database: 'unleash', readOnlyDetail: 'Flags change through the "Change feature flag" action (four eyes).' }, PROPERTIES, { idPath: 'key' });
  }

  private row(key: string): Row | null {
    const spec = this.deps.catalog.get(key);
    if (!spec) return null;
    const definition = this.deps.flags?.definition(key);
    const state = definition ? flagEnvironmentView(definition.enabled, '', (definition.strategies ?? []) as unknown as UnleashStrategy[]) : null;
    return {
      key, type: spec.type, description: spec.description, default: spec.default,
      enabled: state ? state.enabled : spec.default,
      rollout: state?.rollout ?? null,
      variants: state ? state.variants.map((v) => `${v.name} ${v.weight}`).join(', ') : '',
      source: definition ? 'unleash' : 'default',
    };
  }

  private rows(filter?: Filter): Row[] {
    const query = Object.values(filter?.filters ?? {}).find((f) => f.path === 'key' && typeof f.value === 'string')?.value as string | undefined;
    return [...this.deps.catalog.keys()].sort()
      .filter((key) => !query || key.includes(query.toLowerCase()))
      .map((key) => this.row(key)!);
  }

  async count(filter: Filter): Promise<number> {
    return this.rows(filter).length;
  }

  async find(filter: Filter, { limit = 20, offset = 0 }: { limit?: number; offset?: number } = {}): Promise<BaseRecord[]> {
    return this.rows(filter).slice(offset, offset + limit).map((row) => this.build(row));
  }

  async findOne(id: string): Promise<BaseRecord | null> {
    const row = this.row(id);
    return row ? this.build(row) : null;
  }

  async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    return ids.map((id) => this.row(String(id))).filter((row): row is Row => row !== null).map((row) => this.build(row));
  }
}

/** The "Flags" screen under "Flags & experiments"; `entityType` gives it the runner's flag actions. */
export function createFlagAdminResource({ catalog, flags }: { catalog: FlagCatalog; flags: Pick<FlagEvaluator, 'definition'> | null }): ExtraAdminResource {
  return {
    entityType: FLAG_ENTITY,
    access: FLAGS_RESOURCE_ACCESS,
    resource: new FlagResource({ catalog, flags }),
    options: {
      id: FLAGS_RESOURCE_ID,
      navigation: { name: 'Flags & experiments', icon: 'Flag' },
      titleProperty: 'key',
      listProperties: ['key', 'type', 'enabled', 'rollout', 'variants', 'source'],
      filterProperties: ['key'],
      showProperties: PROPERTIES.map(([path]) => path),
      actions: readOnlyActions(FLAGS_RESOURCE_ACCESS.read),
    },
  };
}
