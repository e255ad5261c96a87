// Flags as code: every flag opsdeck evaluates is declared here (the platform's) or in a plugin's
// definePlugin({ flags }), with its type, what it gates and a safe default. The declared set is
// closed: evaluating an undeclared key is a programming error, and an action naming an undeclared
// flag fails the start. Unleash holds the live state (synced at start by flag-sync.ts, never
// overwritten); the default is what we serve while Unleash has no value (down, no backup).
import type { Plugin } from '../platform/plugin.js';

export const FLAG_TYPES = ['release', 'experiment', 'kill-switch', 'operational'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export type FlagSpec = {
  /** What turning it off (or on) does, for product managers reading the Unleash dashboard. */
  description: string;
  type: FlagType;
  /** Served while Unleash has no value for it, and the state it is created with in Unleash. */
  default: boolean;
};

/** `namespace.name`, lower case: the namespace is `opsdeck` or the declaring plugin's id. */
const FLAG_KEY = /^[a-z][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;
const MAX_KEY_LENGTH = 100;

/** Declares flags: checks each key and spec (a bad one throws, so the start fails) and keeps the literal key types. */
export function defineFlags<const T extends Record<string, FlagSpec>>(flags: T): T {
  for (const [key, spec] of Object.entries(flags)) checkFlag(key, spec);
  return flags;
}

function checkFlag(key: string, spec: FlagSpec): void {
  if (key.length > MAX_KEY_LENGTH || !FLAG_KEY.test(key)) {
    throw new Error(`flag key "${key}" is malformed: use namespace.name in lower case (a-z, 0-9, - and _), at most ${MAX_KEY_LENGTH} characters`);
  }
  if (!spec || typeof spec !== 'object') throw new Error(`flag ${key}: its spec must be an object`);
  if (!FLAG_TYPES.includes(spec.type)) throw new Error(`flag ${key}: type must be one of ${FLAG_TYPES.join(', ')}`);
  if (typeof spec.default !== 'boolean') throw new Error(`flag ${key}: default must be true or false`);
  if (typeof spec.description !== 'string' || spec.description.trim().length === 0) throw new Error(`flag ${key}: a description is required`);
}

/** opsdeck's own flags. Kill switches default to on: off only when someone turns them off. */
export const PLATFORM_FLAGS = defineFlags({
  'opsdeck.bulk-actions': {
    type: 'kill-switch',
    default: true,
    description: 'Bulk action jobs (POST /api/actions/{id}/bulk and the backoffice bulk forms). Off: new bulk jobs are refused with 403 feature_disabled.',
  },
  'opsdeck.impersonation': {
    type: 'kill-switch',
    default: true,
    description: 'Starting a customer impersonation. Off: new impersonations are refused (running ones still end normally).',
  },
  'opsdeck.experiments-ingest': {
    type: 'kill-switch',
    default: true,
    description: 'Experiment event ingestion (POST /api/experiments/{key}/events). Off: batches are refused; client apps retry later.',
  },
});

export type PlatformFlagKey = keyof typeof PLATFORM_FLAGS;
/** A declared flag's key. Plugins' keys are checked at start (like permissions), not by the compiler. */
export type FlagKey = PlatformFlagKey | `${string}.${string}`;

export type FlagCatalog = ReadonlyMap<string, FlagSpec & { key: string }>;

/**
 * The platform's flags and every plugin's, in one closed set. Throws on a duplicate key, a
 * malformed one, or a plugin flag outside the plugin's own namespace (`<plugin id>.name`).
 */
export function buildFlagCatalog(plugins: readonly Pick<Plugin, 'id' | 'flags'>[]): FlagCatalog {
  const catalog = new Map<string, FlagSpec & { key: string }>();
  const add = (key: string, spec: FlagSpec, owner: string) => {
    checkFlag(key, spec);
    if (catalog.has(key)) throw new Error(`flag ${key} is declared twice (again by ${owner})`);
    catalog.set(key, { key, type: spec.type, default: spec.default, description: spec.description });
  };
  for (const [key, spec] of Object.entries(PLATFORM_FLAGS)) add(key, spec, 'opsdeck');
  for (const plugin of plugins) {
    for (const [key, spec] of Object.entries(plugin.flags ?? {})) {
      if (!key.startsWith(`${plugin.id}.`)) throw new Error(`flag ${key} of plugin ${plugin.id} must be named ${plugin.id}.<name>`);
      add(key, spec, `plugin ${plugin.id}`);
    }
  }
  return catalog;
}

/** Every action's `flag` must be declared: a typo would otherwise leave the action ungated. */
export function checkActionFlags(catalog: FlagCatalog, actions: readonly { id: string; flag?: string }[]): void {
  for (const action of actions) {
    if (action.flag !== undefined && !catalog.has(action.flag)) throw new Error(`action ${action.id} names flag ${action.flag}, which no one declares`);
  }
}
