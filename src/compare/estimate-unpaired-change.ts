import { hodgesLehmannTwoSample } from '../stats/hodges-lehmann-two-sample.js';
import { median } from '../stats/median.js';
import { standardNormalCdf } from '../stats/standard-normal-cdf.js';
import { standardNormalQuantile } from '../stats/standard-normal-quantile.js';
import type { ChangeMethod, ChangeScale } from './estimate-paired-change.js';

/** Confidence of the rank interval whose half-width gives the within-run standard error. */
const RANK_INTERVAL_CONFIDENCE = 0.95;

/**
 * The normal-approximation inference of an unpaired shift, in the unit of the differences
 * (log-ratio, relative difference or points).
 */
export interface UnpairedInference {
  /** Hodges–Lehmann shift head − base. */
  readonly estimate: number;
  /** Within-run standard error, from the Mann–Whitney interval's half-width. */
  readonly withinSe: number;
  /** √(withinSe² + 2·sd²): the standard error the tests use. */
  readonly se: number;
  /** One-sided p of H0 "shift ≤ delta" (small when the shift is shown to exceed delta). */
  pAbove(delta: number): number;
  /** One-sided p of H0 "shift ≥ delta". */
  pBelow(delta: number): number;
  /** [estimate ∓ z₁₋ₗₑᵥₑₗ·se]: each end a one-sided test at `level`; confidence 1 − 2·level. */
  interval(level: number): { readonly low: number; readonly high: number; readonly confidence: number };
}

/** One scenario × metric of head's trials against a stored baseline's trials. */
export interface UnpairedChange {
  readonly method: ChangeMethod;
  readonly scale: ChangeScale;
  /** Finite values used on each side. */
  readonly baseTrials: number;
  readonly headTrials: number;
  readonly baseMedian: number;
  readonly headMedian: number;
  /** Hodges–Lehmann shift read as a change on `scale`. */
  readonly change: number;
  /** Undefined when a side has no finite value, too few to reach 95%, or no spread at all. */
  readonly inference: UnpairedInference | undefined;
  toChange(difference: number): number;
  toDifference(change: number): number;
  readonly warnings: readonly string[];
}

/**
 * Estimates head's change against a stored baseline's trials, two independent samples (benchstat's
 * setting): the Hodges–Lehmann two-sample shift of ln(head) against ln(base) and its Mann–Whitney
 * interval (`hodgesLehmannTwoSample`: exact for sizes < 50), as benchstat and R
 * `wilcox.test(conf.int = TRUE)`. For tests at any shift the interval's half-width is read as a
 * within-run standard error, se_w = (high − low)/(2·z₀.₉₇₅) (the exact interval covers at least
 * 95%, so this errs wide), and combined with the between-run spread:
 *
 *   se = √(se_w² + 2·σ_b²),
 *
 * because each run carries its own offset of sd σ_b (the random-effects model of repeated
 * benchmark runs: Kalibera & Jones 2013, "Rigorous benchmarking in reasonable time", ISMM; the
 * variance of a difference of two group means under a one-way random-effects model, Searle, Casella
 * & McCulloch, *Variance Components*, 1992, §3), which no number of trials within the two runs
 * averages away. Tests and interval are then normal: p(shift ≤ δ) = Φ((δ − est)/se).
 *
 * - `points: true` (error rate): differences of the raw fractions, read as percentage points.
 * - A value ≤ 0 breaks logs: both sides are then divided by base's median and shifted as
 *   differences, read as a relative change (clamped at −100%), with a warning.
 * - Non-finite values are skipped with a warning. With fewer values than let a two-sided 95% rank
 *   interval exist (2/C(m+n, m) > 0.05: 3 against 3 or fewer), or no spread at all, there is no
 *   inference.
 * @param betweenRunSd σ_b on the differences' unit (log scale, or points).
 */
export function estimateUnpairedChange(
  base: readonly number[],
  head: readonly number[],
  options: { readonly points?: boolean; readonly betweenRunSd: number },
): UnpairedChange {
  const warnings: string[] = [];
  const usableBase = base.filter(Number.isFinite);
  const usableHead = head.filter(Number.isFinite);
  const skipped = base.length + head.length - usableBase.length - usableHead.length;
  if (skipped > 0) warnings.push(`${skipped} trial value(s) were not finite numbers and were skipped`);
  const scale: ChangeScale = options.points === true ? 'points' : 'relative';
  const identity = (x: number): number => x;
  if (usableBase.length === 0 || usableHead.length === 0) {
    warnings.push('no finite value on one side: not compared');
    return {
      method: 'none',
      scale,
      baseTrials: usableBase.length,
      headTrials: usableHead.length,
      baseMedian: 0,
      headMedian: 0,
      change: 0,
      inference: undefined,
      toChange: identity,
      toDifference: identity,
      warnings,
    };
  }
  const baseMedian = median(usableBase);
  const headMedian = median(usableHead);
  const common = {
    scale,
    baseTrials: usableBase.length,
    headTrials: usableHead.length,
    baseMedian,
    headMedian,
  };
  let method: ChangeMethod;
  let x: number[];
  let y: number[];
  let toChange: (difference: number) => number;
  let toDifference: (change: number) => number;
  if (scale === 'points') {
    [method, x, y, toChange, toDifference] = ['points', usableHead, usableBase, identity, identity];
  } else if ([...usableBase, ...usableHead].every((v) => v > 0)) {
    [method, x, y] = ['log-ratio', usableHead.map(Math.log), usableBase.map(Math.log)];
    [toChange, toDifference] = [Math.expm1, Math.log1p];
  } else {
    const all = [...usableBase, ...usableHead];
    const divisor = baseMedian > 0 ? baseMedian : all.reduce((s, v) => s + Math.abs(v), 0) / all.length;
    warnings.push(
      `a value ≤ 0 makes logs undefined: compared head − base relative to ${baseMedian > 0 ? "base's median" : 'the mean of both sides'} (${divisor}); read the change as approximate`,
    );
    method = 'difference';
    x = divisor > 0 ? usableHead.map((v) => v / divisor) : usableHead;
    y = divisor > 0 ? usableBase.map((v) => v / divisor) : usableBase;
    [toChange, toDifference] = [(d: number) => Math.max(-1, d), identity];
  }
  const inference = inferShift(x, y, options.betweenRunSd, warnings);
  return {
    ...common,
    method,
    change: toChange(inference?.estimate ?? hodgesLehmannTwoSample(x, y).shift),
    inference,
    toChange,
    toDifference,
    warnings,
  };
}

function inferShift(
  x: readonly number[],
  y: readonly number[],
  betweenRunSd: number,
  warnings: string[],
): UnpairedInference | undefined {
  if (2 / binomial(x.length + y.length, x.length) > 1 - RANK_INTERVAL_CONFIDENCE) {
    warnings.push(
      `${x.length} head against ${y.length} baseline trial(s) are too few for a 95% rank interval: not tested`,
    );
    return undefined;
  }
  const { shift, ci } = hodgesLehmannTwoSample(x, y, RANK_INTERVAL_CONFIDENCE);
  const withinSe = (ci[1] - ci[0]) / (2 * standardNormalQuantile(0.5 + RANK_INTERVAL_CONFIDENCE / 2));
  const se = Math.sqrt(withinSe ** 2 + 2 * betweenRunSd ** 2);
  if (!(se > 0)) {
    warnings.push('zero variance: every head and baseline value alike, and no between-run spread');
    return undefined;
  }
  return {
    estimate: shift,
    withinSe,
    se,
    pAbove: (delta) => standardNormalCdf((delta - shift) / se),
    pBelow: (delta) => standardNormalCdf((shift - delta) / se),
    interval: (level) => {
      const z = standardNormalQuantile(1 - level);
      return { low: shift - z * se, high: shift + z * se, confidence: 1 - 2 * level };
    },
  };
}

/** C(n, k) as a double (exact for the sizes a gate has; only compared against 40). */
function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return result;
}
