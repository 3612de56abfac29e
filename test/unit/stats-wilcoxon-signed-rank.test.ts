import { describe, expect, it } from 'vitest';
import { minimumAchievablePValue } from '../../src/stats/minimum-achievable-p-value.js';
import { signedRankNullCounts } from '../../src/stats/signed-rank-null-counts.js';
import { wilcoxonSignedRank } from '../../src/stats/wilcoxon-signed-rank.js';
import { relativeError, signedRankReference } from '../fixtures/stats/reference.js';

describe('wilcoxonSignedRank against SciPy wilcoxon(zero_method="wilcox", correction=True)', () => {
  it.each(signedRankReference.cases)('$name', ({ d, statistic, pValue, method, n }) => {
    const result = wilcoxonSignedRank(d);
    expect(result.method).toBe(method);
    expect(result.n).toBe(n);
    expect(result.statistic).toBe(statistic);
    expect(relativeError(result.pValue, pValue)).toBeLessThan(method === 'exact' ? 1e-12 : 1e-10);
  });

  it.each(Object.entries(signedRankReference.nullPmf))('exact null distribution for n = %s', (n, pmf) => {
    const counts = signedRankNullCounts(Number(n));
    expect(counts.length).toBe(pmf.length);
    counts.forEach((count, v) =>
      expect(relativeError(count / 2 ** Number(n), pmf[v] ?? Number.NaN)).toBeLessThan(1e-14),
    );
  });
});

describe('wilcoxonSignedRank invariants', () => {
  const d = [0.12, -0.03, 0.08, 0.15, 0.02, 0.11, -0.01, 0.09];

  it('gives the same p when base and head swap (d → −d)', () => {
    const forward = wilcoxonSignedRank(d);
    const mirrored = wilcoxonSignedRank(d.map((x) => -x));
    expect(mirrored.pValue).toBe(forward.pValue);
    expect(mirrored.statistic).toBe((d.length * (d.length + 1)) / 2 - forward.statistic);
  });

  it('gives the same p when every difference is scaled', () => {
    expect(wilcoxonSignedRank(d.map((x) => x * 1000)).pValue).toBe(wilcoxonSignedRank(d).pValue);
  });

  it('returns p = 1 for a single pair, for all zeros and for no data', () => {
    expect(wilcoxonSignedRank([0.4]).pValue).toBe(1);
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ statistic: 0, pValue: 1, method: 'exact', n: 0 });
    expect(wilcoxonSignedRank([]).pValue).toBe(1);
  });

  it('reaches exactly the minimum achievable p when all signs agree', () => {
    for (const n of [1, 4, 6, 10, 20]) {
      const same = Array.from({ length: n }, (_, i) => 0.01 * (i + 1));
      expect(wilcoxonSignedRank(same).pValue).toBe(minimumAchievablePValue(n));
    }
  });

  it('rejects non-finite differences', () => {
    expect(() => wilcoxonSignedRank([0.1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('minimumAchievablePValue', () => {
  it('says 5 pairs can never reach 0.05 and 6 can', () => {
    expect(minimumAchievablePValue(5)).toBe(0.0625);
    expect(minimumAchievablePValue(6)).toBe(0.03125);
    expect(minimumAchievablePValue(0)).toBe(1);
    expect(minimumAchievablePValue(1)).toBe(1);
    expect(() => minimumAchievablePValue(2.5)).toThrow(RangeError);
  });
});
