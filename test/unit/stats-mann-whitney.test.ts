import { describe, expect, it } from 'vitest';
import { hodgesLehmannTwoSample } from '../../src/stats/hodges-lehmann-two-sample.js';
import { mannWhitneyNullCounts } from '../../src/stats/mann-whitney-null-counts.js';
import {
  MANN_WHITNEY_TIES_EXACT_MAX_SIZE,
  mannWhitneyTiedNullCounts,
} from '../../src/stats/mann-whitney-tied-null-counts.js';
import { mannWhitneyU } from '../../src/stats/mann-whitney-u.js';
import { mannWhitneyTiesReference } from '../fixtures/stats/mann-whitney-ties-reference.js';
import { mannWhitneyReference, relativeError } from '../fixtures/stats/reference.js';

const small = (values: readonly number[]): boolean => values.length <= MANN_WHITNEY_TIES_EXACT_MAX_SIZE;
const tied = (values: readonly number[]): boolean => new Set(values).size < values.length;
// SciPy's mannwhitneyu has no exact test given ties; small tied samples are checked below instead.
const withoutExactTies = mannWhitneyReference.cases.filter(
  ({ a, b }) => !(tied([...a, ...b]) && small(a) && small(b)),
);

describe('mannWhitneyU against SciPy mannwhitneyu(use_continuity=True)', () => {
  it.each(withoutExactTies)('$name', ({ a, b, statistic, pValue, method }) => {
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

describe('mannWhitneyU with ties against SciPy permutation_test (exact given the ties)', () => {
  it.each(mannWhitneyTiesReference.cases)('$name ($reference)', ({ a, b, statistic, pValue, method }) => {
    const result = mannWhitneyU(a, b);
    expect(result.method).toBe(method);
    expect(result.statistic).toBe(statistic);
    expect(relativeError(result.pValue, pValue)).toBeLessThan(1e-12);
    expect(mannWhitneyU(b, a).pValue).toBe(result.pValue);
  });

  it('covers both sides of the 25-value limit and both tails', () => {
    const { cases } = mannWhitneyTiesReference;
    expect(cases.some((c) => c.method === 'exact-ties' && c.a.length === 25 && c.b.length === 25)).toBe(true);
    expect(cases.some((c) => c.method === 'normal' && c.a.length === 25 && c.b.length === 26)).toBe(true);
    expect(cases.some((c) => c.pValue < 0.01)).toBe(true);
  });

  it.each(mannWhitneyTiesReference.nullCounts)(
    'counts every split for tie sizes $tieSizes, m = $m',
    (ref) => {
      expect(Array.from(mannWhitneyTiedNullCounts(ref.m, ref.tieSizes))).toEqual(ref.counts);
    },
  );

  it('without ties, equals the untied null distribution at whole U; totals C(50, 25) exactly at 25 + 25', () => {
    const untied = mannWhitneyNullCounts(7, 5);
    const viaTies = mannWhitneyTiedNullCounts(7, new Array<number>(12).fill(1));
    untied.forEach((count, u) => expect(viaTies[2 * u]).toBe(count));
    expect(viaTies.filter((_, twiceU) => twiceU % 2 === 1).every((count) => count === 0)).toBe(true);
    const largest = mannWhitneyTiedNullCounts(25, new Array<number>(50).fill(1));
    expect(largest.reduce((sum, count) => sum + count, 0)).toBe(126_410_606_437_752);
  });

  it('rejects sizes past the exact limit and malformed tie groups', () => {
    expect(() => mannWhitneyTiedNullCounts(26, [26, 1])).toThrow(RangeError);
    expect(() => mannWhitneyTiedNullCounts(2, [20, 10])).toThrow(RangeError);
    expect(() => mannWhitneyTiedNullCounts(1, [2, 0])).toThrow(RangeError);
    expect(() => mannWhitneyTiedNullCounts(4, [2, 1])).toThrow(RangeError);
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
    expect(mannWhitneyU([3, 3, 3], [3, 3])).toEqual({ statistic: 3, pValue: 1, method: 'exact-ties' });
    expect(mannWhitneyU(new Array<number>(26).fill(3), [3, 3])).toEqual({
      statistic: 26,
      pValue: 1,
      method: 'normal',
    });
    expect(mannWhitneyU([1], [2]).pValue).toBe(1);
  });

  it('rejects empty samples', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => hodgesLehmannTwoSample([1], [])).toThrow(RangeError);
  });
});
