import { describe, expect, it } from 'vitest';
import { compareGate } from '../../src/compare/compare-gate.js';
import { HTTP_METRICS } from '../../src/model/metrics.js';
import type { TrialReading } from '../../src/model/results.js';
import { benjaminiHochberg } from '../../src/stats/benjamini-hochberg.js';
import { GATE, find, simulate } from '../fixtures/stats/simulate-trials.js';

describe('compareGate invariants', () => {
  const trials = simulate({
    pairs: 10,
    noise: 0.04,
    effects: { cpu_per_request: 1.12, throughput: 0.95 },
    seed: 21,
  });
  const swapped = trials.map((t): TrialReading => ({ ...t, side: t.side === 'base' ? 'head' : 'base' }));
  const outcome = compareGate({ trials, scenarios: ['list-items'], gate: GATE });
  const mirrored = compareGate({ trials: swapped, scenarios: ['list-items'], gate: GATE });

  it.each(HTTP_METRICS.filter((m) => m !== 'error_rate'))(
    'swapping base and head mirrors the change of %s and keeps p',
    (metric) => {
      const forward = find(outcome.comparisons, metric);
      const backward = find(mirrored.comparisons, metric);
      expect(backward.pValue).toBe(forward.pValue);
      expect(1 + backward.change).toBeCloseTo(1 / (1 + forward.change), 12);
      expect(1 + backward.ci[0]).toBeCloseTo(1 / (1 + forward.ci[1]), 12);
      expect(backward.baseMedian).toBe(forward.headMedian);
    },
  );

  it('swapping turns the regression into an improvement', () => {
    expect(find(outcome.comparisons, 'cpu_per_request').verdict).toBe('regression');
    expect(find(mirrored.comparisons, 'cpu_per_request').verdict).toBe('improvement');
  });

  it('scaling every value of a metric leaves change and p unchanged', () => {
    const scaled = trials.map((t): TrialReading => ({
      ...t,
      metrics: { ...t.metrics, cpu_per_request: t.metrics.cpu_per_request * 1000 },
    }));
    const a = find(outcome.comparisons, 'cpu_per_request');
    const b = find(
      compareGate({ trials: scaled, scenarios: ['list-items'], gate: GATE }).comparisons,
      'cpu_per_request',
    );
    expect(b.pValue).toBe(a.pValue);
    expect(b.change).toBeCloseTo(a.change, 12);
  });

  it('adjusts p-values by Benjamini–Hochberg within the gated family only', () => {
    // error_rate gates always but is decided by the error rule, outside both families.
    const gatedComparisons = outcome.comparisons.filter((c) => c.gated && c.metric !== 'error_rate');
    const expected = benjaminiHochberg(gatedComparisons.map((c) => c.pValue));
    gatedComparisons.forEach((c, i) => expect(c.qValue).toBe(expected[i]));
    const others = outcome.comparisons.filter((c) => !c.gated);
    const expectedOthers = benjaminiHochberg(others.map((c) => c.pValue));
    others.forEach((c, i) => expect(c.qValue).toBe(expectedOthers[i]));
  });
});

describe('compareGate edge cases', () => {
  it('calls an error rate of 0 on both sides unchanged, in percentage points, without a warning', () => {
    const outcome = compareGate({ trials: simulate({ pairs: 10 }), scenarios: ['list-items'], gate: GATE });
    const errors = find(outcome.comparisons, 'error_rate');
    expect(errors).toMatchObject({
      verdict: 'unchanged',
      scale: 'points',
      gated: true,
      change: 0,
      ci: [0, 0],
      pValue: 1,
      baseMedian: 0,
    });
    expect(errors.warnings).toEqual([]);
  });

  it('calls a constant non-zero metric unchanged with a zero-variance warning', () => {
    const trials = simulate({ pairs: 10 }).map((t): TrialReading => ({
      ...t,
      metrics: { ...t.metrics, rss_peak: 50_000_000 },
    }));
    const rss = find(compareGate({ trials, scenarios: ['list-items'], gate: GATE }).comparisons, 'rss_peak');
    expect(rss.verdict).toBe('unchanged');
    expect(rss.warnings.join('\n')).toMatch(/zero variance/);
  });

  it('warns about high steal', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 10, steal: 0.32 }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    expect(find(outcome.comparisons, 'throughput').warnings.join('\n')).toMatch(/high CPU steal: 32\.0%/);
  });

  it('ignores half pairs and says so', () => {
    const trials = simulate({ pairs: 10 }).filter((t) => !(t.pair === 9 && t.side === 'head'));
    const outcome = compareGate({ trials, scenarios: ['list-items'], gate: GATE });
    expect(find(outcome.comparisons, 'throughput').pairs).toBe(9);
    expect(outcome.warnings).toEqual([
      'list-items: pair(s) 9 lack a base or head reading and were ignored',
      'list-items: 9 of 10 planned pairs were measured',
    ]);
  });

  it('is inconclusive when a scenario has no complete pair', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 10, noise: 0.005 }),
      scenarios: ['list-items', 'search'],
      gate: GATE,
    });
    expect(outcome.comparisons.every((c) => c.scenario === 'list-items')).toBe(true);
    expect(outcome.warnings).toContain(
      'search: no complete base/head pair was measured, so nothing was compared',
    );
    expect(outcome.verdict).toBe('inconclusive');
  });

  it('does not fail the gate on a metric outside gate.metrics', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 10, noise: 0.005, effects: { rss_peak: 1.3 } }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    const rss = find(outcome.comparisons, 'rss_peak');
    expect(rss).toMatchObject({ gated: false, verdict: 'regression' });
    expect(outcome.regressions).toBe(0);
    expect(outcome.verdict).toBe('unchanged');
  });

  it('keeps scenarios apart and in the given order', () => {
    const trials = [
      ...simulate({ pairs: 10, scenario: 'b', effects: { cpu_per_request: 1.3 } }),
      ...simulate({ pairs: 10, scenario: 'a', seed: 2 }),
    ];
    const outcome = compareGate({ trials, scenarios: ['a', 'b'], gate: GATE });
    expect(outcome.comparisons.map((c) => c.scenario)).toEqual([
      ...HTTP_METRICS.map(() => 'a'),
      ...HTTP_METRICS.map(() => 'b'),
    ]);
    expect(find(outcome.comparisons, 'cpu_per_request', 'b').verdict).toBe('regression');
    expect(find(outcome.comparisons, 'cpu_per_request', 'a').verdict).not.toBe('regression');
  });
});

describe('compareGate warnings about the server', () => {
  const trials = simulate({ pairs: 6, noise: 0.03, effects: {}, seed: 5 });

  it('lifts a head server that closes keep-alive connections into the gate warnings, with its trial count', () => {
    const closing = trials.map((t, i): TrialReading =>
      t.side === 'head' && i % 4 === 1 ? { ...t, connectionClose: true } : t,
    );
    const headClosing = closing.filter((t) => t.side === 'head' && t.connectionClose).length;
    expect(headClosing).toBeGreaterThan(0);
    const { warnings } = compareGate({ trials: closing, scenarios: ['list-items'], gate: GATE });
    const lines = warnings.filter((w) => w.includes('Connection: close'));
    expect(lines).toEqual([
      expect.stringContaining(
        `list-items: the head server answered \`Connection: close\` to keep-alive requests in ${headClosing} of 6 trials`,
      ),
    ]);
  });

  it('says nothing when every connection was kept alive', () => {
    const { warnings } = compareGate({ trials, scenarios: ['list-items'], gate: GATE });
    expect(warnings.filter((w) => w.includes('Connection: close'))).toEqual([]);
  });
});
