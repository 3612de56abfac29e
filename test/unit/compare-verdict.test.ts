import { describe, expect, it } from 'vitest';
import { decideGateVerdict } from '../../src/compare/decide-gate-verdict.js';
import { decideVerdict } from '../../src/compare/decide-verdict.js';
import { estimatePairsNeeded } from '../../src/compare/estimate-pairs-needed.js';
import { estimatePairedChange } from '../../src/compare/estimate-paired-change.js';
import type { Comparison, Verdict, VerdictEvidence } from '../../src/model/results.js';

const none: VerdictEvidence = { regression: 0.5, improvement: 0.5, equivalence: 0.5 };

describe('decideVerdict', () => {
  it.each<{ name: string; evidence: Partial<VerdictEvidence>; expected: Verdict }>([
    { name: 'shown worse than t/2', evidence: { regression: 0.01 }, expected: 'regression' },
    {
      name: 'shown worse than t/2, exactly at the level',
      evidence: { regression: 0.02 },
      expected: 'regression',
    },
    {
      name: 'worse than t/2 just above the level',
      evidence: { regression: 0.0201 },
      expected: 'inconclusive',
    },
    { name: 'shown better than t/2', evidence: { improvement: 0.001 }, expected: 'improvement' },
    { name: 'shown within ±t', evidence: { equivalence: 0.01 }, expected: 'unchanged' },
    // An interval inside (t/2, t): a change smaller than the threshold is not worth failing for.
    {
      name: 'shown within ±t and worse than t/2 (the indifference zone)',
      evidence: { regression: 0.001, equivalence: 0.001 },
      expected: 'unchanged',
    },
    { name: 'nothing shown', evidence: {}, expected: 'inconclusive' },
  ])('$name → $expected', ({ evidence, expected }) => {
    expect(decideVerdict({ ...none, ...evidence }, 0.02)).toBe(expected);
  });
});

function comparison(verdict: Verdict, gated = true): Comparison {
  return {
    scenario: 's',
    metric: 'latency_p50',
    gated,
    pairs: 10,
    pairIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    baseMedian: 5,
    headMedian: 5,
    scale: 'relative',
    change: 0,
    ci: [0, 0],
    confidence: 0.95,
    level: 0.05,
    significant: false,
    pValue: 1,
    qValue: 1,
    evidence: none,
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

  it('asks for enough pairs to exclude half the threshold when the estimate is beyond it', () => {
    // half-width 0.15, margin 0.10 − 0.025 = 0.075 → 6·(0.15/0.075)² = 24 pairs, 18 more.
    expect(
      estimatePairsNeeded({ pairs: 6, change: 0.1, ci: [-0.05, 0.25], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/roughly 18 more .*must exclude ±2\.5% \(half the threshold\)/);
  });

  it('asks at least for the pairs the exact test needs', () => {
    expect(
      estimatePairsNeeded({ pairs: 3, change: 0, ci: [-0.01, 0.01], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/roughly 3 more pair\(s\) \(6 in all\)/);
  });

  it('says when more pairs are not a practical answer', () => {
    expect(
      estimatePairsNeeded({ pairs: 8, change: 0.0374, ci: [-0.2, 0.3], threshold: 0.05, minimumPairs: 6 }),
    ).toMatch(/more than 1000 more pairs/);
  });
});

describe('estimatePairedChange', () => {
  it('estimates head/base − 1 from log-ratios (all pairs +10% → exactly +10%)', () => {
    const values = [100, 120, 90, 110, 105, 95, 130, 85].map((b) => ({ base: b, head: b * 1.1 }));
    const estimate = estimatePairedChange(values);
    expect(estimate.method).toBe('log-ratio');
    expect(estimate.change).toBeCloseTo(0.1, 12);
    const interval = estimate.inference?.interval(0.025);
    expect(estimate.toChange(interval?.low ?? 0)).toBeCloseTo(0.1, 12);
    expect(estimate.toChange(interval?.high ?? 0)).toBeCloseTo(0.1, 12);
    expect(estimate.inference?.pAbove(0)).toBe(2 ** -8);
  });

  it('skips pairs with a non-finite value and says so', () => {
    const estimate = estimatePairedChange([
      { base: 1, head: 1.1 },
      { base: Number.NaN, head: 1 },
      { base: 2, head: 2.1 },
    ]);
    expect(estimate.pairs).toBe(2);
    expect(estimate.warnings).toContain('1 pair(s) had a value that is not a finite number and were skipped');
  });

  it('compares against the pooled mean when base is 0 in most pairs', () => {
    const values = [0, 0, 0, 0, 0, 0.01].map((b) => ({ base: b, head: 0.02 }));
    const estimate = estimatePairedChange(values);
    expect(estimate.method).toBe('difference');
    expect(estimate.baseMedian).toBe(0);
    expect(estimate.warnings.join()).toMatch(/relative to the mean of both sides/);
    expect(estimate.change).toBeGreaterThan(1);
  });

  it('never reads a ratio metric below −100%, even by differences', () => {
    // CPU per request reads 0 in trials with no response: the difference method; head cannot be
    // more than 100% cheaper than base.
    const values = [0.8, 0.9, 0.85, 0.7, 0.95, 0.9].map((b, i) => ({ base: b, head: i < 5 ? 0 : 3 }));
    const estimate = estimatePairedChange(values);
    expect(estimate.method).toBe('difference');
    const interval = estimate.inference?.interval(0.025);
    expect(estimate.toChange(interval?.low ?? 0)).toBeGreaterThanOrEqual(-1);
    expect(estimate.change).toBeGreaterThanOrEqual(-1);
  });

  it('reads a fraction (error rate) in percentage points: 0% → 100% is +1, not +200%', () => {
    const values = Array.from({ length: 6 }, () => ({ base: 0, head: 1 }));
    const estimate = estimatePairedChange(values, { points: true });
    expect(estimate.scale).toBe('points');
    expect(estimate.change).toBe(1);
  });
});
