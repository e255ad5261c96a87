// Experiments as the API and the backoffice see them, and the body of PUT /api/experiments/{key}.
import { z } from 'zod/v4';
import type { UnleashFlagView } from './unleash-flag.js';

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'concluded'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** Unleash flag names are URL-safe; the experiment's key is its flag's name. */
export const EXPERIMENT_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export type VariantConfig = { name: string; weight: number | null; isControl: boolean };

export type Experiment = {
  id: string;
  key: string;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  alpha: number;
  minSamplePerVariant: number;
  srmAlpha: number;
  variants: VariantConfig[];
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  concludedAt: Date | null;
};

/** What the flag looks like in Unleash beside opsdeck's record, and where they disagree. */
export type ExperimentWarning =
  | 'flag_unknown' // the client has no such flag (not created yet, archived, or Unleash never reached)
  | 'flag_not_experiment_type'
  | 'flag_disabled_while_running'
  | 'flag_variants_differ' // names in Unleash are not the experiment's
  | 'flag_weights_mixed';

export type ExperimentView = {
  key: string;
  name: string;
  description: string | null;
  status: ExperimentStatus;
  alpha: number;
  minSamplePerVariant: number;
  srmAlpha: number;
  /** `weight` as configured here (null: taken from Unleash), `effectiveWeight` as the SRM check uses it. */
  variants: (VariantConfig & { effectiveWeight: number | null })[];
  weightsSource: 'experiment' | 'unleash' | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  concludedAt: string | null;
  /** null when no flag client is wired (tests, tools). */
  unleash: (UnleashFlagView & { isKnown: true }) | { isKnown: false } | null;
  warnings: ExperimentWarning[];
};

const variantSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1 to 100 letters, digits, ".", "_" or "-"'),
  /** Relative share of traffic; leave out on every variant to use the Unleash flag's weights. */
  weight: z.number().int().min(0).max(1_000_000).nullish(),
  isControl: z.boolean().default(false),
});

/**
 * PUT creates the experiment or changes the fields given (the others keep their values; a new
 * experiment needs its variants). Variants may change only while it is a draft.
 */
export const defineExperimentBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5000).nullish(),
    status: z.enum(EXPERIMENT_STATUSES).optional(),
    alpha: z.number().gt(0).max(0.2).optional(),
    minSamplePerVariant: z.number().int().min(1).max(1_000_000_000).optional(),
    srmAlpha: z.number().gt(0).max(0.05).optional(),
    variants: z.array(variantSchema).min(2).max(20).optional(),
  })
  .superRefine((body, ctx) => {
    if (!body.variants) return;
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['variants'], message });
    if (body.variants.filter((v) => v.isControl).length !== 1) issue('exactly one variant is the control (isControl: true)');
    if (new Set(body.variants.map((v) => v.name)).size !== body.variants.length) issue('variant names must be unique');
    const weighted = body.variants.filter((v) => v.weight !== undefined && v.weight !== null);
    if (weighted.length > 0 && weighted.length < body.variants.length) issue('give every variant a weight, or none (then the Unleash flag\'s weights are used)');
    if (weighted.length > 0 && weighted.every((v) => v.weight === 0)) issue('at least one weight must be above 0');
  });

export type DefineExperimentInput = z.infer<typeof defineExperimentBody>;
