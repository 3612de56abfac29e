import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../src/stats/benjamini-hochberg.js';
import { benjaminiHochbergReference } from '../fixtures/stats/reference.js';

describe('benjaminiHochberg against SciPy false_discovery_control(method="bh")', () => {
  it.each(benjaminiHochbergReference.cases)('$p', ({ p, q }) => {
    const adjusted = benjaminiHochberg(p);
    adjusted.forEach((value, i) => expect(value).toBeCloseTo(q[i] ?? Number.NaN, 14));
  });
});

describe('benjaminiHochberg invariants', () => {
  it('never lowers a p-value and keeps their order', () => {
    const p = [0.2, 0.001, 0.04, 0.03, 0.5, 0.049];
    const q = benjaminiHochberg(p);
    q.forEach((value, i) => expect(value).toBeGreaterThanOrEqual(p[i] ?? 1));
    const byP = p.map((value, i) => ({ value, q: q[i] ?? 1 })).sort((a, b) => a.value - b.value);
    byP.slice(1).forEach((entry, i) => expect(entry.q).toBeGreaterThanOrEqual(byP[i]?.q ?? 1));
  });

  it('leaves a single p-value and an empty family alone', () => {
    expect(benjaminiHochberg([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('rejects values that are not probabilities', () => {
    expect(() => benjaminiHochberg([0.1, Number.NaN])).toThrow(RangeError);
    expect(() => benjaminiHochberg([1.2])).toThrow(/index 0/);
  });
});
