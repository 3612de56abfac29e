/** Student t, log-gamma, digamma/trigamma and Smyth's prior fit against values from R. */
import { describe, expect, it } from 'vitest';
import {
  digamma,
  fitScaledChiSquarePrior,
  inverseTrigamma,
  logGamma,
  studentTCdf,
  studentTQuantile,
  trigamma,
} from '../../src/stats/index.js';

describe('Student t (R pt, qt)', () => {
  it.each([
    [0.975, 1, 12.706204736174698],
    [0.975, 5, 2.570581835636314],
    [0.995, 10, 3.169272672616951],
    [0.95, 30, 1.697260887254513],
  ])('qt(%f, %f) = %f', (p, df, expected) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(expected, 8);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-expected, 8);
  });
  it('pt(2, 10) and pt(-1.5, 3.5)', () => {
    expect(studentTCdf(2, 10)).toBeCloseTo(0.9633059826146, 10);
    expect(studentTCdf(0, 7)).toBe(0.5);
    expect(studentTCdf(Infinity, 3)).toBe(1);
  });
  it('approaches the normal quantile for large df', () => {
    expect(studentTQuantile(0.975, 1e4)).toBeCloseTo(1.960201, 5);
  });
  it('refuses bad arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('logGamma, digamma, trigamma', () => {
  it('match closed forms', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 10);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.log(2), 10);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 10);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 10);
  });
  it('inverts trigamma', () => {
    for (const x of [0.2, 1, 3.7, 40]) expect(inverseTrigamma(trigamma(x))).toBeCloseTo(x, 6);
  });
});

describe("Smyth's scaled-χ² prior fit (limma fitFDist)", () => {
  it('gives d0 = Infinity and the pooled variance when variances agree', () => {
    expect(fitScaledChiSquarePrior([1, 1, 1], [2, 2, 2])).toEqual({ scale: 1, df: Infinity });
  });
  it('gives a finite d0 when the variances spread beyond their own df', () => {
    const prior = fitScaledChiSquarePrior([0.1, 10, 1, 3, 0.01], [2, 2, 2, 2, 2]);
    expect(prior.df).toBeGreaterThan(0);
    expect(prior.df).toBeLessThan(2);
  });
});
