// An experiment as the API answers it: its record, the weights the sample-ratio check uses (its own,
// or its Unleash flag's when it has none), and the flag as the in-process client sees it, with the
// disagreements between the two named. Mirroring is read-only: opsdeck's record says what the
// experiment is; the flag sync of issue 6 will reconcile the two.
import type { Experiment, ExperimentView, ExperimentWarning } from './experiment-types.js';
import { unleashFlagView, unleashWeights, type FlagDefinitions } from './unleash-flag.js';

export function experimentView(experiment: Experiment, flags: FlagDefinitions | null): ExperimentView {
  const names = experiment.variants.map((v) => v.name);
  const flag = flags ? unleashFlagView(flags.definition(experiment.key)) : null;
  const own = experiment.variants.every((v) => v.weight !== null);
  const fromFlag = own ? null : unleashWeights(flag, names);
  const warnings: ExperimentWarning[] = [];
  if (flags && !flag) warnings.push('flag_unknown');
  if (flag) {
    if (flag.type !== 'experiment') warnings.push('flag_not_experiment_type');
    if (experiment.status === 'running' && !flag.enabled) warnings.push('flag_disabled_while_running');
    const flagNames = flag.variants.map((v) => v.name).sort().join(',');
    if (flag.variants.length > 0 && flagNames !== [...names].sort().join(',')) warnings.push('flag_variants_differ');
    if (flag.hasMixedWeights) warnings.push('flag_weights_mixed');
  }
  return {
    key: experiment.key,
    name: experiment.name,
    description: experiment.description,
    status: experiment.status,
    alpha: experiment.alpha,
    minSamplePerVariant: experiment.minSamplePerVariant,
    srmAlpha: experiment.srmAlpha,
    variants: experiment.variants.map((v) => ({ ...v, effectiveWeight: own ? v.weight : fromFlag?.get(v.name) ?? null })),
    weightsSource: own ? 'experiment' : fromFlag ? 'unleash' : null,
    createdAt: experiment.createdAt.toISOString(),
    updatedAt: experiment.updatedAt.toISOString(),
    startedAt: experiment.startedAt?.toISOString() ?? null,
    concludedAt: experiment.concludedAt?.toISOString() ?? null,
    unleash: flags ? (flag ? { isKnown: true, ...flag } : { isKnown: false }) : null,
    warnings,
  };
}
