import { assertFiniteSample } from './assert-sample.js';
import { averageRanks } from './average-ranks.js';
import { SIGNED_RANK_EXACT_MAX_N, signedRankNullCounts } from './signed-rank-null-counts.js';
import { standardNormalCdf } from './standard-normal-cdf.js';

/** Outcome of a two-sided Wilcoxon signed-rank test of "the differences are centred on 0". */
export interface SignedRankTest {
  /** V: sum of the ranks of |d| over the positive differences (R's `V`; SciPy's statistic with `alternative='greater'`). */
  readonly statistic: number;
  /** Two-sided p-value in [0, 1]; 1 when no difference is non-zero. */
  readonly pValue: number;
  /** `exact`: the exact null distribution; `normal`: the normal approximation with tie and continuity correction. */
  readonly method: 'exact' | 'normal';
  /** Non-zero differences the test used (zeros are dropped). */
  readonly n: number;
}

/**
 * Two-sided Wilcoxon signed-rank test, as R `wilcox.test(d)` and SciPy
 * `wilcoxon(d, zero_method="wilcox", correction=True, method=…)`.
 *
 * - Zeros are dropped before ranking (Wilcoxon's original method, R's and SciPy's default).
 * - Exact null distribution when 1 ≤ n ≤ 50 and there were no ties among |d| and no zeros;
 *   p = min(1, 2·P(V ≤ v)) or 2·P(V ≥ v), whichever tail v lies in (R's rule).
 * - Otherwise the normal approximation: mean n(n+1)/4, variance n(n+1)(2n+1)/24 − Σ(t³−t)/48 over tie
 *   groups t, and a continuity correction of 0.5 towards the mean.
 * - No non-zero difference at all: p = 1 (R stops with an error there; SciPy returns NaN).
 * Source: Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §3.1.
 * @param d finite paired differences (e.g. ln(head/base) per pair).
 * @throws RangeError when `d` holds a non-finite number.
 */
export function wilcoxonSignedRank(d: readonly number[]): SignedRankTest {
  assertFiniteSample(d, 'wilcoxonSignedRank', 0);
  const nonZero = d.filter((x) => x !== 0);
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, method: 'exact', n: 0 };
  const { ranks, tieSizes } = averageRanks(nonZero.map(Math.abs));
  const statistic = nonZero.reduce((sum, x, i) => (x > 0 ? sum + (ranks[i] ?? 0) : sum), 0);
  const hasTies = tieSizes.some((t) => t > 1);
  if (n <= SIGNED_RANK_EXACT_MAX_N && !hasTies && n === d.length) {
    return { statistic, pValue: exactPValue(statistic, n), method: 'exact', n };
  }
  const mean = (n * (n + 1)) / 4;
  const tieTerm = tieSizes.reduce((sum, t) => sum + t ** 3 - t, 0);
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  const deviation = statistic - mean;
  const z = (deviation - Math.sign(deviation) * 0.5) / sigma;
  return { statistic, pValue: Math.min(1, 2 * standardNormalCdf(-Math.abs(z))), method: 'normal', n };
}

function exactPValue(statistic: number, n: number): number {
  const counts = signedRankNullCounts(n);
  const upper = statistic > (n * (n + 1)) / 4;
  let tail = 0;
  counts.forEach((count, v) => {
    if (upper ? v >= statistic : v <= statistic) tail += count;
  });
  return Math.min(1, (2 * tail) / 2 ** n);
}
