/** Student's t distribution: CDF and quantile, for Bencher's t-test boundary. */
import { bisect, regularizedIncompleteBeta } from './incomplete-beta.js';

/**
 * P(T ≤ t) for Student's t with `degreesOfFreedom` ν > 0: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, and
 * the mirror image below 0 (Abramowitz & Stegun 26.7.1 in incomplete-beta form).
 * @throws RangeError when ν ≤ 0.
 */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0))
    throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  const tail =
    0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile of Student's t with ν degrees of freedom (what statrs' `StudentsT::inverse_cdf`,
 * used by Bencher, returns for location 0 and scale 1), by bisection on the CDF to 1e-10.
 * @throws RangeError when p is outside (0, 1) or ν ≤ 0.
 */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  const upper = bisect((t) => studentTCdf(t, degreesOfFreedom), Math.max(p, 1 - p), 0, 1e6, 1e-10);
  return p > 0.5 ? upper : -upper;
}
