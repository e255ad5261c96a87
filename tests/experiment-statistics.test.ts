// src/experiments/statistics.ts against published values and independent computations written out
// here (each with its source), never against its own output.
import {
  absoluteDifference, analyzeExperiment, chiSquareGoodnessOfFit, relativeLift, twoProportionZTest, wilsonInterval, zFor, type VariantCounts,
} from '../src/experiments/statistics.js';

// ---- an independent standard normal CDF
// Abramowitz & Stegun, Handbook of Mathematical Functions (1964), 26.2.17: for x >= 0,
// Phi(x) = 1 - phi(x) (b1 t + b2 t^2 + b3 t^3 + b4 t^4 + b5 t^5), t = 1 / (1 + p x), |error| < 7.5e-8.
function normalCdf(x: number): number {
  if (x < 0) return 1 - normalCdf(-x);
  const t = 1 / (1 + 0.2316419 * x);
  const poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return 1 - (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}
const twoSidedP = (z: number) => 2 * (1 - normalCdf(Math.abs(z)));

// The 97.5th percentile of the standard normal, to 15 digits (any table: 1.959963984540054).
const Z975 = 1.959963984540054;

describe('the normal quantile', () => {
  it('is 1.96 for 95% and 2.5758 for 99% (standard normal tables)', () => {
    expect(zFor(0.95)).toBeCloseTo(Z975, 9);
    expect(zFor(0.99)).toBeCloseTo(2.5758293035489, 9);
  });
});

describe('wilsonInterval', () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Statistics in Medicine 1998;17:857-872, Table II, method 3 (score method without
  // continuity correction), to four decimals.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: %f to %f (Newcombe 1998)', (successes, trials, low, high) => {
    const interval = wilsonInterval({ successes, trials })!;
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('has the closed form z^2 / (n + z^2) as its upper bound at zero successes', () => {
    // Wilson (1927): with p = 0 the centre and the half-width are equal, so the bounds are 0 and
    // z^2 / (n + z^2).
    expect(wilsonInterval({ successes: 0, trials: 50 })).toEqual({ low: 0, high: expect.closeTo((Z975 ** 2) / (50 + Z975 ** 2), 12) });
    expect(wilsonInterval({ successes: 50, trials: 50 })!.high).toBe(1);
  });

  it('is null without trials', () => {
    expect(wilsonInterval({ successes: 0, trials: 0 })).toBeNull();
  });
});

describe('twoProportionZTest (pooled, two-sided)', () => {
  it('matches the statsmodels documentation example: 5/83 against 12/99, p = 0.159', () => {
    // statsmodels.stats.proportion.proportions_ztest docs: count = [5, 12], nobs = [83, 99],
    // printed p-value 0.159. By hand: pooled p = 17/182; se = sqrt(p(1-p)(1/83 + 1/99)) = 0.043308;
    // z = (12/99 - 5/83) / se = 1.4078.
    const pooled = 17 / 182;
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / 83 + 1 / 99));
    const z = (12 / 99 - 5 / 83) / se;
    expect(z).toBeCloseTo(1.4078, 4);
    const test = twoProportionZTest({ successes: 5, trials: 83 }, { successes: 12, trials: 99 })!;
    expect(test.z).toBeCloseTo(z, 10);
    expect(test.pValue.toFixed(3)).toBe('0.159');
    expect(test.pValue).toBeCloseTo(twoSidedP(z), 6);
  });

  it('gives z = 2.6774, p = 0.0074 for 20% of 1000 against 25% of 1000 (by hand)', () => {
    // pooled 450/2000 = 0.225; se = sqrt(0.225 * 0.775 * (2/1000)) = 0.0186748; z = 0.05 / se.
    const z = 0.05 / Math.sqrt(0.225 * 0.775 * 0.002);
    const test = twoProportionZTest({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 })!;
    expect(test.z).toBeCloseTo(2.677398, 5);
    expect(test.z).toBeCloseTo(z, 10);
    expect(test.pValue).toBeCloseTo(twoSidedP(z), 6);
    expect(test.pValue).toBeCloseTo(0.00742, 5);
  });

  it('signs z by the treatment, and has nothing to test when both sides are all zero', () => {
    expect(twoProportionZTest({ successes: 250, trials: 1000 }, { successes: 200, trials: 1000 })!.z).toBeCloseTo(-2.677398, 5);
    expect(twoProportionZTest({ successes: 0, trials: 10 }, { successes: 0, trials: 10 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 1, trials: 10 })).toBeNull();
  });
});

describe('difference and lift against control', () => {
  it('gives the Wald interval of the difference (by hand)', () => {
    // 0.05 +- 1.959964 * sqrt(0.25 * 0.75 / 1000 + 0.2 * 0.8 / 1000) = 0.05 +- 1.959964 * 0.0186413
    // = 0.05 +- 0.036536
    const half = Z975 * Math.sqrt((0.25 * 0.75) / 1000 + (0.2 * 0.8) / 1000);
    expect(half).toBeCloseTo(0.036536, 6);
    const diff = absoluteDifference({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 })!;
    expect(diff.estimate).toBeCloseTo(0.05, 12);
    expect(diff.interval.low).toBeCloseTo(0.05 - half, 12);
    expect(diff.interval.high).toBeCloseTo(0.05 + half, 12);
  });

  it('gives Katz\'s log interval of the ratio (Katz et al., Biometrics 1978), by hand', () => {
    // Ratio 0.25 / 0.20 = 1.25; SE(ln ratio) = sqrt(1/250 - 1/1000 + 1/200 - 1/1000) = sqrt(0.007)
    // = 0.0836660; ln 1.25 = 0.2231436; 0.2231436 -+ 1.959964 * 0.0836660 = 0.0591614 and 0.3871257;
    // exp: 1.060946 and 1.472742; as lift: +6.09% to +47.27%.
    const lift = relativeLift({ successes: 200, trials: 1000 }, { successes: 250, trials: 1000 })!;
    expect(lift.estimate).toBeCloseTo(0.25, 12);
    expect(lift.interval!.low).toBeCloseTo(0.060946, 5);
    expect(lift.interval!.high).toBeCloseTo(0.472742, 5);
  });

  it('has no lift over a control that never converted, and no interval when the treatment never did', () => {
    expect(relativeLift({ successes: 0, trials: 100 }, { successes: 5, trials: 100 })).toBeNull();
    expect(relativeLift({ successes: 5, trials: 100 }, { successes: 0, trials: 100 })).toEqual({ estimate: -1, interval: null });
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('reproduces Mendel\'s peas: 315, 108, 101, 32 against 9:3:3:1 gives 0.470 on 3 df, p = 0.925', () => {
    // The textbook goodness-of-fit example (e.g. Sokal & Rohlf, Biometry; Zar, Biostatistical
    // Analysis): expected 312.75, 104.25, 104.25, 34.75 of 556.
    const fit = chiSquareGoodnessOfFit([315, 108, 101, 32], [9, 3, 3, 1])!;
    expect(fit.statistic).toBeCloseTo(0.470, 3);
    expect(fit.degreesOfFreedom).toBe(3);
    expect(fit.pValue).toBeCloseTo(0.925, 3);
  });

  it('gives p = exp(-x/2) on 2 df: 50, 30, 20 against equal weights is 14.0, p = 0.000912', () => {
    // Chi-square with 2 degrees of freedom is the exponential with mean 2: P(X > x) = exp(-x/2).
    // Expected 33.33 each: (16.67^2 + 3.33^2 + 13.33^2) / 33.33 = 14.0.
    const fit = chiSquareGoodnessOfFit([50, 30, 20], [1, 1, 1])!;
    expect(fit.statistic).toBeCloseTo(14, 10);
    expect(fit.pValue).toBeCloseTo(Math.exp(-7), 9);
  });

  it('equals the two-sided z-test on 1 df: 10,000 against 10,500 on a 50/50 split', () => {
    // With 1 df, X = Z^2: p = 2 (1 - Phi(sqrt(x))). x = 2 * 250^2 / 10250 = 12.195.
    const x = (2 * 250 ** 2) / 10_250;
    const fit = chiSquareGoodnessOfFit([10_000, 10_500], [50, 50])!;
    expect(fit.statistic).toBeCloseTo(x, 10);
    // A&S 26.2.17 is good to 7.5e-8 in Phi, so to 1.5e-7 in a two-sided p.
    expect(fit.pValue).toBeCloseTo(twoSidedP(Math.sqrt(x)), 6);
    expect(fit.pValue).toBeLessThan(0.001);
  });

  it('finds counts in a zero-weight cell impossible, and needs data and two cells', () => {
    expect(chiSquareGoodnessOfFit([10, 10, 1], [1, 1, 0])).toMatchObject({ pValue: 0 });
    expect(chiSquareGoodnessOfFit([0, 0], [1, 1])).toBeNull();
    expect(chiSquareGoodnessOfFit([10, 0], [1, 0])).toBeNull();
  });
});

describe('analyzeExperiment: the winner rule', () => {
  const arm = (name: string, exposed: number, converted: number, weight: number | null = 1, isControl = false): VariantCounts => ({ name, isControl, weight, exposed, converted });
  const options = { alpha: 0.05, minSamplePerVariant: 5000, srmAlpha: 0.001 };

  // Control 10% of 10,000, treatment 11.5% of 10,000: pooled 0.1075, se = sqrt(0.1075 * 0.8925 *
  // 0.0002) = 0.0043805, z = 3.4243, p = 0.00062 (by hand, with the A&S normal above).
  const significant = [arm('control', 10_000, 1000, 1, true), arm('treatment', 10_000, 1150)];

  it('declares the treatment the winner when significant, sampled and without SRM', () => {
    const result = analyzeExperiment(significant, options);
    const treatment = result.variants.find((v) => v.name === 'treatment')!;
    expect(treatment.zScore).toBeCloseTo(0.015 / Math.sqrt(0.1075 * 0.8925 * 0.0002), 8);
    expect(treatment.pValue).toBeCloseTo(twoSidedP(treatment.zScore!), 6);
    expect(result.srm).toMatchObject({ statistic: 0, pValue: 1, isMismatch: false });
    expect(result.correction).toEqual({ method: 'bonferroni', comparisons: 1, perComparisonAlpha: 0.05 });
    expect(result).toMatchObject({ winner: 'treatment', reasons: [] });
    expect(result.variants[0]).toMatchObject({ name: 'control', rate: 0.1, pValue: null, lift: null, hasMinimumSample: true });
  });

  it('declares nothing under a sample-ratio mismatch, however significant', () => {
    // 10,000 against 10,600 on 50/50: x = 2 * 300^2 / 10,300 = 17.48, p = 2.9e-5 < 0.001.
    const result = analyzeExperiment([arm('control', 10_000, 1000, 1, true), arm('treatment', 10_600, 1219)], options);
    expect(result.srm.pValue).toBeCloseTo(twoSidedP(Math.sqrt((2 * 300 ** 2) / 10_300)), 7);
    expect(result.srm.isMismatch).toBe(true);
    expect(result.variants[1]!.isSignificant).toBe(true);
    expect(result).toMatchObject({ winner: null, reasons: ['sample_ratio_mismatch'] });
  });

  it('declares nothing below the minimum sample', () => {
    expect(analyzeExperiment(significant, { ...options, minSamplePerVariant: 10_001 })).toMatchObject({ winner: null, reasons: ['below_minimum_sample'] });
  });

  it('declares nothing without weights to check the sample ratio against', () => {
    const result = analyzeExperiment([arm('control', 10_000, 1000, null, true), arm('treatment', 10_000, 1150, null)], options);
    expect(result).toMatchObject({ winner: null, reasons: ['weights_unknown'], srm: { isMismatch: null, reason: 'weights_unknown' } });
  });

  it('holds each of several treatments to alpha / m (Bonferroni)', () => {
    // 10.94% against 10% of 10,000: pooled 0.1047, z = 0.0094 / 0.0043298 = 2.1710, p = 0.0299.
    // Alone it wins; beside a second treatment its adjusted p is 0.0599 > 0.05.
    const alone = analyzeExperiment([arm('control', 10_000, 1000, 1, true), arm('b', 10_000, 1094)], options);
    expect(alone.variants[1]!.pValue).toBeCloseTo(twoSidedP(0.0094 / Math.sqrt(0.1047 * 0.8953 * 0.0002)), 6);
    expect(alone.variants[1]!.pValue).toBeCloseTo(0.0299, 4);
    expect(alone.winner).toBe('b');
    const twoArms = analyzeExperiment([arm('control', 10_000, 1000, 1, true), arm('b', 10_000, 1094), arm('c', 10_000, 1000)], options);
    expect(twoArms.correction).toEqual({ method: 'bonferroni', comparisons: 2, perComparisonAlpha: 0.025 });
    expect(twoArms.variants[1]!.adjustedPValue).toBeCloseTo(2 * alone.variants[1]!.pValue!, 12);
    expect(twoArms).toMatchObject({ winner: null, reasons: ['not_significant'] });
  });

  it('names the control when every treatment is significantly worse, and nothing when results are mixed', () => {
    const worse = analyzeExperiment([arm('control', 10_000, 1150, 1, true), arm('b', 10_000, 1000), arm('c', 10_000, 980)], options);
    expect(worse.winner).toBe('control');
    const mixed = analyzeExperiment([arm('control', 10_000, 1150, 1, true), arm('b', 10_000, 1000), arm('c', 10_000, 1140)], options);
    expect(mixed).toMatchObject({ winner: null, reasons: ['not_significant'] });
  });

  it('checks the split against unequal weights', () => {
    // 90/10: 9,000 and 1,000 of 10,000 is a perfect fit; 8,800 and 1,200 is x = 200^2/9000 + 200^2/1000 = 44.4.
    expect(analyzeExperiment([arm('control', 9000, 900, 90, true), arm('t', 1000, 100, 10)], { ...options, minSamplePerVariant: 1 }).srm).toMatchObject({ statistic: 0, isMismatch: false });
    const skewed = analyzeExperiment([arm('control', 8800, 880, 90, true), arm('t', 1200, 120, 10)], { ...options, minSamplePerVariant: 1 });
    expect(skewed.srm.statistic).toBeCloseTo(200 ** 2 / 9000 + 200 ** 2 / 1000, 10);
    expect(skewed.reasons).toContain('sample_ratio_mismatch');
  });
});
