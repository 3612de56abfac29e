import { describe, expect, it } from 'vitest';
import { hodgesLehmannOneSample } from '../../src/stats/hodges-lehmann-one-sample.js';
import { signedRankConfidenceInterval } from '../../src/stats/signed-rank-confidence-interval.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { relativeError, signedRankReference } from '../fixtures/stats/reference.js';

describe('Hodges–Lehmann estimate and signed-rank interval against the SciPy/NumPy reference', () => {
  it.each(signedRankReference.cases)('$name', ({ d, level, hodgesLehmann, ci }) => {
    expect(relativeError(hodgesLehmannOneSample(d), hodgesLehmann)).toBeLessThan(1e-14);
    const [low, high] = signedRankConfidenceInterval(d, level);
    expect(low).toBe(ci[0]);
    expect(high).toBe(ci[1]);
  });
});

function normalSample(random: () => number, n: number, mean: number, sd: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

describe('signed-rank interval properties', () => {
  it('covers the true centre about 95% of the time (n = 10, exact coverage 95.1%)', () => {
    const random = createSeededRandom(7);
    const repetitions = 4000;
    let covered = 0;
    for (let i = 0; i < repetitions; i += 1) {
      const [low, high] = signedRankConfidenceInterval(normalSample(random, 10, 0.05, 0.1), 0.95);
      if (low <= 0.05 && 0.05 <= high) covered += 1;
    }
    // Binomial sd at 4000 repetitions is 0.0034: ±4 sd.
    expect(covered / repetitions).toBeGreaterThan(0.937);
    expect(covered / repetitions).toBeLessThan(0.965);
  });

  it('uses the normal-approximation critical value beyond n = 50 and still covers ~95%', () => {
    const random = createSeededRandom(11);
    let covered = 0;
    for (let i = 0; i < 1000; i += 1) {
      const [low, high] = signedRankConfidenceInterval(normalSample(random, 60, 0, 1), 0.95);
      if (low <= 0 && 0 <= high) covered += 1;
    }
    expect(covered / 1000).toBeGreaterThan(0.93);
  });

  it('returns the widest interval [min, max] when the level is unreachable', () => {
    expect(signedRankConfidenceInterval([0.3, -0.1, 0.2], 0.95)).toEqual([-0.1, 0.3]);
    expect(signedRankConfidenceInterval([0.4], 0.95)).toEqual([0.4, 0.4]);
  });

  it('mirrors when base and head swap and scales with the data', () => {
    const d = [0.12, -0.03, 0.08, 0.15, 0.02, 0.11, -0.01, 0.09, 0.05];
    const [low, high] = signedRankConfidenceInterval(d, 0.95);
    const [mirrorLow, mirrorHigh] = signedRankConfidenceInterval(
      d.map((x) => -x),
      0.95,
    );
    expect([mirrorLow, mirrorHigh]).toEqual([-high, -low]);
    expect(hodgesLehmannOneSample(d.map((x) => -x))).toBe(-hodgesLehmannOneSample(d));
    const [scaledLow, scaledHigh] = signedRankConfidenceInterval(
      d.map((x) => x * 4),
      0.95,
    );
    expect([scaledLow, scaledHigh]).toEqual([low * 4, high * 4]);
  });

  it('collapses to the common value when all differences are equal, zero included', () => {
    expect(signedRankConfidenceInterval([0, 0, 0, 0, 0, 0, 0], 0.95)).toEqual([0, 0]);
    expect(hodgesLehmannOneSample([0.2, 0.2, 0.2])).toBe(0.2);
  });

  it('keeps zeros in the estimate (unlike R, which drops them)', () => {
    expect(hodgesLehmannOneSample([0, 0, 0, 0, 0.1])).toBe(0);
  });

  it('rejects empty samples and impossible levels', () => {
    expect(() => signedRankConfidenceInterval([], 0.95)).toThrow(RangeError);
    expect(() => signedRankConfidenceInterval([0.1, 0.2], 95)).toThrow(/confidence level/);
    expect(() => hodgesLehmannOneSample([Number.NaN])).toThrow(RangeError);
  });
});
