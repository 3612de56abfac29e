import { describe, expect, it } from 'vitest';
import { compareGate } from '../../src/compare/compare-gate.js';
import { HTTP_METRICS } from '../../src/model/metrics.js';
import { GATE, find, simulate } from '../fixtures/stats/simulate-trials.js';

describe('compareGate on realistic paired trials', () => {
  it('fails on a clear 30% CPU-per-request regression', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 10, effects: { cpu_per_request: 1.3 } }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    const cpu = find(outcome.comparisons, 'cpu_per_request');
    expect(cpu.verdict).toBe('regression');
    expect(cpu.change).toBeGreaterThan(0.25);
    expect(cpu.change).toBeLessThan(0.35);
    expect(cpu.ci[0]).toBeGreaterThan(0.2);
    expect(cpu.pValue).toBe(2 / 2 ** 10); // every pair worse: the exact test's smallest p
    expect(cpu.pairs).toBe(10);
    expect(outcome.verdict).toBe('regression');
    expect(outcome.regressions).toBe(1);
    expect(outcome.comparisons).toHaveLength(HTTP_METRICS.length);
  });

  it('does not fail on A/A noise of ±5% (40 seeded runs)', () => {
    let flagged = 0;
    let compared = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const outcome = compareGate({
        trials: simulate({ pairs: 10, noise: 0.05, seed }),
        scenarios: ['list-items'],
        gate: GATE,
      });
      expect(outcome.regressions, `seed ${seed}`).toBe(0);
      expect(outcome.verdict, `seed ${seed}`).not.toBe('regression');
      compared += outcome.comparisons.length;
      flagged += outcome.comparisons.filter(
        (c) => c.verdict === 'regression' || c.verdict === 'improvement',
      ).length;
    }
    // A false "change" needs q ≤ 0.05 and an estimate beyond ±5%: far rarer than alpha.
    expect(flagged / compared).toBeLessThan(0.02);
  });

  it('reports a throughput drop as a regression with a negative change', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 12, effects: { throughput: 0.85, latency_p50: 1.17 }, seed: 3 }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    const throughput = find(outcome.comparisons, 'throughput');
    expect(throughput.verdict).toBe('regression');
    expect(throughput.change).toBeLessThan(-0.1);
    expect(throughput.ci[1]).toBeLessThan(0);
    expect(throughput.headMedian).toBeLessThan(throughput.baseMedian);
    expect(find(outcome.comparisons, 'latency_p50').verdict).toBe('regression');
    expect(outcome.regressions).toBe(2);
  });

  it('reports an improvement, and the gate improves when the other gated metrics are unchanged', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 12, noise: 0.01, effects: { cpu_per_request: 0.75 }, seed: 5 }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    const cpu = find(outcome.comparisons, 'cpu_per_request');
    expect(cpu.verdict).toBe('improvement');
    expect(cpu.change).toBeCloseTo(-0.25, 1);
    expect(find(outcome.comparisons, 'latency_p50').verdict).toBe('unchanged');
    expect(find(outcome.comparisons, 'throughput').verdict).toBe('unchanged');
    expect(outcome.verdict).toBe('improvement');
    expect(outcome.regressions).toBe(0);
  });

  it('is inconclusive under wide noise and says roughly how many more pairs would help', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 6, noise: 0.3, seed: 9 }),
      scenarios: ['list-items'],
      gate: { ...GATE, trials: 6 },
    });
    const cpu = find(outcome.comparisons, 'cpu_per_request');
    expect(cpu.verdict).toBe('inconclusive');
    expect(cpu.warnings.join('\n')).toMatch(/inconclusive: .*(more pair|many more pairs)/);
    expect(cpu.ci[1] - cpu.ci[0]).toBeGreaterThan(0.1);
    expect(outcome.verdict).toBe('inconclusive');
  });

  it('cannot fail with too few pairs, and says why', () => {
    const outcome = compareGate({
      trials: simulate({ pairs: 3, effects: { cpu_per_request: 1.3 } }),
      scenarios: ['list-items'],
      gate: GATE,
    });
    const cpu = find(outcome.comparisons, 'cpu_per_request');
    expect(cpu.pValue).toBe(0.25);
    expect(cpu.verdict).toBe('inconclusive');
    expect(cpu.warnings).toContain(
      '3 pair(s) can never reach p ≤ 0.05: the signed-rank test needs at least 5 pairs for that',
    );
    // And the interval says the confidence it has: the widest, 1 − 2·2⁻³.
    expect(cpu.confidence).toBe(0.75);
    expect(outcome.verdict).toBe('inconclusive');
    expect(outcome.warnings).toContain('list-items: 3 of 10 planned pairs were measured');
  });
});
