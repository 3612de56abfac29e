/** Sizes below which R computes the exact Mann–Whitney distribution (both samples < 50). */
export const MANN_WHITNEY_EXACT_MAX_SIZE = 49;

/**
 * Exact null distribution of the Mann–Whitney U statistic for samples of sizes m and n without ties:
 * `counts[u]` is the number of the C(m+n, m) equally likely rank arrangements with U = u, for
 * u = 0..m·n (R `dwilcox(u, m, n) * choose(m + n, m)`).
 * Method: U counts lattice paths, so N(u; i, j) = N(u − j; i − 1, j) + N(u; i, j − 1) (Mann & Whitney
 * 1947), built up one j at a time; all additions are of non-negative doubles, so the relative error
 * stays near machine precision even where the counts exceed 2⁵³.
 * @param m size of the first sample, 0..49.
 * @param n size of the second sample, 0..49.
 * @throws RangeError when a size is not an integer in 0..49.
 * @example mannWhitneyNullCounts(1, 2) // [1, 1, 1]
 */
export function mannWhitneyNullCounts(m: number, n: number): Float64Array {
  for (const size of [m, n]) {
    if (!Number.isInteger(size) || size < 0 || size > MANN_WHITNEY_EXACT_MAX_SIZE) {
      throw new RangeError(
        `mannWhitneyNullCounts: sizes must be integers in 0..${MANN_WHITNEY_EXACT_MAX_SIZE}, got ${m} and ${n}`,
      );
    }
  }
  const width = m * n + 1;
  // rows[i][u] = N(u; i, j) for the current j; start at j = 0, where only u = 0 is possible.
  let rows = Array.from({ length: m + 1 }, () => {
    const row = new Float64Array(width);
    row[0] = 1;
    return row;
  });
  for (let j = 1; j <= n; j += 1) {
    const next = rows.map(() => new Float64Array(width));
    for (let i = 0; i <= m; i += 1) {
      const row = next[i] ?? new Float64Array(width);
      const sameI = rows[i] ?? row;
      const fewerI = next[i - 1];
      for (let u = 0; u <= i * j; u += 1) {
        row[u] = (sameI[u] ?? 0) + (fewerI !== undefined && u >= j ? (fewerI[u - j] ?? 0) : 0);
      }
    }
    rows = next;
  }
  return rows[m] ?? new Float64Array(width);
}
