import { assertConfidenceLevel } from './assert-sample.js';
import { elementAt } from './element-at.js';
import { SIGNED_RANK_EXACT_MAX_N, signedRankNullCounts } from './signed-rank-null-counts.js';
import { standardNormalQuantile } from './standard-normal-quantile.js';
import { walshAverages } from './walsh-averages.js';

/**
 * Confidence interval for the pseudo-median of `d` (the location the Hodges–Lehmann estimate
 * estimates), by inverting the two-sided signed-rank test: [W₍ₖ₎, W₍ₘ₊₁₋ₖ₎] over the M = n(n+1)/2
 * sorted Walsh averages W (Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §3.3).
 *
 * - n ≤ 50: k = qsignrank((1 − level)/2, n), raised to 1 if 0, exactly as R
 *   `wilcox.test(d, conf.int = TRUE, conf.level = level)` picks its exact interval; its coverage is at
 *   least `level` whenever `level` is reachable.
 * - n > 50: the large-sample critical value of Hollander & Wolfe (3.26),
 *   k = ⌊n(n+1)/4 − z·√(n(n+1)(2n+1)/24)⌋ (rounded down: conservative). R finds its large-sample
 *   interval by root-finding on the tie-corrected statistic instead, so the ends may differ slightly.
 * - When `level` cannot be reached (2/2ⁿ > 1 − level, e.g. n < 6 for 95%), k = 1: the widest
 *   interval [min d, max d], with coverage 1 − 2/2ⁿ only. Callers should warn (see
 *   `minimumAchievablePValue`).
 * Zeros are kept and ties are not corrected for (the interval stays valid, slightly conservative).
 * @param d finite differences, at least one.
 * @param level confidence level in (0, 1), e.g. 0.95.
 * @returns [low, high] in the unit of `d`.
 * @throws RangeError when `d` is empty or non-finite, or `level` is outside (0, 1).
 */
export function signedRankConfidenceInterval(d: readonly number[], level: number): readonly [number, number] {
  assertConfidenceLevel(level, 'signedRankConfidenceInterval');
  const walsh = walshAverages(d);
  const k = Math.max(1, criticalRank(d.length, (1 - level) / 2));
  return [elementAt(walsh, k - 1), elementAt(walsh, walsh.length - k)];
}

function criticalRank(n: number, tailProbability: number): number {
  if (n > SIGNED_RANK_EXACT_MAX_N) {
    const z = standardNormalQuantile(1 - tailProbability);
    return Math.floor((n * (n + 1)) / 4 - z * Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24));
  }
  // qsignrank: the smallest q with P(V ≤ q) ≥ p; R subtracts 10ε from p so exact ties round down.
  const counts = signedRankNullCounts(n);
  const target = (tailProbability - 10 * Number.EPSILON) * 2 ** n;
  let cumulative = 0;
  for (let q = 0; q < counts.length; q += 1) {
    cumulative += counts[q] ?? 0;
    if (cumulative >= target) return q;
  }
  return counts.length - 1;
}
