// What the in-process Unleash client knows about an experiment's flag: on or off in our
// environment, its type, and the variants with their weights. An experiment whose variants carry no
// weights of their own takes them from here for the sample-ratio check. The SDK serves the flag
// definition it last fetched (or read from its backup file), so this works while Unleash is down;
// it knows nothing of an archived flag (archived flags are not served to clients).
//
// Weights: Unleash (5+) keeps variants on each strategy; older flags keep them on the flag itself.
// The first strategy that has variants is used: a user matched by an earlier strategy without
// variants gets none, so exposures only ever come from strategies with variants, and when several
// have them with different weights no single expected split exists (`hasMixedWeights`).
import type { FlagDefinition } from '../flags/unleash-client.js';

export type UnleashFlagView = {
  enabled: boolean;
  type: string | null;
  variants: { name: string; weight: number }[];
  /** Several strategies define variants with different weights: the split used is the first's. */
  hasMixedWeights: boolean;
};

/** Reads flag definitions; boot passes the app's flag client, tests a fake or nothing. */
export type FlagDefinitions = { definition(name: string): FlagDefinition | undefined };

const weightsKey = (variants: { name: string; weight: number }[]) => variants.map((v) => `${v.name}=${v.weight}`).sort().join(',');

export function unleashFlagView(definition: FlagDefinition | undefined): UnleashFlagView | null {
  if (!definition) return null;
  const withVariants = (definition.strategies ?? []).filter((s) => (s.variants ?? []).length > 0);
  const source = withVariants[0]?.variants ?? definition.variants ?? [];
  const variants = source.map((v) => ({ name: v.name, weight: v.weight }));
  return {
    enabled: definition.enabled,
    type: definition.type ?? null,
    variants,
    hasMixedWeights: withVariants.some((s) => weightsKey(s.variants!.map((v) => ({ name: v.name, weight: v.weight }))) !== weightsKey(variants)),
  };
}

/** The flag's weight for each of the experiment's variants, or null unless Unleash has them all. */
export function unleashWeights(view: UnleashFlagView | null, names: string[]): Map<string, number> | null {
  if (!view) return null;
  const byName = new Map(view.variants.map((v) => [v.name, v.weight]));
  return names.every((name) => byName.has(name)) ? new Map(names.map((name) => [name, byName.get(name)!])) : null;
}
