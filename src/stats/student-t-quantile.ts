import { studentTCdf } from './student-t-cdf.js';

/**
 * Student t quantile: the t with P(T ≤ t) = p for `df` degrees of freedom (R `qt`, SciPy
 * `t.ppf`), by bisection on `studentTCdf` in the lower tail (where it keeps relative
 * precision), as `standardNormalQuantile` does.
 * @throws RangeError when `p` is not in (0, 1) or `df` is not positive.
 * @example studentTQuantile(0.975, 5) // 2.570582…
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  let low = -1;
  while (studentTCdf(low, df) > p) low *= 2;
  let high = 0;
  for (let i = 0; i < 200; i += 1) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
