/**
 * E-Divisive means: change points in a univariate series by recursive bisection on the energy
 * statistic, each split kept only when a permutation test finds it significant.
 *
 * Method: Matteson & James, "A Nonparametric Approach for Multiple Change Point Analysis of
 * Multivariate Data", JASA 109 (2014), with divergence exponent alpha = 1. The search over the
 * split τ and the end κ of the right part is the paper's (as Apache Otava's `PairDistanceCalculator`
 * and R ecp's `e.divisive`); the permutation test shuffles within the current segments and compares
 * the best statistic over all of them (ecp `sig.test`, Otava `PermutationsSignificanceTester`,
 * MongoDB signal-processing-algorithms `_get_next_significant_change_point`), with the p-value
 * (b + 1)/(B + 1) (Phipson & Smyth 2010, as ecp; Otava and MongoDB use b/(B + 1), which can reach 0).
 * After the bisection each change point is re-tested between its neighbours and the weakest dropped
 * while it fails (Otava/Hunter's merge step, Fleming et al. 2023, which re-tests with Student's t;
 * here the re-test is the energy statistic's own permutation test, see `mergeWeakChangePoints`).
 */
import { assertFiniteSample } from '../stats/assert-sample.js';
import { median } from '../stats/median.js';
import { createSeededRandom } from '../stats/seeded-random.js';

/** Options of {@link eDivisive}. */
export interface EDivisiveOptions {
  /** Permutations per test (B). Default 199, as R ecp's `e.divisive`. */
  readonly permutations?: number;
  /** Largest p-value a change point may have to be kept, in (0, 1). Default 0.01. */
  readonly pValue?: number;
  /** Fewest points a segment may have (both sides of a split), an integer ≥ 2. Default 3. */
  readonly minSize?: number;
  /** Seed of the permutations (any integer): one seed, one answer. Default 1. */
  readonly seed?: number;
  /**
   * Re-test each change point between its neighbours after the bisection and drop the weak ones
   * (Otava's merge step). Default true; false gives the plain bisection of Matteson & James.
   */
  readonly retest?: boolean;
}

/** One change point of a series, as {@link eDivisive} returns it. */
export interface EDivisiveChangePoint {
  /** Index of the first point of the new segment (0-based, ≥ minSize). */
  readonly index: number;
  /**
   * Permutation p-value (b + 1)/(B + 1) of the split between its neighbouring change points (with
   * `retest: false`, of the bisection step that found it).
   */
  readonly pValue: number;
  /** Median of the segment before (from the previous change point, or the start), in the series' unit. */
  readonly before: number;
  /** Median of the segment after (up to the next change point, or the end), in the series' unit. */
  readonly after: number;
  /** after/before − 1 (0.1 for a 10% rise); ±Infinity when `before` is 0 and `after` is not, 0 when both are. */
  readonly change: number;
}

/** The defaults of {@link EDivisiveOptions}. */
export const E_DIVISIVE_DEFAULTS = {
  permutations: 199,
  pValue: 0.01,
  minSize: 3,
  seed: 1,
  retest: true,
} as const;

/** The best split of one segment [start, end): τ (first index of the right part) and its q̂. */
interface Split {
  readonly tau: number;
  readonly qhat: number;
}

/**
 * Change points of `values` (oldest first), sorted by index. Deterministic for a given seed.
 * Cost: O(n²) per permutation. With the defaults, 200 points take about 1 ms when there is no
 * change point (the test stops as soon as its p-value must exceed pValue), 130–170 ms with one and
 * 240 ms with two on a 2-core runner (`npm run bench:changepoints`, bench/history/change-points.ts).
 * @throws RangeError when a value is not finite or an option is out of range (permutations a
 * positive integer, pValue in (0, 1), minSize an integer ≥ 2).
 */
export function eDivisive(values: readonly number[], options: EDivisiveOptions = {}): EDivisiveChangePoint[] {
  assertFiniteSample(values, 'eDivisive', 0);
  const { permutations, pValue, minSize, seed, retest } = { ...E_DIVISIVE_DEFAULTS, ...options };
  if (!Number.isInteger(permutations) || permutations < 1)
    throw new RangeError(`eDivisive: permutations must be a positive integer, got ${permutations}`);
  if (!(pValue > 0 && pValue < 1)) throw new RangeError(`eDivisive: pValue must be in (0, 1), got ${pValue}`);
  if (!Number.isInteger(minSize) || minSize < 2)
    throw new RangeError(`eDivisive: minSize must be an integer of at least 2, got ${minSize}`);
  if (!Number.isInteger(seed)) throw new RangeError(`eDivisive: seed must be an integer, got ${seed}`);

  const random = createSeededRandom(seed);
  const series = Float64Array.from(values);
  const scratch = new Float64Array(series.length);
  const cuts: { index: number; pValue: number }[] = []; // accepted by the bisection, sorted
  for (;;) {
    const bounds = [0, ...cuts.map(({ index }) => index), series.length];
    const best = bestSplitOver(series, bounds, minSize, scratch);
    if (best === undefined) break;
    // Stop once the p-value is sure to exceed pValue: the answer is the same, sooner.
    const mostAtLeast = pValue * (permutations + 1) - 1;
    let atLeast = 0;
    const shuffled = Float64Array.from(series);
    for (let b = 0; b < permutations && atLeast <= mostAtLeast; b += 1) {
      shuffled.set(series);
      for (let k = 1; k < bounds.length; k += 1)
        shuffleRange(shuffled, at(bounds, k - 1), at(bounds, k), random);
      const permuted = bestSplitOver(shuffled, bounds, minSize, scratch);
      if (permuted !== undefined && permuted.qhat >= best.qhat) atLeast += 1;
    }
    const p = (atLeast + 1) / (permutations + 1);
    if (p > pValue) break;
    cuts.push({ index: best.tau, pValue: p });
    cuts.sort((a, b) => a.index - b.index);
  }
  const kept = retest
    ? mergeWeakChangePoints(
        series,
        cuts.map(({ index }) => index),
        { permutations, pValue, random, scratch },
      )
    : cuts;
  return kept.map(({ index, pValue: p }, k) => {
    const before = median(values.slice(k === 0 ? 0 : at(kept, k - 1).index, index));
    const after = median(values.slice(index, k + 1 < kept.length ? at(kept, k + 1).index : values.length));
    return { index, pValue: p, before, after, change: relativeChange(before, after) };
  });
}

/**
 * Otava's merge step (Hunter, Fleming et al. 2023, `merge` in otava/analysis.py): re-test every
 * change point on the two segments around it (previous to next change point), drop the weakest
 * while its p-value exceeds `pValue`, and re-test its neighbours, whose segments just grew. Otava
 * re-tests with Student's t on the segments' means; here the re-test is the energy two-sample
 * permutation test at that fixed split (Székely & Rizzo 2004, the statistic the bisection used), so
 * that heavy tails do not decide. Otava also bisects at a relaxed first-pass level (10 × pValue)
 * before merging; that is not done here, because a re-test at a split chosen on the same data is
 * biased towards small p-values and would let the relaxed splits through.
 */
function mergeWeakChangePoints(
  series: Float64Array,
  cuts: readonly number[],
  test: {
    readonly permutations: number;
    readonly pValue: number;
    readonly random: () => number;
    readonly scratch: Float64Array;
  },
): { index: number; pValue: number }[] {
  const points = cuts.map((index) => ({ index, pValue: Number.NaN }));
  const retest = (k: number): void => {
    const point = points[k];
    if (point === undefined) return;
    const start = k === 0 ? 0 : at(points, k - 1).index;
    const end = k + 1 < points.length ? at(points, k + 1).index : series.length;
    point.pValue = splitPValue(series, start, point.index, end, test);
  };
  points.forEach((_, k) => retest(k));
  for (;;) {
    let weakest = -1;
    points.forEach((point, k) => {
      if (point.pValue > test.pValue && (weakest < 0 || point.pValue > at(points, weakest).pValue))
        weakest = k;
    });
    if (weakest < 0) return points;
    points.splice(weakest, 1);
    retest(weakest - 1);
    retest(weakest);
  }
}

/** Permutation p-value (b + 1)/(B + 1) of q̂ for the fixed split of [start, end) at `tau`. */
function splitPValue(
  series: Float64Array,
  start: number,
  tau: number,
  end: number,
  test: { readonly permutations: number; readonly random: () => number; readonly scratch: Float64Array },
): number {
  const segment = series.slice(start, end);
  const observed = qhatAtSplit(segment, tau - start);
  let atLeast = 0;
  for (let b = 0; b < test.permutations; b += 1) {
    shuffleRange(segment, 0, segment.length, test.random);
    if (qhatAtSplit(segment, tau - start) >= observed) atLeast += 1;
  }
  return (atLeast + 1) / (test.permutations + 1);
}

/** q̂ of X = z[0, n), Y = z[n, len) (Matteson & James eq. 4 with alpha = 1, U-statistic divisors). */
function qhatAtSplit(z: Float64Array, n: number): number {
  const m = z.length - n;
  let between = 0;
  let withinX = 0;
  let withinY = 0;
  for (let i = 0; i < z.length; i += 1) {
    const zi = at(z, i);
    for (let j = i + 1; j < z.length; j += 1) {
      const d = Math.abs(zi - at(z, j));
      if (j < n) withinX += d;
      else if (i >= n) withinY += d;
      else between += d;
    }
  }
  return combine(between, withinX, withinY, n, m);
}

/**
 * The split of the whole series that E-Divisive's first step proposes: the τ maximizing
 * q̂(values[0, τ), values[τ, κ)) over τ and κ (Matteson & James §2.2, alpha = 1), both parts at least
 * `minSize` long, with that q̂ (in the series' unit). Undefined when the series is shorter than
 * 2 × minSize. No significance test: see {@link eDivisive}.
 * @throws RangeError when a value is not finite or minSize is not an integer ≥ 2.
 */
export function bestEnergySplit(
  values: readonly number[],
  minSize: number = E_DIVISIVE_DEFAULTS.minSize,
): { readonly index: number; readonly qhat: number } | undefined {
  assertFiniteSample(values, 'bestEnergySplit', 0);
  if (!Number.isInteger(minSize) || minSize < 2)
    throw new RangeError(`bestEnergySplit: minSize must be an integer of at least 2, got ${minSize}`);
  const series = Float64Array.from(values);
  const split = bestSplit(series, 0, series.length, minSize, new Float64Array(series.length));
  return split === undefined ? undefined : { index: split.tau, qhat: split.qhat };
}

/** The best split over every segment [bounds[k−1], bounds[k]), or undefined when none can split. */
function bestSplitOver(
  series: Float64Array,
  bounds: readonly number[],
  minSize: number,
  scratch: Float64Array,
): Split | undefined {
  let best: Split | undefined;
  for (let k = 1; k < bounds.length; k += 1) {
    const split = bestSplit(series, at(bounds, k - 1), at(bounds, k), minSize, scratch);
    if (split !== undefined && (best === undefined || split.qhat > best.qhat)) best = split;
  }
  return best;
}

/**
 * The split of [start, end) maximizing q̂(z[start, τ), z[τ, κ)) over τ and κ ≤ end, both parts at
 * least `minSize` long (Matteson & James §2.2). O(L²) time, O(L) memory: `scratch` holds, for each
 * j, the summed distance from z[j] to every point of [start, τ) as τ moves right.
 */
function bestSplit(
  series: Float64Array,
  start: number,
  end: number,
  minSize: number,
  scratch: Float64Array,
): Split | undefined {
  if (end - start < 2 * minSize) return undefined;
  // toEarlier[j] = Σ_{start ≤ i < j} |z_i − z_j|, the distances from j back to the segment's start.
  const toEarlier = new Float64Array(end - start);
  for (let j = start + 1; j < end; j += 1) {
    let sum = 0;
    const zj = at(series, j);
    for (let i = start; i < j; i += 1) sum += Math.abs(at(series, i) - zj);
    toEarlier[j - start] = sum;
  }
  scratch.fill(0, start, end);
  let withinX = 0;
  let best: Split | undefined;
  for (let tau = start + 1; tau <= end - minSize; tau += 1) {
    // X grows by z[tau − 1]: add its distances to every later point, and its own to X.
    const added = at(series, tau - 1);
    for (let j = tau; j < end; j += 1) scratch[j] = at(scratch, j) + Math.abs(added - at(series, j));
    withinX += at(toEarlier, tau - 1 - start);
    const n = tau - start;
    if (n < minSize) continue;
    let between = 0;
    let withinY = 0;
    for (let kappa = tau + 1; kappa <= end; kappa += 1) {
      const j = kappa - 1; // Y = z[tau, kappa) grows by z[j]
      between += at(scratch, j);
      withinY += at(toEarlier, j - start) - at(scratch, j);
      const m = kappa - tau;
      if (m < minSize) continue;
      const qhat = combine(between, withinX, withinY, n, m);
      if (best === undefined || qhat > best.qhat) best = { tau, qhat };
    }
  }
  return best;
}

/**
 * q̂ = (nm/(n+m))·(2/(nm)·Σ|X−Y| − Σ_{i<k}|X_i−X_k|/C(n,2) − Σ_{j<k}|Y_j−Y_k|/C(m,2)), from the
 * three sums of distances (between, within X, within Y over pairs i < k).
 */
function combine(between: number, withinX: number, withinY: number, n: number, m: number): number {
  const total = n + m;
  return (
    (2 * between) / total - (2 * m * withinX) / (total * (n - 1)) - (2 * n * withinY) / (total * (m - 1))
  );
}

/** Fisher–Yates shuffle of values[start, end) in place. */
function shuffleRange(values: Float64Array, start: number, end: number, random: () => number): void {
  for (let i = end - 1; i > start; i -= 1) {
    const j = start + Math.floor(random() * (i - start + 1));
    const swap = at(values, i);
    values[i] = at(values, j);
    values[j] = swap;
  }
}

function relativeChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Math.sign(after) * Number.POSITIVE_INFINITY;
  return after / before - 1;
}

function at<T>(values: ArrayLike<T>, index: number): T {
  const value = values[index];
  if (value === undefined) throw new RangeError(`eDivisive: index ${index} outside 0..${values.length - 1}`);
  return value;
}
