/**
 * The lower and upper quartiles of a sample: the type 7 quantile at 0.25 and 0.75 (Hyndman & Fan,
 * "Sample quantiles in statistical packages", The American Statistician 50(4), 1996), the default of
 * R `quantile` and NumPy `percentile`: linear interpolation between the order statistics at
 * h = (n − 1)·p.
 * @param values finite numbers in any order (not modified).
 * @returns `[q1, q3]` in the unit of `values`; `[v, v]` for a single value.
 * @throws RangeError when `values` is empty or holds a non-finite number.
 * @example quartiles([1, 2, 3, 4]) // [1.75, 3.25], as R quantile(c(1,2,3,4), c(.25,.75))
 */
export function quartiles(values: readonly number[]): readonly [number, number] {
  if (values.length === 0) throw new RangeError('quartiles: the sample is empty');
  if (!values.every(Number.isFinite)) throw new RangeError('quartiles: the sample holds a non-finite value');
  const sorted = [...values].sort((a, b) => a - b);
  return [quantileType7(sorted, 0.25), quantileType7(sorted, 0.75)];
}

function quantileType7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const lower = sorted[low] ?? Number.NaN;
  const upper = sorted[Math.min(low + 1, sorted.length - 1)] ?? Number.NaN;
  return lower + (h - low) * (upper - lower);
}
