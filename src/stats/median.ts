import { assertFiniteSample } from './assert-sample.js';
import { elementAt } from './element-at.js';

/**
 * Median of a sample: the middle order statistic, or the mean of the two middle ones when the count
 * is even (the type 7 quantile at 0.5, as R `median` and NumPy `median`).
 * @param values finite numbers in any order (not modified).
 * @returns the median, in the unit of `values`.
 * @throws RangeError when `values` is empty or holds a non-finite number.
 * @example median([3, 1, 2, 10]) // 2.5
 */
export function median(values: readonly number[]): number {
  assertFiniteSample(values, 'median');
  return medianOfSorted([...values].sort((a, b) => a - b));
}

/**
 * Median of values already sorted ascending (no copy, no check), for callers that sorted anyway.
 * @throws RangeError when `sorted` is empty.
 */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? elementAt(sorted, mid)
    : (elementAt(sorted, mid - 1) + elementAt(sorted, mid)) / 2;
}
