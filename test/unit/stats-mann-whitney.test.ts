import { describe, expect, it } from 'vitest';
import { hodgesLehmannTwoSample } from '../../src/stats/hodges-lehmann-two-sample.js';
import { mannWhitneyNullCounts } from '../../src/stats/mann-whitney-null-counts.js';
import { mannWhitneyU } from '../../src/stats/mann-whitney-u.js';
import { mannWhitneyReference, relativeError } from '../fixtures/stats/reference.js';

describe('mannWhitneyU against SciPy mannwhitneyu(use_continuity=True)', () => {
  it.each(mannWhitneyReference.cases)('$name', ({ a, b, statistic, pValue, method }) => {
    const result = mannWhitneyU(a, b);
    expect(result.method).toBe(method);
    expect(result.statistic).toBe(statistic);
    expect(relativeError(result.pValue, pValue)).toBeLessThan(1e-10);
  });

  it('has the exact null distribution of SciPy for 3 × 4', () => {
    const counts = mannWhitneyNullCounts(3, 4);
    const pmf = mannWhitneyReference.nullPmf['3x4'] ?? [];
    counts.forEach((count, u) => expect(relativeError(count / 35, pmf[u] ?? Number.NaN)).toBeLessThan(1e-14));
  });
});

describe('hodgesLehmannTwoSample against the SciPy/NumPy reference', () => {
  it.each(mannWhitneyReference.cases)('$name', ({ a, b, level, shift, ci }) => {
    const result = hodgesLehmannTwoSample(a, b, level);
    expect(relativeError(result.shift, shift)).toBeLessThan(1e-14);
    expect(result.ci).toEqual(ci);
  });
});

describe('two-sample invariants', () => {
  const head = [10.4, 11.2, 10.9, 12.1, 11.5, 10.7];
  const base = [10.1, 9.8, 10.3, 10.0, 10.6, 9.9, 10.2];

  it('swapping the samples mirrors the shift and keeps p', () => {
    const forward = hodgesLehmannTwoSample(head, base);
    const backward = hodgesLehmannTwoSample(base, head);
    expect(backward.shift).toBeCloseTo(-forward.shift, 12);
    expect(backward.ci[0]).toBeCloseTo(-forward.ci[1], 12);
    expect(mannWhitneyU(base, head).pValue).toBe(mannWhitneyU(head, base).pValue);
  });

  it('scaling both samples leaves p unchanged', () => {
    expect(
      mannWhitneyU(
        head.map((x) => x * 7),
        base.map((x) => x * 7),
      ).pValue,
    ).toBe(mannWhitneyU(head, base).pValue);
  });

  it('gives p = 1 when every value is equal, and a single value each cannot be significant', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3])).toEqual({ statistic: 3, pValue: 1, method: 'normal' });
    expect(mannWhitneyU([1], [2]).pValue).toBe(1);
  });

  it('rejects empty samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => hodgesLehmannTwoSample([1], [])).toThrow(RangeError);
  });
});
