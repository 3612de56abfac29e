import { assertFiniteSample } from './assert-sample.js';
import { averageRanks } from './average-ranks.js';
import { MANN_WHITNEY_EXACT_MAX_SIZE, mannWhitneyNullCounts } from './mann-whitney-null-counts.js';
import {
  MANN_WHITNEY_TIES_EXACT_MAX_SIZE,
  mannWhitneyTiedNullCounts,
} from './mann-whitney-tied-null-counts.js';
import { standardNormalCdf } from './standard-normal-cdf.js';

/** Outcome of a two-sided Mann–Whitney U (Wilcoxon rank-sum) test of "a and b come from one distribution". */
export interface MannWhitneyTest {
  /** U of `a`: pairs (aᵢ, bⱼ) with aᵢ > bⱼ, ties counted ½ (R's `W` for `wilcox.test(a, b)`; SciPy's `U1`). */
  readonly statistic: number;
  /** Two-sided p-value in [0, 1]. */
  readonly pValue: number;
  /**
   * `exact`: the exact null distribution (no ties); `exact-ties`: the exact distribution conditional
   * on the observed ties; `normal`: normal approximation with tie and continuity correction.
   */
  readonly method: 'exact' | 'exact-ties' | 'normal';
}

/**
 * Two-sided Mann–Whitney U test for two independent samples (stored-baseline mode: head's trials
 * against an earlier run's), as R `wilcox.test(a, b)` and SciPy
 * `mannwhitneyu(a, b, use_continuity=True, method=…)` without ties, and as benchstat with them.
 *
 * - `exact`: no value tied and both samples have fewer than 50 values (R's rule; SciPy's
 *   `method="auto"` switches to the approximation earlier, above 8 values). p = 2·(smaller tail).
 * - `exact-ties`: some values tied and both samples have at most 25 values (benchstat's rule,
 *   go-moremath `MannWhitneyTiesExactLimit`): the permutation distribution of U given the ties
 *   (Klotz 1966; see {@link mannWhitneyTiedNullCounts}). That distribution can be asymmetric, so
 *   p = min(1, 2·min(P(U ≤ u), P(U ≥ u))), SciPy `permutation_test`'s two-sided rule. Quantised
 *   latencies tie often, and there the normal approximation is conservative (benchstat's data:
 *   up to 0.036 higher). When every value is equal, p = 1.
 * - Otherwise `normal`: mean mn/2, variance (mn/12)·((N+1) − Σ(t³−t)/(N(N−1))) over tie groups t,
 *   continuity correction 0.5 towards the mean. When every value is equal the variance is 0 and
 *   p = 1 (R returns NaN there).
 * Source: Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §4.1; Klotz, J. H. (1966),
 * JASA 61, 772–787.
 * @param a first sample (e.g. head), at least one finite value.
 * @param b second sample (e.g. base), at least one finite value.
 * @throws RangeError when a sample is empty or holds a non-finite number.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyTest {
  assertFiniteSample(a, 'mannWhitneyU (a)');
  assertFiniteSample(b, 'mannWhitneyU (b)');
  const m = a.length;
  const n = b.length;
  const { ranks, tieSizes } = averageRanks([...a, ...b]);
  const rankSumA = ranks.slice(0, m).reduce((sum, r) => sum + r, 0);
  const statistic = rankSumA - (m * (m + 1)) / 2;
  const hasTies = tieSizes.some((t) => t > 1);
  if (!hasTies && m <= MANN_WHITNEY_EXACT_MAX_SIZE && n <= MANN_WHITNEY_EXACT_MAX_SIZE) {
    return { statistic, pValue: exactPValue(statistic, m, n), method: 'exact' };
  }
  if (hasTies && m <= MANN_WHITNEY_TIES_EXACT_MAX_SIZE && n <= MANN_WHITNEY_TIES_EXACT_MAX_SIZE) {
    return { statistic, pValue: exactTiedPValue(statistic, m, tieSizes), method: 'exact-ties' };
  }
  const total = m + n;
  const tieTerm = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { statistic, pValue: 1, method: 'normal' };
  const deviation = statistic - (m * n) / 2;
  const z = (deviation - Math.sign(deviation) * 0.5) / Math.sqrt(variance);
  return { statistic, pValue: Math.min(1, 2 * standardNormalCdf(-Math.abs(z))), method: 'normal' };
}

function exactPValue(statistic: number, m: number, n: number): number {
  const counts = mannWhitneyNullCounts(m, n);
  const upper = statistic > (m * n) / 2;
  let tail = 0;
  let all = 0;
  counts.forEach((count, u) => {
    all += count;
    if (upper ? u >= statistic : u <= statistic) tail += count;
  });
  return Math.min(1, (2 * tail) / all);
}

function exactTiedPValue(statistic: number, m: number, tieSizes: readonly number[]): number {
  const counts = mannWhitneyTiedNullCounts(m, tieSizes);
  // Mid-ranks are halves, so 2U is an integer and the tails are compared exactly.
  const twiceStatistic = Math.round(2 * statistic);
  let lower = 0;
  let upper = 0;
  let all = 0;
  counts.forEach((count, twiceU) => {
    all += count;
    if (twiceU <= twiceStatistic) lower += count;
    if (twiceU >= twiceStatistic) upper += count;
  });
  return Math.min(1, (2 * Math.min(lower, upper)) / all);
}
