/** Largest n whose counts stay exact integers in a double (the largest count is below 2^53 up to here). */
export const SIGNED_RANK_EXACT_MAX_N = 50;

/**
 * Exact null distribution of the Wilcoxon signed-rank statistic V (sum of the ranks of the positive
 * differences) for n untied, non-zero differences: `counts[v]` is the number of the 2ⁿ equally likely
 * sign patterns with V = v, for v = 0..n(n+1)/2 (R `dsignrank(v, n) * 2^n`).
 * Method: the generating function ∏ₖ(1 + q^k), multiplied out one rank at a time (Hollander & Wolfe,
 * *Nonparametric Statistical Methods*, 3rd ed., §3.1). O(n³) additions of integers.
 * @param n number of differences, 0..50 (beyond 50 the counts lose integer precision; use the normal
 *   approximation there).
 * @throws RangeError when `n` is not an integer in 0..50.
 * @example signedRankNullCounts(2) // [1, 1, 1, 1]  (V = 0, 1, 2, 3)
 */
export function signedRankNullCounts(n: number): Float64Array {
  if (!Number.isInteger(n) || n < 0 || n > SIGNED_RANK_EXACT_MAX_N) {
    throw new RangeError(
      `signedRankNullCounts: n must be an integer in 0..${SIGNED_RANK_EXACT_MAX_N}, got ${n}`,
    );
  }
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let k = 1; k <= n; k += 1) {
    const top = (k * (k + 1)) / 2;
    // Descending, so counts[v - k] is still the value before rank k was added.
    for (let v = top; v >= k; v -= 1) counts[v] = (counts[v] ?? 0) + (counts[v - k] ?? 0);
  }
  return counts;
}
