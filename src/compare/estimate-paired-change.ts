import { hodgesLehmannOneSample } from '../stats/hodges-lehmann-one-sample.js';
import { median } from '../stats/median.js';
import { signedRankConfidenceInterval } from '../stats/signed-rank-confidence-interval.js';
import { wilcoxonSignedRank } from '../stats/wilcoxon-signed-rank.js';

/** One metric's values in one base/head pair, in the metric's unit. */
export interface PairedValues {
  readonly base: number;
  readonly head: number;
}

/**
 * How the change was estimated:
 * `log-ratio` — ln(head/base) per pair (the normal case);
 * `difference` — head − base per pair, because some pair had a value ≤ 0 on one side only;
 * `identical` — base equalled head in every pair (nothing to test);
 * `none` — no pair had finite values.
 */
export type ChangeMethod = 'log-ratio' | 'difference' | 'identical' | 'none';

/** The paired estimate for one scenario × metric, before false-discovery control. */
export interface PairedChange {
  readonly method: ChangeMethod;
  /** Pairs used (finite values on both sides). */
  readonly pairs: number;
  /** Pairs whose difference was not zero (the n of the signed-rank test). */
  readonly informativePairs: number;
  readonly baseMedian: number;
  readonly headMedian: number;
  /** Hodges–Lehmann estimate of head/base − 1. */
  readonly change: number;
  /** Confidence interval of head/base − 1 at the requested level. */
  readonly ci: readonly [number, number];
  /** Two-sided Wilcoxon signed-rank p-value. */
  readonly pValue: number;
  readonly warnings: readonly string[];
}

/**
 * Estimates head's change relative to base from paired trials: the Hodges–Lehmann estimate and the
 * signed-rank confidence interval of the per-pair log-ratios ln(head/base), exponentiated back to a
 * relative change, with the Wilcoxon signed-rank p-value (docs/statistics.md). Direction-neutral:
 * the test is two-sided and the estimate symmetric, so orienting by the metric's better direction
 * happens only in the verdict.
 *
 * Values ≤ 0 break ratios (an error rate of 0 on one side): then every pair is compared by its
 * difference head − base instead, and the estimate is divided by base's median (or, when that is 0,
 * by the mean of all values of both sides), with a warning saying so. Pairs with a non-finite value
 * are skipped with a warning.
 * @param values one entry per complete pair, in the metric's unit.
 * @param level confidence level of `ci`, in (0, 1).
 */
export function estimatePairedChange(values: readonly PairedValues[], level: number): PairedChange {
  const usable = values.filter((v) => Number.isFinite(v.base) && Number.isFinite(v.head));
  const warnings: string[] = [];
  const skipped = values.length - usable.length;
  if (skipped > 0)
    warnings.push(`${skipped} pair(s) had a value that is not a finite number and were skipped`);
  if (usable.length === 0) {
    warnings.push('no pair had finite values on both sides: not compared');
    return {
      method: 'none',
      pairs: 0,
      informativePairs: 0,
      baseMedian: 0,
      headMedian: 0,
      change: 0,
      ci: [0, 0],
      pValue: 1,
      warnings,
    };
  }
  const baseMedian = median(usable.map((v) => v.base));
  const headMedian = median(usable.map((v) => v.head));
  const common = { pairs: usable.length, baseMedian, headMedian };
  if (usable.every((v) => v.base === v.head)) {
    warnings.push(`zero variance: base and head were identical in all ${usable.length} pair(s)`);
    return {
      ...common,
      method: 'identical',
      informativePairs: 0,
      change: 0,
      ci: [0, 0],
      pValue: 1,
      warnings,
    };
  }
  const ratioUndefined = usable.filter((v) => v.base !== v.head && (v.base <= 0 || v.head <= 0)).length;
  if (ratioUndefined === 0) {
    const logRatios = usable.map((v) => (v.base === v.head ? 0 : Math.log(v.head / v.base)));
    const test = wilcoxonSignedRank(logRatios);
    const [low, high] = signedRankConfidenceInterval(logRatios, level);
    const change = Math.expm1(hodgesLehmannOneSample(logRatios));
    return {
      ...common,
      method: 'log-ratio',
      informativePairs: test.n,
      change,
      ci: [Math.expm1(low), Math.expm1(high)],
      pValue: test.pValue,
      warnings,
    };
  }
  const differences = usable.map((v) => v.head - v.base);
  const pooledMean =
    usable.reduce((sum, v) => sum + Math.abs(v.base) + Math.abs(v.head), 0) / (2 * usable.length);
  // Positive: not every pair is equal, so some value is non-zero.
  const scale = baseMedian > 0 ? baseMedian : pooledMean;
  warnings.push(
    `${ratioUndefined} pair(s) had a value ≤ 0 on one side only, so ratios are undefined: compared head − base ` +
      (baseMedian > 0
        ? `per pair, relative to base's median (${baseMedian})`
        : `per pair, relative to the mean of both sides (${pooledMean}) because base's median is ${baseMedian}; read the change as approximate`),
  );
  const test = wilcoxonSignedRank(differences);
  const [low, high] = signedRankConfidenceInterval(differences, level);
  const change = hodgesLehmannOneSample(differences) / scale;
  return {
    ...common,
    method: 'difference',
    informativePairs: test.n,
    change,
    ci: [low / scale, high / scale],
    pValue: test.pValue,
    warnings,
  };
}
