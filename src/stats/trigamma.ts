/**
 * Trigamma ψ′(x) and its inverse: the recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10 and the
 * asymptotic series there (Abramowitz and Stegun 6.4.12; Schneider, "Algorithm AS 121", Appl.
 * Statist. 1978), absolute error below 1e-11.
 */
/**
 * ψ′(x) for x > 0.
 * @throws RangeError when `x` is not a positive finite number.
 * @example trigamma(1) // π²/6 = 1.6449340668482264
 */
export function trigamma(x: number): number {
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`trigamma: x must be positive, got ${x}`);
  let result = 0;
  let y = x;
  while (y < 10) {
    result += 1 / (y * y);
    y += 1;
  }
  const r = 1 / (y * y);
  return result + 1 / y + r / 2 + (r / y) * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r / 30)));
}

/**
 * The x > 0 with ψ′(x) = y, by Newton's method on 1/ψ′ from x = 0.5 + 1/y, as limma's
 * `trigammaInverse` (Smyth 2004, see fit-scaled-chi-square-prior.ts).
 * @throws RangeError when `y` is not a positive finite number.
 */
export function inverseTrigamma(y: number): number {
  if (!(y > 0 && Number.isFinite(y))) throw new RangeError(`inverseTrigamma: y must be positive, got ${y}`);
  if (y > 1e7) return 1 / Math.sqrt(y);
  if (y < 1e-6) return 1 / y;
  let x = 0.5 + 1 / y;
  for (let i = 0; i < 50; i += 1) {
    const tri = trigamma(x);
    // d/dx ψ′(x) = ψ″(x), by a central difference (ψ′ is smooth; the step is tiny against x).
    const h = 1e-5 * x;
    const tetragamma = (trigamma(x + h) - trigamma(x - h)) / (2 * h);
    const step = (tri * (1 - tri / y)) / tetragamma;
    x += step;
    if (-step / x < 1e-8) break;
  }
  return x;
}
