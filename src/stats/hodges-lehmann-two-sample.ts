import { assertConfidenceLevel, assertFiniteSample } from './assert-sample.js';
import { elementAt } from './element-at.js';
import { MANN_WHITNEY_EXACT_MAX_SIZE, mannWhitneyNullCounts } from './mann-whitney-null-counts.js';
import { medianOfSorted } from './median.js';
import { standardNormalQuantile } from './standard-normal-quantile.js';

/** A location shift between two samples with its confidence interval. */
export interface LocationShift {
  /** Hodges–Lehmann estimate of the shift of `x` relative to `y`, in their unit. */
  readonly shift: number;
  /** Confidence interval [low, high] of the shift at the requested level. */
  readonly ci: readonly [number, number];
}

/**
 * Two-sample Hodges–Lehmann shift x − y: the median of all m·n differences xᵢ − yⱼ, with the
 * confidence interval from inverting the Mann–Whitney test: [D₍ₖ₎, D₍ₘₙ₊₁₋ₖ₎] over the sorted
 * differences D (Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §4.2–4.3; what
 * benchstat and R `wilcox.test(x, y, conf.int = TRUE)` report).
 *
 * - Both sizes < 50: k = qwilcox((1 − level)/2, m, n), raised to 1 if 0, as R's exact interval.
 * - Otherwise Hollander & Wolfe's large-sample value k = ⌊mn/2 − z·√(mn(m+n+1)/12)⌋ (at least 1).
 * - When the level cannot be reached (too few values) k = 1: the widest interval [min D, max D].
 * Ties are not corrected for in the interval.
 * @param x first sample (e.g. head), at least one finite value.
 * @param y second sample (e.g. base), at least one finite value.
 * @param level confidence level in (0, 1), default 0.95.
 * @throws RangeError when a sample is empty or non-finite, or `level` is outside (0, 1).
 * @example hodgesLehmannTwoSample([11, 12, 13], [1, 2, 3]).shift // 10
 */
export function hodgesLehmannTwoSample(
  x: readonly number[],
  y: readonly number[],
  level = 0.95,
): LocationShift {
  assertFiniteSample(x, 'hodgesLehmannTwoSample (x)');
  assertFiniteSample(y, 'hodgesLehmannTwoSample (y)');
  assertConfidenceLevel(level, 'hodgesLehmannTwoSample');
  const differences = new Float64Array(x.length * y.length);
  let index = 0;
  for (const xi of x) {
    for (const yj of y) {
      differences[index] = xi - yj;
      index += 1;
    }
  }
  differences.sort();
  const k = Math.max(1, criticalRank(x.length, y.length, (1 - level) / 2));
  return {
    shift: medianOfSorted(differences),
    ci: [elementAt(differences, k - 1), elementAt(differences, differences.length - k)],
  };
}

function criticalRank(m: number, n: number, tailProbability: number): number {
  if (m > MANN_WHITNEY_EXACT_MAX_SIZE || n > MANN_WHITNEY_EXACT_MAX_SIZE) {
    const z = standardNormalQuantile(1 - tailProbability);
    return Math.floor((m * n) / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  }
  // qwilcox: the smallest q with P(U ≤ q) ≥ p (R subtracts 10ε from p so exact ties round down).
  const counts = mannWhitneyNullCounts(m, n);
  const all = counts.reduce((sum, c) => sum + c, 0);
  const target = (tailProbability - 10 * Number.EPSILON) * all;
  let cumulative = 0;
  for (let q = 0; q < counts.length; q += 1) {
    cumulative += counts[q] ?? 0;
    if (cumulative >= target) return q;
  }
  return counts.length - 1;
}
