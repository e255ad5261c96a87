// Experiment statistics as pure functions (docs/adr/0011-experiment-statistics.md): per-variant
// conversion rates with Wilson score intervals, the difference and relative lift against control,
// the pooled two-proportion z-test, the sample-ratio-mismatch check (chi-square goodness of fit
// against the configured weights), and the winner rule. Distribution functions come from jstat.
//
// Choices, and why:
// - Wilson rather than the normal-approximation (Wald) interval: Wald collapses to zero width at 0
//   or n conversions and undercovers for small samples and rare events, which is exactly where an
//   early experiment sits (Newcombe 1998; Brown, Cai & DasGupta 2001).
// - The z-test pools the two rates (the null hypothesis says they are equal); its p-value is
//   two-sided, taken from the lower tail (2 * Phi(-|z|)) so tiny p-values keep their precision.
// - Several treatments are each compared with control; Bonferroni: each comparison is held to
//   alpha / m (reported as adjusted p = min(1, m * p) against alpha). Conservative and simple.
// - Relative lift's interval is Katz's log interval for a ratio of proportions; the difference's
//   is the unpooled Wald interval. Both are descriptive at the given confidence (not corrected).
import jstat from 'jstat';

const { jStat } = jstat;

export type Interval = { low: number; high: number };
export type Proportion = { successes: number; trials: number };

/** The two-sided standard normal quantile of a confidence level (0.95: 1.95996...). */
export const zFor = (confidence: number): number => jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);

/** Wilson score interval of a proportion; null without trials. */
export function wilsonInterval({ successes, trials }: Proportion, confidence = 0.95): Interval | null {
  if (trials <= 0) return null;
  const z = zFor(confidence);
  const z2 = z * z;
  const p = successes / trials;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 (or n) successes the bound is 0 (or 1) exactly; rounding must not push it past.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Pooled two-proportion z-test of `treatment` against `control`, two-sided; null without trials on a side. */
export function twoProportionZTest(control: Proportion, treatment: Proportion): { z: number; pValue: number } | null {
  if (control.trials <= 0 || treatment.trials <= 0) return null;
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials));
  // Every user converted, or none did, on both sides: no difference to test.
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (treatment.successes / treatment.trials - control.successes / control.trials) / se;
  return { z, pValue: Math.min(1, 2 * jStat.normal.cdf(-Math.abs(z), 0, 1)) };
}

/** treatment rate - control rate, with the unpooled Wald interval. */
export function absoluteDifference(control: Proportion, treatment: Proportion, confidence = 0.95): { estimate: number; interval: Interval } | null {
  if (control.trials <= 0 || treatment.trials <= 0) return null;
  const pc = control.successes / control.trials;
  const pt = treatment.successes / treatment.trials;
  const half = zFor(confidence) * Math.sqrt((pt * (1 - pt)) / treatment.trials + (pc * (1 - pc)) / control.trials);
  return { estimate: pt - pc, interval: { low: pt - pc - half, high: pt - pc + half } };
}

/**
 * treatment rate / control rate - 1, with Katz's log interval (Katz et al. 1978): ln(ratio) is about
 * normal with variance 1/x_t - 1/n_t + 1/x_c - 1/n_c. Null when the control rate is 0 (no ratio);
 * no interval when the treatment has no conversion (the log is unbounded).
 */
export function relativeLift(control: Proportion, treatment: Proportion, confidence = 0.95): { estimate: number; interval: Interval | null } | null {
  if (control.trials <= 0 || treatment.trials <= 0 || control.successes === 0) return null;
  const ratio = (treatment.successes / treatment.trials) / (control.successes / control.trials);
  if (treatment.successes === 0) return { estimate: ratio - 1, interval: null };
  const se = Math.sqrt(1 / treatment.successes - 1 / treatment.trials + 1 / control.successes - 1 / control.trials);
  const spread = zFor(confidence) * se;
  return { estimate: ratio - 1, interval: { low: Math.exp(Math.log(ratio) - spread) - 1, high: Math.exp(Math.log(ratio) + spread) - 1 } };
}

export type GoodnessOfFit = { statistic: number; degreesOfFreedom: number; pValue: number };

/**
 * Pearson's chi-square goodness of fit of counts against expected shares (any positive weights,
 * normalised). A count in a cell whose weight is 0 cannot happen by chance: p = 0. Null without
 * observations or with fewer than two cells to compare.
 */
export function chiSquareGoodnessOfFit(observed: number[], weights: number[]): GoodnessOfFit | null {
  if (observed.length !== weights.length) throw new Error('one weight per observed count');
  if (weights.some((w) => !(w >= 0))) throw new Error('weights must be 0 or more');
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const cells = observed.map((o, i) => ({ o, w: weights[i]! })).filter((c) => c.w > 0);
  if (total <= 0 || weightSum <= 0 || cells.length < 2) return null;
  const degreesOfFreedom = cells.length - 1;
  if (observed.some((o, i) => o > 0 && weights[i] === 0)) return { statistic: Infinity, degreesOfFreedom, pValue: 0 };
  const statistic = cells.reduce((sum, { o, w }) => {
    const expected = (total * w) / weightSum;
    return sum + ((o - expected) ** 2) / expected;
  }, 0);
  return { statistic, degreesOfFreedom, pValue: Math.max(0, 1 - jStat.chisquare.cdf(statistic, degreesOfFreedom)) };
}

// ---- the whole analysis of one experiment

export type VariantCounts = { name: string; isControl: boolean; weight: number | null; exposed: number; converted: number };

export type AnalysisOptions = {
  /** Significance level of the winner rule, before the Bonferroni split. */
  alpha: number;
  minSamplePerVariant: number;
  /** SRM is flagged when the goodness-of-fit p-value is below this (default 0.001). */
  srmAlpha: number;
  /** Of the rate, difference and lift intervals (default 0.95). */
  confidence?: number;
};

export type VariantAnalysis = {
  name: string;
  isControl: boolean;
  weight: number | null;
  exposed: number;
  converted: number;
  /** converted / exposed; null without exposures. */
  rate: number | null;
  rateInterval: Interval | null;
  hasMinimumSample: boolean;
  /** Against control (null on the control row and when a side has no exposures). */
  difference: { estimate: number; interval: Interval } | null;
  lift: { estimate: number; interval: Interval | null } | null;
  zScore: number | null;
  pValue: number | null;
  /** Bonferroni: min(1, p * number of treatments). */
  adjustedPValue: number | null;
  isSignificant: boolean | null;
};

export type NoDecisionReason = 'no_control' | 'weights_unknown' | 'no_exposures' | 'sample_ratio_mismatch' | 'below_minimum_sample' | 'not_significant';

export type SrmCheck = {
  threshold: number;
  statistic: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  /** null when it could not be checked (see `reason`). */
  isMismatch: boolean | null;
  reason: 'weights_unknown' | 'no_exposures' | null;
  expectedShares: { name: string; share: number }[] | null;
};

export type ExperimentAnalysis = {
  confidence: number;
  alpha: number;
  correction: { method: 'bonferroni'; comparisons: number; perComparisonAlpha: number };
  variants: VariantAnalysis[];
  srm: SrmCheck;
  winner: string | null;
  /** Why no winner is declared (empty when one is). */
  reasons: NoDecisionReason[];
};

function checkSampleRatio(variants: VariantCounts[], threshold: number): SrmCheck {
  const none = (reason: SrmCheck['reason']): SrmCheck => ({ threshold, statistic: null, degreesOfFreedom: null, pValue: null, isMismatch: null, reason, expectedShares: null });
  if (variants.some((v) => v.weight === null)) return none('weights_unknown');
  const weights = variants.map((v) => v.weight!);
  const fit = chiSquareGoodnessOfFit(variants.map((v) => v.exposed), weights);
  if (!fit) return none(weights.reduce((a, b) => a + b, 0) > 0 ? 'no_exposures' : 'weights_unknown');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  return {
    threshold, ...fit, isMismatch: fit.pValue < threshold, reason: null,
    expectedShares: variants.map((v) => ({ name: v.name, share: v.weight! / weightSum })),
  };
}

/** Everything GET /api/experiments/{key}/results reports, and the winner rule's verdict. */
export function analyzeExperiment(variants: VariantCounts[], { alpha, minSamplePerVariant, srmAlpha, confidence = 0.95 }: AnalysisOptions): ExperimentAnalysis {
  const control = variants.find((v) => v.isControl);
  const treatments = variants.filter((v) => !v.isControl);
  const comparisons = Math.max(1, treatments.length);
  const of = (v: VariantCounts): Proportion => ({ successes: v.converted, trials: v.exposed });

  const analysed = variants.map((v): VariantAnalysis => {
    const test = control && !v.isControl ? twoProportionZTest(of(control), of(v)) : null;
    const adjustedPValue = test ? Math.min(1, test.pValue * comparisons) : null;
    return {
      name: v.name, isControl: v.isControl, weight: v.weight, exposed: v.exposed, converted: v.converted,
      rate: v.exposed > 0 ? v.converted / v.exposed : null,
      rateInterval: wilsonInterval(of(v), confidence),
      hasMinimumSample: v.exposed >= minSamplePerVariant,
      difference: control && !v.isControl ? absoluteDifference(of(control), of(v), confidence) : null,
      lift: control && !v.isControl ? relativeLift(of(control), of(v), confidence) : null,
      zScore: test?.z ?? null,
      pValue: test?.pValue ?? null,
      adjustedPValue,
      isSignificant: adjustedPValue === null ? null : adjustedPValue < alpha,
    };
  });
  const srm = checkSampleRatio(variants, srmAlpha);

  // ---- the winner rule: significant, every arm at its minimum sample, and no SRM
  const reasons: NoDecisionReason[] = [];
  if (!control) reasons.push('no_control');
  if (srm.reason) reasons.push(srm.reason);
  if (srm.isMismatch) reasons.push('sample_ratio_mismatch');
  if (analysed.some((v) => !v.hasMinimumSample)) reasons.push('below_minimum_sample');
  const arms = analysed.filter((v) => !v.isControl);
  const better = arms.filter((v) => v.isSignificant && v.difference!.estimate > 0);
  // The best significant improvement by point estimate (no test between treatments is implied);
  // control wins only when every treatment is significantly worse.
  const candidate = better.length > 0
    ? better.reduce((best, v) => (v.rate! > best.rate! ? v : best)).name
    : arms.length > 0 && arms.every((v) => v.isSignificant && v.difference!.estimate < 0) ? control?.name ?? null : null;
  if (!candidate && control) reasons.push('not_significant');

  return {
    confidence, alpha,
    correction: { method: 'bonferroni', comparisons, perComparisonAlpha: alpha / comparisons },
    variants: analysed, srm,
    winner: reasons.length === 0 ? candidate : null,
    reasons,
  };
}
