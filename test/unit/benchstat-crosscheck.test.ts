import { describe, expect, it } from 'vitest';
import { hodgesLehmannTwoSample } from '../../src/stats/hodges-lehmann-two-sample.js';
import { mannWhitneyU } from '../../src/stats/mann-whitney-u.js';
import { median } from '../../src/stats/median.js';
import {
  benchstatCases,
  type BenchstatCall,
  type BenchstatCase,
} from '../fixtures/benchstat/benchstat-cases.js';
import { relativeError } from '../fixtures/stats/reference.js';

// benchstat's own test data (golang/perf, see test/fixtures/benchstat/README.md) run through our
// unpaired comparison: head against base, as stored-baseline mode will call it.
const { alpha, cases } = benchstatCases;

function callOf(pValue: number): BenchstatCall {
  return pValue <= alpha ? 'significant' : 'not-significant';
}

/** benchstat's running mean (golang/perf internal/stats `Mean`), which v1 divides for its delta. */
function runningMean(values: readonly number[]): number {
  return values.reduce((mean, x, i) => mean + (x - mean) / (i + 1), 0);
}

/** The change benchstat prints: v2 compares medians, v1 means of the outlier-trimmed samples. */
function benchstatChangePercent(c: BenchstatCase): number {
  const ratio =
    c.benchstat === 'v2' ? median(c.head) / median(c.base) : runningMean(c.head) / runningMean(c.base);
  return (ratio - 1) * 100;
}

function formatGoPercent(percent: number): string {
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(2)}%`;
}

const withDelta = cases.filter((c) => c.benchstatDelta.endsWith('%'));

describe('benchstat cases (fixture)', () => {
  it('hold every comparison of the ten golden files, in the tally docs/statistics.md reports', () => {
    const tally: Record<string, number> = {};
    for (const c of cases) {
      const key = `${c.benchstat} ${c.benchstatMethod} ${c.knownDifference === undefined ? 'same' : 'differs'}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    expect(cases).toHaveLength(205);
    expect(tally).toEqual({
      'v2 exact same': 59,
      'v2 exact-with-ties same': 41,
      'v2 all-equal same': 1,
      'v1 exact same': 61,
      'v1 exact-with-ties same': 41,
      'v1 all-equal same': 2,
    });
    // benchstat's tail quirk (README): p values of its own that are not the exact conditional p.
    expect(cases.filter((c) => c.pValueDifference !== undefined).map((c) => c.benchmark)).toEqual([
      'CRC32/poly=IEEE/size=1kB/align=1-8',
      'CRC32/poly=Castagnoli/size=512/align=1-8',
      'CRC32/poly=Castagnoli/size=1kB/align=1-8',
      'CRC32/poly=Castagnoli/size=32kB/align=1-8',
    ]);
  });

  it.each(cases)('$id: the samples reproduce what benchstat printed', (c) => {
    if (c.benchstatPValue !== null && c.benchstatPValueUnrounded !== null) {
      expect(c.benchstatPValueUnrounded.toFixed(3)).toBe(c.benchstatPValue.toFixed(3));
      expect(c.printed).toContain(`p=${c.benchstatPValue.toFixed(3)}`);
    }
    if (c.benchstatDelta.endsWith('%'))
      expect(formatGoPercent(benchstatChangePercent(c))).toBe(c.benchstatDelta);
  });
});

describe('mannWhitneyU against benchstat', () => {
  it.each(cases)('$id ($benchstatMethod): $printed', (c) => {
    const result = mannWhitneyU(c.head, c.base);
    // Our value, independently: SciPy mannwhitneyu (no ties) or the exact conditional p checked
    // against SciPy permutation_test (ties), in the extract script.
    expect(result.method).toBe(c.perfgateMethod);
    expect(relativeError(result.pValue, c.perfgatePValue)).toBeLessThan(1e-9);
    expect(c.knownDifference).toBeUndefined();
    expect(callOf(result.pValue)).toBe(c.benchstatCall);

    if (c.benchstatMethod === 'exact') {
      // Same method (exact null distribution without ties): same p at benchstat's printed precision.
      expect(result.pValue.toFixed(3)).toBe(c.benchstatPValue?.toFixed(3));
    }
    if (c.benchstatMethod === 'exact-with-ties') {
      // Same method (exact distribution given the ties); the p is the same unless benchstat's tail
      // quirk took the larger tail, where ours is the exact conditional p.
      expect(result.method).toBe('exact-ties');
      const expected =
        c.pValueDifference === undefined ? c.benchstatPValueUnrounded : c.exactConditionalPValue;
      expect(relativeError(result.pValue, expected ?? Number.NaN)).toBeLessThan(1e-12);
      if (c.pValueDifference !== undefined)
        expect(relativeError(result.pValue, c.benchstatPValueUnrounded ?? Number.NaN)).toBeGreaterThan(1e-4);
    }
    if (c.benchstatMethod === 'all-equal') expect(result.pValue).toBe(1);
  });

  it('agrees with every p benchstat printed except two where its tail quirk shows at three decimals', () => {
    const printedDifferently = cases
      .filter(
        (c) =>
          c.benchstatPValue !== null &&
          mannWhitneyU(c.head, c.base).pValue.toFixed(3) !== c.benchstatPValue.toFixed(3),
      )
      .map((c) => `${c.benchmark} ${c.benchstatPValue?.toFixed(3)}`);
    expect(printedDifferently).toEqual([
      'CRC32/poly=Castagnoli/size=512/align=1-8 0.952',
      'CRC32/poly=Castagnoli/size=1kB/align=1-8 0.190',
    ]);
  });
});

describe('hodgesLehmannTwoSample where benchstat shows a change', () => {
  it.each(withDelta)('$id: $benchstatDelta', (c) => {
    const { shift, ci } = hodgesLehmannTwoSample(c.head, c.base, 1 - alpha);
    expect(relativeError(shift, c.shift)).toBeLessThan(1e-12);
    // benchstat's change is a ratio of medians (v2) or trimmed means (v1), not a shift estimate,
    // so the sizes differ; the direction must not.
    expect(Math.sign(shift)).toBe(Math.sign(benchstatChangePercent(c)));
    if (c.benchstat === 'v2') {
      // The difference of medians benchstat reports lies inside our 95% shift interval.
      const medianDifference = median(c.head) - median(c.base);
      expect(medianDifference).toBeGreaterThanOrEqual(ci[0]);
      expect(medianDifference).toBeLessThanOrEqual(ci[1]);
    }
  });

  it('covers all 113 significant changes', () => {
    expect(withDelta).toHaveLength(113);
    expect(withDelta.every((c) => c.benchstatCall === 'significant')).toBe(true);
  });
});
