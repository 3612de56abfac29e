import { describe, expect, it } from 'vitest';
import { planTrials, seedFromCommits } from '../../src/plan/schedule.js';

describe('planTrials', () => {
  it('plans every pair once, each with both sides', () => {
    const plan = planTrials(9, 7);
    expect(plan.map((p) => p.pair)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const { order } of plan) expect([...order].sort()).toEqual(['base', 'head']);
  });

  it('balances the order in blocks of two pairs: each side runs first equally often', () => {
    for (const seed of [1, 2, 3, 99, 123456]) {
      const plan = planTrials(10, seed);
      expect(plan.filter((p) => p.order[0] === 'base')).toHaveLength(5);
      for (let i = 0; i < 10; i += 2) expect(plan[i]?.order[0]).not.toBe(plan[i + 1]?.order[0]);
    }
  });

  it('randomizes the order across seeds and replays it for the same seed', () => {
    const firsts = new Set(Array.from({ length: 20 }, (_, seed) => planTrials(2, seed)[0]?.order[0]));
    expect(firsts).toEqual(new Set(['base', 'head']));
    expect(planTrials(12, 42)).toEqual(planTrials(12, 42));
  });

  it('rejects a negative or fractional count', () => {
    expect(() => planTrials(-1, 1)).toThrow(RangeError);
    expect(() => planTrials(2.5, 1)).toThrow(RangeError);
    expect(planTrials(0, 1)).toEqual([]);
  });
});

describe('seedFromCommits', () => {
  it('is stable for a comparison and differs between comparisons', () => {
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    expect(seedFromCommits(a, b)).toBe(seedFromCommits(a, b));
    expect(seedFromCommits(a, b)).not.toBe(seedFromCommits(b, a));
    expect(Number.isInteger(seedFromCommits(a, b))).toBe(true);
  });
});
