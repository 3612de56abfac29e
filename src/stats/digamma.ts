/**
 * Digamma ψ(x) = d/dx ln Γ(x): the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic
 * series there (Abramowitz and Stegun 6.3.18; Bernardo, "Algorithm AS 103", Appl. Statist. 1976),
 * absolute error below 1e-11.
 */
/**
 * ψ(x) for x > 0 (R `digamma`).
 * @throws RangeError when `x` is not a positive finite number.
 * @example digamma(1) // −0.5772156649015329 (minus the Euler–Mascheroni constant)
 */
export function digamma(x: number): number {
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`digamma: x must be positive, got ${x}`);
  let result = 0;
  let y = x;
  while (y < 10) {
    result -= 1 / y;
    y += 1;
  }
  const r = 1 / (y * y);
  return result + Math.log(y) - 0.5 / y - r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r / 240)));
}
