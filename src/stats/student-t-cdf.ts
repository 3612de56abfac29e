import { regularizedIncompleteBeta } from './regularized-incomplete-beta.js';

/**
 * Student t distribution function P(T ≤ t) with `df` degrees of freedom (any positive real), from
 * P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2) (Abramowitz and Stegun 26.7.1; R `pt`).
 * @throws RangeError when `df` is not positive or `t` is NaN.
 * @example studentTCdf(2.0, 10) // 0.963306…
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be positive, got ${df}`);
  if (Number.isNaN(t)) throw new RangeError('studentTCdf: t is NaN');
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5) / 2;
  return t > 0 ? 1 - tail : tail;
}
