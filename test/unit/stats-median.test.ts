import { describe, expect, it } from 'vitest';
import { averageRanks } from '../../src/stats/average-ranks.js';
import { median } from '../../src/stats/median.js';
import { walshAverages } from '../../src/stats/walsh-averages.js';

describe('median', () => {
  it.each([
    { values: [7], expected: 7 },
    { values: [3, 1, 2], expected: 2 },
    { values: [3, 1, 2, 10], expected: 2.5 },
    { values: [-1, -1, -1, -1], expected: -1 },
  ])('median($values) = $expected (as numpy.median)', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('rejects empty and non-finite samples', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(/index 1/);
  });
});

describe('averageRanks', () => {
  it('gives tied values the mean of their ranks (scipy.stats.rankdata)', () => {
    // rankdata([10, 20, 10, 30, 20, 20]) = [1.5, 4, 1.5, 6, 4, 4]
    const { ranks, tieSizes } = averageRanks([10, 20, 10, 30, 20, 20]);
    expect(ranks).toEqual([1.5, 4, 1.5, 6, 4, 4]);
    expect([...tieSizes].sort()).toEqual([1, 2, 3]);
  });
});

describe('walshAverages', () => {
  it('returns the n(n+1)/2 pairwise means, sorted', () => {
    expect([...walshAverages([1, 2, 9])]).toEqual([1, 1.5, 2, 5, 5.5, 9]);
    expect(walshAverages(Array.from({ length: 60 }, (_, i) => i)).length).toBe(1830);
  });
});
