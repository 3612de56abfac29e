import { assertFiniteSample } from './assert-sample.js';

/**
 * All Walsh averages (d_i + d_j) / 2 for i ≤ j, sorted ascending: n(n+1)/2 values. Their median is
 * the Hodges–Lehmann estimate and their order statistics bound the signed-rank confidence interval
 * (Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §3.2–3.3).
 * @param d finite numbers (e.g. paired log-ratios).
 * @throws RangeError when `d` is empty or holds a non-finite number.
 * @example walshAverages([1, 3]) // [1, 2, 3]
 */
export function walshAverages(d: readonly number[]): Float64Array {
  assertFiniteSample(d, 'walshAverages');
  const n = d.length;
  const averages = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  d.forEach((di, i) => {
    for (let j = i; j < n; j += 1) {
      averages[k] = (di + (d[j] ?? Number.NaN)) / 2;
      k += 1;
    }
  });
  return averages.sort();
}
