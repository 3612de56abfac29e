import { assertFiniteSample } from './assert-sample.js';
import { medianOfSorted } from './median.js';
import { signedRankNullCounts } from './signed-rank-null-counts.js';
import { standardNormalCdf } from './standard-normal-cdf.js';
import { walshAverages } from './walsh-averages.js';

/** Below this n the exact null distribution is used, as R `wilcox.test` (`exact = n < 50`). */
export const SIGNED_RANK_EXACT_BELOW_N = 50;

/** A signed-rank interval and the confidence it really has. */
export interface SignedRankInterval {
  /** Lower end, in the unit of `d`. */
  readonly low: number;
  /** Upper end, in the unit of `d`. */
  readonly high: number;
  /**
   * Two-sided confidence the interval really has for continuous data (at least this with ties):
   * 1 − 2·P(V ≤ k − 1) for its order statistic k. Lower than asked for when n is too small to
   * reach the level (then it is the widest interval, [min d, max d]).
   */
  readonly confidence: number;
}

/**
 * Everything the gate asks of one sample of paired differences `d`, all from the same n(n+1)/2
 * sorted Walsh averages, so that test, estimate and interval can never disagree.
 */
export interface SignedRankInference {
  /** Number of differences, zeros included. */
  readonly n: number;
  /** Hodges–Lehmann estimate of the pseudo-median θ: the median of the Walsh averages. */
  readonly estimate: number;
  /** One-sided p-value of H0: θ ≤ `delta` against θ > `delta`. */
  pAbove(delta: number): number;
  /** One-sided p-value of H0: θ ≥ `delta` against θ < `delta`. */
  pBelow(delta: number): number;
  /**
   * The interval whose ends are the tests' boundaries at one-sided level `tail`:
   * `low > δ` exactly when `pAbove(δ) ≤ tail`, and `high < δ` exactly when `pBelow(δ) ≤ tail`
   * (unless n is too small to reach `tail`; see `confidence`).
   * @throws RangeError when `tail` is outside (0, 0.5).
   */
  interval(tail: number): SignedRankInterval;
}

/**
 * Signed-rank inference on the pseudo-median θ of paired differences `d`, through Tukey's identity:
 * the Wilcoxon statistic of d − δ is the number of Walsh averages (d_i + d_j)/2, i ≤ j, above δ
 * (Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §3.1–3.3). So the one-sided test of
 * any shifted null, the Hodges–Lehmann estimate and the interval (its inversion) come from one sorted
 * array, which is what lets the gate test "worse by more than half the threshold" and "within ±threshold"
 * and show an interval that says the same thing.
 *
 * Zeros (and Walsh averages equal to δ) are kept everywhere and counted as *not* above (or below) δ:
 * a pair where head equalled base is evidence of no change, in the estimate, the interval and the test
 * alike. That test is conservative under ties: breaking each tie at random would give the exact level,
 * and the count without ties is never larger. (R and SciPy drop zeros from the test but R's estimate
 * and interval keep them, which lets p fall below alpha while the interval touches 0.)
 *
 * Null distribution of V: exact for n < 50 (as R), else normal with continuity correction, mean
 * n(n+1)/4, variance n(n+1)(2n+1)/24.
 * @param d finite paired differences (e.g. ln(head/base) per pair), at least one.
 * @throws RangeError when `d` is empty or holds a non-finite number.
 * @example signedRankInference([0.1, 0.2, 0.15, 0.12, 0.3, 0.25]).pAbove(0) // 1/64: every Walsh average > 0
 */
export function signedRankInference(d: readonly number[]): SignedRankInference {
  assertFiniteSample(d, 'signedRankInference');
  const n = d.length;
  const walsh = walshAverages(d);
  const m = walsh.length;
  const upperTail = nullUpperTail(n);
  const countAbove = (delta: number): number => m - countBelow(walsh, delta, true);
  const countUnder = (delta: number): number => countBelow(walsh, delta, false);
  return {
    n,
    estimate: medianOfSorted(walsh),
    pAbove: (delta) => upperTail(countAbove(delta)),
    pBelow: (delta) => upperTail(countUnder(delta)),
    interval(tail) {
      if (!(tail > 0 && tail < 0.5)) {
        throw new RangeError(`signedRankInference: one-sided level must be in (0, 0.5), got ${tail}`);
      }
      // k − 1 = the largest q with P(V ≤ q) = P(V ≥ m − q) ≤ tail; at least 1 (the widest interval).
      const k = Math.max(1, largestQ(m, (q) => upperTail(m - q) <= tail) + 1);
      const error = upperTail(m - (k - 1));
      return {
        low: walsh[k - 1] ?? Number.NaN,
        high: walsh[m - k] ?? Number.NaN,
        confidence: Math.max(0, 1 - 2 * error),
      };
    },
  };
}

// Exact upper tails by n: they depend on n alone, and a gate asks for the same few n many times.
const exactTails = new Map<number, Float64Array>();

function exactTail(n: number): Float64Array {
  const cached = exactTails.get(n);
  if (cached !== undefined) return cached;
  const m = (n * (n + 1)) / 2;
  const counts = signedRankNullCounts(n);
  const tail = new Float64Array(m + 2);
  for (let v = m; v >= 0; v -= 1) tail[v] = (tail[v + 1] ?? 0) + (counts[v] ?? 0);
  exactTails.set(n, tail);
  return tail;
}

/** P(V ≥ c) under the null, for integer c (1 for c ≤ 0, 0 beyond the maximum). */
function nullUpperTail(n: number): (c: number) => number {
  const m = (n * (n + 1)) / 2;
  if (n < SIGNED_RANK_EXACT_BELOW_N) {
    const tail = exactTail(n);
    const total = 2 ** n;
    return (c) => (c <= 0 ? 1 : c > m ? 0 : (tail[c] ?? 0) / total);
  }
  const mean = m / 2;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  return (c) => (c <= 0 ? 1 : c > m ? 0 : 1 - standardNormalCdf((c - 0.5 - mean) / sigma));
}

/** Largest q in [−1, m] with `holds(q)`, for a predicate true up to some q and false after. */
function largestQ(m: number, holds: (q: number) => boolean): number {
  let low = -1;
  let high = m;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (holds(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Number of sorted values below x (`orEqual`: at most x), by binary search. */
function countBelow(sorted: Float64Array, x: number, orEqual: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const value = sorted[mid] ?? 0;
    if (value < x || (orEqual && value === x)) low = mid + 1;
    else high = mid;
  }
  return low;
}
