/** Ranks of a sample with ties, as used by the rank tests. */
export interface AverageRanks {
  /** 1-based rank of each value, in input order; tied values share the mean of their ranks. */
  readonly ranks: readonly number[];
  /** Size of every group of tied values, singletons included (sum = sample size). */
  readonly tieSizes: readonly number[];
}

/**
 * Ranks `values` ascending, giving tied values the average of the ranks they span (R `rank` with
 * `ties.method = "average"`, SciPy `rankdata(method="average")`). Ties are exact equality, as in R.
 * @example averageRanks([10, 20, 10]).ranks // [1.5, 3, 1.5]
 */
export function averageRanks(values: readonly number[]): AverageRanks {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length).fill(0);
  const tieSizes: number[] = [];
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && order[end]?.value === order[start]?.value) end += 1;
    // Positions start..end-1 hold ranks start+1..end, whose mean is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i += 1) {
      const entry = order[i];
      if (entry) ranks[entry.index] = rank;
    }
    tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}
