import { complementaryErrorFunction } from './complementary-error-function.js';

/**
 * Standard normal cumulative distribution Φ(z) = P(Z ≤ z) = erfc(−z/√2)/2, accurate in both tails
 * (so Φ(−10) ≈ 7.6e−24, not 0). The upper tail is `standardNormalCdf(-z)`.
 * Matches R `pnorm` and SciPy `norm.cdf` to about 1e−14 relative.
 * @example standardNormalCdf(1.959963984540054) // 0.975
 */
export function standardNormalCdf(z: number): number {
  return complementaryErrorFunction(-z / Math.SQRT2) / 2;
}
