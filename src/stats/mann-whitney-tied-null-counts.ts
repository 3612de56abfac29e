/**
 * Largest size of each sample for which the Mann–Whitney test uses the exact null distribution
 * conditional on the ties (benchstat's rule: go-moremath `MannWhitneyTiesExactLimit = 25`).
 */
export const MANN_WHITNEY_TIES_EXACT_MAX_SIZE = 25;

/**
 * Exact null distribution of the Mann–Whitney U statistic of the first sample *given the observed
 * ties*: `counts[2u]` is the number of the C(N, m) equally likely ways to pick the first sample's
 * m positions among the N pooled, sorted values for which its U (mid-ranks, ties counted ½) equals u,
 * for 2u = 0..2·m·n. Indexed by 2U because U moves in steps of ½ under ties.
 *
 * Method: the permutation distribution of the mid-rank sum, conditional on the tie pattern
 * (Klotz 1966, "The Wilcoxon, ties, and the computer"; the algorithm of Streitberg & Röhmel 1986
 * and of Mehta & Patel's network algorithm, reduced to one node per tie group). A tie group of size
 * t with doubled mid-rank d adds c·d to the doubled rank sum when c of its values go to the first
 * sample, in C(t, c) ways, so one pass over the groups updates counts[k][doubled sum] for
 * k = 0..m chosen values. Doubled mid-ranks are integers, so sums are compared exactly. benchstat
 * (go-moremath `stats.UDist`) computes the same distribution by another recursion.
 *
 * Limits: every count is a number of subsets of at most 50 values, ≤ C(50, 25) ≈ 1.3·10¹⁴ < 2⁵³, so
 * the doubles hold exact integers. Work: about 4·N·m² steps (a few million at 25 + 25).
 * @param m size of the first sample, 0..25.
 * @param tieSizes sizes of the groups of equal values in ascending order of value, singletons
 *   included (`averageRanks(...).tieSizes`); their sum N is the pooled size, with N − m in 0..25.
 * @returns counts of length 2·m·(N − m) + 1, summing to C(N, m).
 * @throws RangeError when a size is not a positive integer or m or N − m is outside 0..25.
 * @example mannWhitneyTiedNullCounts(1, [2, 1]) // pooled x, x, y (y > x): [0, 2, 0, 0, 1]
 */
export function mannWhitneyTiedNullCounts(m: number, tieSizes: readonly number[]): Float64Array {
  const total = tieSizes.reduce((sum, t) => sum + t, 0);
  const n = total - m;
  const limit = MANN_WHITNEY_TIES_EXACT_MAX_SIZE;
  if (
    !tieSizes.every((t) => Number.isInteger(t) && t > 0) ||
    !Number.isInteger(m) ||
    m < 0 ||
    m > limit ||
    n < 0 ||
    n > limit
  ) {
    throw new RangeError(
      `mannWhitneyTiedNullCounts: need positive integer tie sizes and both sample sizes in 0..${limit}, got m = ${m}, tie sizes ${tieSizes.join(', ')}`,
    );
  }
  // Largest doubled rank sum of m values: twice the sum of ranks n+1..N.
  const width = m * (2 * total - m + 1) + 1;
  // rows[k][s]: ways to pick k values from the groups placed so far with doubled rank sum s.
  let rows = Array.from({ length: m + 1 }, (_, k) => {
    const row = new Float64Array(width);
    if (k === 0) row[0] = 1;
    return row;
  });
  let placed = 0;
  for (const t of tieSizes) {
    const doubledRank = 2 * placed + t + 1;
    const next = rows.map(() => new Float64Array(width));
    const ways = binomialRow(t);
    for (let k = 0; k <= Math.min(m, placed); k += 1) {
      const row = rows[k];
      if (row === undefined) continue;
      for (let c = 0; c <= Math.min(t, m - k); c += 1) {
        const target = next[k + c];
        const weight = ways[c] ?? 0;
        const offset = c * doubledRank;
        if (target === undefined) continue;
        for (let s = 0; s + offset < width; s += 1) {
          const count = row[s] ?? 0;
          if (count !== 0) target[s + offset] = (target[s + offset] ?? 0) + weight * count;
        }
      }
    }
    rows = next;
    placed += t;
  }
  // 2U = doubled rank sum − m(m + 1); the smallest possible doubled rank sum is m(m + 1).
  return (rows[m] ?? new Float64Array(width)).slice(m * (m + 1), m * (m + 1) + 2 * m * n + 1);
}

/** C(t, 0..t), exact in doubles for t ≤ 50. */
function binomialRow(t: number): number[] {
  const row = [1];
  for (let c = 1; c <= t; c += 1) row.push(((row[c - 1] ?? 0) * (t - c + 1)) / c);
  return row;
}
