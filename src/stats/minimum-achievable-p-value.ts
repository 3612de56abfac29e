/**
 * Smallest two-sided p-value the exact Wilcoxon signed-rank test can return with `n` non-zero
 * differences: 2 / 2ⁿ, reached when all differences have the same sign (capped at 1). If it exceeds
 * alpha, no outcome can ever be significant: 5 pairs give 0.0625, so at alpha = 0.05 at least 6 pairs
 * are needed (and more once false-discovery control divides alpha among comparisons).
 * @param n number of non-zero paired differences (a non-negative integer).
 * @throws RangeError when `n` is negative or not an integer.
 * @example minimumAchievablePValue(6) // 0.03125
 */
export function minimumAchievablePValue(n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`minimumAchievablePValue: n must be a non-negative integer, got ${n}`);
  return Math.min(1, 2 / 2 ** n);
}
