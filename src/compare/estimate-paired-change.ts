import { median } from '../stats/median.js';
import { signedRankInference, type SignedRankInference } from '../stats/signed-rank-inference.js';

/** One metric's values in one base/head pair, in the metric's unit. */
export interface PairedValues {
  readonly base: number;
  readonly head: number;
}

/**
 * How the change was estimated:
 * `log-ratio` — ln(head/base) per pair (the normal case);
 * `difference` — head − base per pair, relative to a scale, because some pair had a value ≤ 0 on
 *   one side only;
 * `points` — head − base per pair of a fraction (error rate), read as percentage points;
 * `none` — no pair had finite values.
 */
export type ChangeMethod = 'log-ratio' | 'difference' | 'points' | 'none';

/**
 * How a change reads: `relative` — a fraction of base (+0.05 = head 5% above base, never below
 * −1); `points` — a difference of two fractions (+0.05 = 5 percentage points more).
 */
export type ChangeScale = 'relative' | 'points';

/**
 * The paired estimate of one scenario × metric, before any level is chosen: the signed-rank
 * inference on the per-pair differences and the map between their unit and the reported change.
 */
export interface PairedChange {
  readonly method: ChangeMethod;
  readonly scale: ChangeScale;
  /** Pairs used (finite values on both sides). */
  readonly pairs: number;
  /** Pairs whose difference was not zero. */
  readonly informativePairs: number;
  readonly baseMedian: number;
  readonly headMedian: number;
  /** Hodges–Lehmann estimate, as a change on `scale`. */
  readonly change: number;
  /** Inference on the per-pair differences (undefined when `method` is `none`). */
  readonly inference: SignedRankInference | undefined;
  /** Maps a per-pair difference (log-ratio, difference or points) to a change on `scale`. */
  toChange(difference: number): number;
  /** Maps a change on `scale` to the per-pair difference it corresponds to (the inverse). */
  toDifference(change: number): number;
  readonly warnings: readonly string[];
}

/**
 * Estimates head's change relative to base from paired trials: the signed-rank inference
 * (`signedRankInference`: Hodges–Lehmann estimate, shifted one-sided tests and their intervals) on
 * the per-pair log-ratios ln(head/base), read back as a relative change (docs/statistics.md).
 * Direction-neutral: orienting by the metric's better direction happens only in the verdict.
 *
 * - `points: true` (an error rate): per-pair differences head − base of the fractions, read as
 *   percentage points, since a relative change from 0% has no size.
 * - Values ≤ 0 break ratios (a CPU of 0 in a trial with no responses): then every pair is compared by
 *   its difference head − base instead, divided by base's median (or, when that is 0, by the mean
 *   of all values of both sides), with a warning; a change below −100% is impossible for these
 *   non-negative metrics and is clamped there.
 * - Pairs with a non-finite value are skipped with a warning.
 * @param values one entry per complete pair, in the metric's unit.
 */
export function estimatePairedChange(
  values: readonly PairedValues[],
  options: { readonly points?: boolean } = {},
): PairedChange {
  const usable = values.filter((v) => Number.isFinite(v.base) && Number.isFinite(v.head));
  const warnings: string[] = [];
  const skipped = values.length - usable.length;
  if (skipped > 0)
    warnings.push(`${skipped} pair(s) had a value that is not a finite number and were skipped`);
  const scale: ChangeScale = options.points === true ? 'points' : 'relative';
  if (usable.length === 0) {
    warnings.push('no pair had finite values on both sides: not compared');
    return {
      method: 'none',
      scale,
      pairs: 0,
      informativePairs: 0,
      baseMedian: 0,
      headMedian: 0,
      change: 0,
      inference: undefined,
      toChange: (x) => x,
      toDifference: (x) => x,
      warnings,
    };
  }
  const baseMedian = median(usable.map((v) => v.base));
  const headMedian = median(usable.map((v) => v.head));
  const informativePairs = usable.filter((v) => v.base !== v.head).length;
  // An error rate of 0 on both sides is the normal case, not a warning.
  if (informativePairs === 0 && options.points !== true) {
    warnings.push(`zero variance: base and head were identical in all ${usable.length} pair(s)`);
  }
  const common = { pairs: usable.length, informativePairs, baseMedian, headMedian, scale };
  const ratioUndefined = usable.filter((v) => v.base !== v.head && (v.base <= 0 || v.head <= 0)).length;

  if (scale === 'points') {
    return finish(
      { ...common, method: 'points' },
      usable.map((v) => v.head - v.base),
      (x) => x,
      (x) => x,
      warnings,
    );
  }
  if (ratioUndefined === 0) {
    const logRatios = usable.map((v) => (v.base === v.head ? 0 : Math.log(v.head / v.base)));
    return finish({ ...common, method: 'log-ratio' }, logRatios, Math.expm1, Math.log1p, warnings);
  }
  const pooledMean =
    usable.reduce((sum, v) => sum + Math.abs(v.base) + Math.abs(v.head), 0) / (2 * usable.length);
  // Positive: not every pair is equal, so some value is non-zero.
  const divisor = baseMedian > 0 ? baseMedian : pooledMean;
  warnings.push(
    `${ratioUndefined} pair(s) had a value ≤ 0 on one side only, so ratios are undefined: compared head − base ` +
      (baseMedian > 0
        ? `per pair, relative to base's median (${baseMedian})`
        : `per pair, relative to the mean of both sides (${pooledMean}) because base's median is ${baseMedian}; read the change as approximate`),
  );
  return finish(
    { ...common, method: 'difference' },
    usable.map((v) => v.head - v.base),
    (x) => Math.max(-1, x / divisor),
    (change) => change * divisor,
    warnings,
  );
}

function finish(
  common: Omit<PairedChange, 'change' | 'inference' | 'toChange' | 'toDifference' | 'warnings'>,
  differences: readonly number[],
  toChange: (difference: number) => number,
  toDifference: (change: number) => number,
  warnings: readonly string[],
): PairedChange {
  const inference = signedRankInference(differences);
  return { ...common, change: toChange(inference.estimate), inference, toChange, toDifference, warnings };
}
