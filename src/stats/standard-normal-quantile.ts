import { standardNormalCdf } from './standard-normal-cdf.js';

/**
 * Standard normal quantile Φ⁻¹(p): the z with P(Z ≤ z) = p (R `qnorm`, SciPy `norm.ppf`).
 * Method: bisection on `standardNormalCdf` to the last representable digit; slow next to a rational
 * approximation (≈100 evaluations) but exact to double precision and it is needed once per comparison.
 * @param p probability in (0, 1).
 * @throws RangeError when `p` is not strictly between 0 and 1.
 * @example standardNormalQuantile(0.975) // 1.959963984540054
 */
export function standardNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`standardNormalQuantile: p must be in (0, 1), got ${p}`);
  // Bisect in the lower tail, where Φ keeps full relative precision; 1 − p is exact for p ≥ 0.5.
  if (p === 0.5) return 0;
  if (p > 0.5) return -standardNormalQuantile(1 - p);
  let low = -40;
  let high = 0;
  for (let i = 0; i < 200; i += 1) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (standardNormalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
