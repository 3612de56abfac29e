import { describe, expect, it } from 'vitest';
import { decideGateVerdict } from '../../src/compare/decide-gate-verdict.js';
import { decideVerdict, type VerdictInput } from '../../src/compare/decide-verdict.js';
import { estimatePairsNeeded } from '../../src/compare/estimate-pairs-needed.js';
import { estimatePairedChange } from '../../src/compare/estimate-paired-change.js';
import type { Comparison, Verdict } from '../../src/model/results.js';

const base: VerdictInput = {
  change: 0,
  ci: [-0.02, 0.02],
  qValue: 0.5,
  better: 'lower',
  threshold: 0.05,
  alpha: 0.05,
  ciAtLevel: true,
};

describe('decideVerdict', () => {
  it.each<{ name: string; input: Partial<VerdictInput>; expected: Verdict }>([
    {
      name: 'latency +12%, significant',
      input: { change: 0.12, ci: [0.08, 0.16], qValue: 0.01 },
      expected: 'regression',
    },
    {
      name: 'latency exactly +5%, significant',
      input: { change: 0.05, ci: [0.03, 0.07], qValue: 0.01 },
      expected: 'regression',
    },
    {
      name: 'latency −12%, significant',
      input: { change: -0.12, ci: [-0.16, -0.08], qValue: 0.01 },
      expected: 'improvement',
    },
    {
      name: 'throughput −12%, significant',
      input: { change: -0.12, ci: [-0.16, -0.08], qValue: 0.01, better: 'higher' },
      expected: 'regression',
    },
    {
      name: 'throughput +12%, significant',
      input: { change: 0.12, ci: [0.08, 0.16], qValue: 0.01, better: 'higher' },
      expected: 'improvement',
    },
    {
      name: '+12% but q above alpha',
      input: { change: 0.12, ci: [-0.01, 0.2], qValue: 0.06 },
      expected: 'inconclusive',
    },
    {
      name: 'significant +2%, interval inside ±5%',
      input: { change: 0.02, ci: [0.01, 0.03], qValue: 0.001 },
      expected: 'unchanged',
    },
    {
      name: 'significant +3%, interval reaching +6%',
      input: { change: 0.03, ci: [0.01, 0.06], qValue: 0.01 },
      expected: 'inconclusive',
    },
    { name: 'noise inside ±5%', input: {}, expected: 'unchanged' },
    {
      name: 'noise inside ±5% but interval below its level',
      input: { ciAtLevel: false },
      expected: 'inconclusive',
    },
    { name: 'wide noise', input: { ci: [-0.2, 0.2] }, expected: 'inconclusive' },
  ])('$name → $expected', ({ input, expected }) => {
    expect(decideVerdict({ ...base, ...input })).toBe(expected);
  });
});

function comparison(verdict: Verdict, gated = true): Comparison {
  return {
    scenario: 's',
    metric: 'latency_p50',
    gated,
    pairs: 10,
    baseMedian: 5,
    headMedian: 5,
    change: 0,
    ci: [0, 0],
    pValue: 1,
    qValue: 1,
    verdict,
    warnings: [],
  };
}

describe('decideGateVerdict', () => {
  it.each<{ verdicts: Verdict[]; incomplete?: boolean; expected: Verdict }>([
    { verdicts: ['unchanged', 'regression', 'inconclusive'], expected: 'regression' },
    { verdicts: ['unchanged', 'improvement', 'inconclusive'], expected: 'inconclusive' },
    { verdicts: ['unchanged', 'improvement'], expected: 'improvement' },
    { verdicts: ['unchanged', 'unchanged'], expected: 'unchanged' },
    { verdicts: ['unchanged'], incomplete: true, expected: 'inconclusive' },
    { verdicts: [], expected: 'unchanged' },
  ])('$verdicts (incomplete: $incomplete) → $expected', ({ verdicts, incomplete, expected }) => {
    expect(
      decideGateVerdict(
        verdicts.map((v) => comparison(v)),
        incomplete ?? false,
      ),
    ).toBe(expected);
  });

  it('ignores comparisons outside the gate', () => {
    expect(decideGateVerdict([comparison('regression', false), comparison('unchanged')], false)).toBe(
      'unchanged',
    );
  });
});

describe('estimatePairsNeeded', () => {
  it('scales the half-width with 1/√n towards the threshold margin', () => {
    // half-width 0.06, margin 0.05 − 0.01 = 0.04 → 8·(0.06/0.04)² = 18 pairs, 10 more.
    expect(
      estimatePairsNeeded({ pairs: 8, change: 0.01, ci: [-0.05, 0.07], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(
      /^inconclusive: roughly 10 more pair\(s\) \(18 in all\) might settle it \(the interval \(±6\.0% around \+1\.0%\) must fit inside ±5\.0%/,
    );
  });

  it('asks for enough pairs to exclude 0 when the estimate is beyond the threshold', () => {
    expect(
      estimatePairsNeeded({ pairs: 6, change: 0.1, ci: [-0.05, 0.25], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/roughly 8 more .*must exclude 0/);
  });

  it('asks at least for the pairs the exact test needs', () => {
    expect(
      estimatePairsNeeded({ pairs: 3, change: 0, ci: [-0.01, 0.01], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/roughly 3 more pair\(s\) \(6 in all\)/);
  });

  it('says when more pairs are not a practical answer', () => {
    expect(
      estimatePairsNeeded({ pairs: 8, change: 0.049, ci: [-0.2, 0.3], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/more than 1000 more pairs/);
  });
});

describe('estimatePairedChange', () => {
  it('estimates head/base − 1 from log-ratios (all pairs +10% → exactly +10%)', () => {
    const values = [100, 120, 90, 110, 105, 95, 130, 85].map((b) => ({ base: b, head: b * 1.1 }));
    const estimate = estimatePairedChange(values, 0.95);
    expect(estimate.method).toBe('log-ratio');
    expect(estimate.change).toBeCloseTo(0.1, 12);
    expect(estimate.ci[0]).toBeCloseTo(0.1, 12);
    expect(estimate.ci[1]).toBeCloseTo(0.1, 12);
    expect(estimate.pValue).toBeLessThan(0.05);
  });

  it('skips pairs with a non-finite value and says so', () => {
    const estimate = estimatePairedChange(
      [
        { base: 1, head: 1.1 },
        { base: Number.NaN, head: 1 },
        { base: 2, head: 2.1 },
      ],
      0.95,
    );
    expect(estimate.pairs).toBe(2);
    expect(estimate.warnings).toContain('1 pair(s) had a value that is not a finite number and were skipped');
  });

  it('compares against the pooled mean when base is 0 in most pairs', () => {
    const values = [0, 0, 0, 0, 0, 0.01].map((b) => ({ base: b, head: 0.02 }));
    const estimate = estimatePairedChange(values, 0.95);
    expect(estimate.method).toBe('difference');
    expect(estimate.baseMedian).toBe(0);
    expect(estimate.warnings.join()).toMatch(/relative to the mean of both sides/);
    expect(estimate.change).toBeGreaterThan(1);
  });
});
