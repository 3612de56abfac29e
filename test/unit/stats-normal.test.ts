import { describe, expect, it } from 'vitest';
import { complementaryErrorFunction } from '../../src/stats/complementary-error-function.js';
import { standardNormalCdf } from '../../src/stats/standard-normal-cdf.js';
import { standardNormalQuantile } from '../../src/stats/standard-normal-quantile.js';
import { normalReference, relativeError } from '../fixtures/stats/reference.js';

describe('normal distribution against SciPy special.erfc / ndtr / ndtri', () => {
  it.each(normalReference.erfc)('erfc($x)', ({ x, value }) => {
    expect(relativeError(complementaryErrorFunction(x), value)).toBeLessThan(1e-13);
  });

  it.each(normalReference.cdf)('Φ($z)', ({ z, value }) => {
    // Beyond |z| ≈ 20, rounding z²/2 alone costs ~1e-13 relative in e^(−z²/2).
    expect(relativeError(standardNormalCdf(z), value)).toBeLessThan(Math.abs(z) > 20 ? 1e-12 : 1e-13);
  });

  it.each(normalReference.quantile)('Φ⁻¹($p)', ({ p, value }) => {
    expect(Math.abs(standardNormalQuantile(p) - value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(value)));
  });

  it('is symmetric: Φ(z) + Φ(−z) = 1', () => {
    for (const z of [0.3, 1.2, 2.7, 4.1])
      expect(standardNormalCdf(z) + standardNormalCdf(-z)).toBeCloseTo(1, 15);
  });

  it('rejects probabilities outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, Number.NaN]) expect(() => standardNormalQuantile(p)).toThrow(RangeError);
  });
});
