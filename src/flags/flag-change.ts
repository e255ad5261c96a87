// A flag change request's input and what it means against the flag as Unleash holds it: switch it
// in an environment, set the rollout of its flexibleRollout strategy, or set that strategy's variant
// weights (per mille, summing to 1000). `planFlagChange` checks the input against the live flag
// (unknown flag, environment or variant, no single strategy to change: 422) and gives the one Admin
// API call that applies it; `flagEnvironmentView` is the before/after the audit rows carry.
import { z } from 'zod/v4';
import { validationFailed } from '../http/errors.js';
import type { UnleashFlag, UnleashStrategy, UnleashVariant } from './unleash-admin.js';

export const FLAG_CHANGE_KINDS = ['enable', 'disable', 'rollout', 'variants'] as const;
/** Unleash's variant weights are per mille. */
export const TOTAL_WEIGHT = 1000;

// One flat object (not a union) so the backoffice's generic action form can render it: `percentage`
// belongs to `rollout`, `weights` to `variants`, and each is refused with any other kind.
export const flagChangeInput = z.strictObject({
  kind: z.enum(FLAG_CHANGE_KINDS).describe('enable or disable the flag in the environment, set its rollout percentage, or set its variant weights'),
  environment: z.string().trim().min(1).max(100).describe('The Unleash environment, e.g. development or production'),
  percentage: z.number().int().min(0).max(100).optional().describe('kind rollout: the share of users the flexibleRollout strategy lets in (0 to 100)'),
  weights: z.record(z.string().min(1).max(100), z.number().int().min(0).max(TOTAL_WEIGHT)).optional()
    .describe('kind variants: the weight of every variant of the strategy, per mille, summing to 1000'),
}).superRefine((input, ctx) => {
  const misplaced = (field: 'percentage' | 'weights', kind: string) =>
    ctx.addIssue({ code: 'custom', path: [field], message: input[field] === undefined ? `required for kind ${kind}` : `only for kind ${kind}` });
  if ((input.kind === 'rollout') !== (input.percentage !== undefined)) misplaced('percentage', 'rollout');
  if ((input.kind === 'variants') !== (input.weights !== undefined)) misplaced('weights', 'variants');
  if (input.weights) {
    const sum = Object.values(input.weights).reduce((a, w) => a + w, 0);
    if (sum !== TOTAL_WEIGHT) ctx.addIssue({ code: 'custom', path: ['weights'], message: `the weights sum to ${sum}, not ${TOTAL_WEIGHT}` });
  }
});

export type FlagChangeInput = z.infer<typeof flagChangeInput>;

/** The one Admin API call that applies a change. */
export type FlagChangePlan =
  | { call: 'setEnabled'; environment: string; enabled: boolean }
  | { call: 'updateStrategy'; environment: string; strategy: UnleashStrategy };

/** One environment of a flag as the audit rows show it. */
export type FlagEnvironmentView = {
  environment: string;
  enabled: boolean;
  /** The flexibleRollout strategy's rollout (0 to 100); null without exactly one such strategy. */
  rollout: number | null;
  variants: { name: string; weight: number }[];
};

const refuse = (field: string, message: string) => validationFailed(`input.${field}: ${message}`);

/** The environment's only flexibleRollout strategy: the one a rollout or variants change edits. */
function rolloutStrategy(strategies: UnleashStrategy[]): UnleashStrategy | null {
  const rollouts = strategies.filter((s) => s.name === 'flexibleRollout');
  return rollouts.length === 1 ? rollouts[0]! : null;
}

/**
 * Unleash gives "variable" variants what the "fix" ones leave, so exact weights are written as fix
 * weights except the heaviest, which is variable and receives exactly its own share (the rest).
 */
function weightedVariants(current: UnleashVariant[], weights: Record<string, number>): UnleashVariant[] {
  const heaviest = Object.entries(weights).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return current.map((v) => ({ ...v, weight: weights[v.name]!, weightType: v.name === heaviest ? 'variable' : 'fix' }));
}

/** Checks the input against the live flag; the call that applies it, or a 422 naming the field. */
export function planFlagChange(key: string, flag: UnleashFlag | null, input: FlagChangeInput): FlagChangePlan {
  if (!flag) throw validationFailed(`target.id: Unleash has no flag ${key} (or it is archived)`);
  const env = flag.environments.find((e) => e.name === input.environment);
  if (!env) throw refuse('environment', `flag ${key} has no environment ${input.environment} (it has ${flag.environments.map((e) => e.name).join(', ') || 'none'})`);
  if (input.kind === 'enable' || input.kind === 'disable') return { call: 'setEnabled', environment: env.name, enabled: input.kind === 'enable' };

  const strategy = rolloutStrategy(env.strategies);
  if (!strategy) {
    throw refuse('kind', `flag ${key} needs exactly one flexibleRollout strategy in ${env.name} for a ${input.kind} change (it has ${env.strategies.length} strategies); change it in the Unleash dashboard`);
  }
  if (input.kind === 'rollout') {
    return { call: 'updateStrategy', environment: env.name, strategy: { ...strategy, parameters: { ...strategy.parameters, rollout: String(input.percentage) } } };
  }
  const current = strategy.variants ?? [];
  if (current.length === 0) throw refuse('weights', `the flexibleRollout strategy of ${key} in ${env.name} has no variants`);
  const known = new Set(current.map((v) => v.name));
  const unknown = Object.keys(input.weights!).filter((name) => !known.has(name));
  if (unknown.length > 0) throw refuse('weights', `unknown variant ${unknown.join(', ')} (the strategy has ${[...known].join(', ')})`);
  const missing = [...known].filter((name) => !(name in input.weights!));
  if (missing.length > 0) throw refuse('weights', `every variant needs a weight; missing ${missing.join(', ')}`);
  return { call: 'updateStrategy', environment: env.name, strategy: { ...strategy, variants: weightedVariants(current, input.weights!) } };
}

/** The environment as the audit shows it: on or off, rollout, variant weights (sorted by name). */
export function flagEnvironmentView(enabled: boolean, environment: string, strategies: UnleashStrategy[]): FlagEnvironmentView {
  const strategy = rolloutStrategy(strategies);
  const rollout = strategy?.parameters?.rollout;
  return {
    environment,
    enabled,
    rollout: rollout === undefined || rollout === '' ? null : Number(rollout),
    variants: (strategy?.variants ?? []).map((v) => ({ name: v.name, weight: v.weight })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The environment of the flag the change names, as the audit shows it. */
export function viewOf(flag: UnleashFlag, environment: string): FlagEnvironmentView {
  const env = flag.environments.find((e) => e.name === environment);
  return flagEnvironmentView(env?.enabled ?? false, environment, env?.strategies ?? []);
}

/** What the environment looks like once Unleash accepted the plan (from Unleash's own answer for strategies). */
export function viewAfter(before: UnleashFlag, plan: FlagChangePlan, stored: UnleashStrategy | null): FlagEnvironmentView {
  const env = before.environments.find((e) => e.name === plan.environment)!;
  if (plan.call === 'setEnabled') return flagEnvironmentView(plan.enabled, env.name, env.strategies);
  const strategies = env.strategies.map((s) => (s.id === plan.strategy.id ? { ...plan.strategy, ...stored } : s));
  return flagEnvironmentView(env.enabled, env.name, strategies);
}
