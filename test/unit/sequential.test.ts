import { describe, expect, it } from 'vitest';
import { evaluateLook, planSequentialDesign, spendAlpha } from '../../src/compare/index.js';
import type { GateConfig } from '../../src/config/types.js';
import type { TrialReading } from '../../src/model/results.js';
import { createSeededRandom } from '../../src/stats/seeded-random.js';
import { GATE, simulate } from '../fixtures/stats/simulate-trials.js';

const gate = (trials: number, minTrials: number, alpha = 0.05): GateConfig => ({
  ...GATE,
  trials,
  minTrials,
  alpha,
});

describe('planSequentialDesign', () => {
  it('looks after minTrials, every 4 pairs, and at the last pair', () => {
    expect(planSequentialDesign(gate(20, 8)).looks).toEqual([8, 12, 16, 20]);
    expect(planSequentialDesign(gate(18, 8)).looks).toEqual([8, 12, 16, 18]);
    expect(planSequentialDesign(gate(8, 8)).looks).toEqual([8]);
  });

  it('spends exactly alpha over the looks, most of it early (Pocock-type spending)', () => {
    const { alphas } = planSequentialDesign(gate(20, 8));
    expect(alphas.reduce((a, b) => a + b, 0)).toBeCloseTo(0.05, 12);
    expect(alphas[0]).toBeCloseTo(0.05 * Math.log(1 + (Math.E - 1) * 0.4), 12); // 0.0261
    expect(alphas.every((a) => a > 0)).toBe(true);
    expect(planSequentialDesign(gate(8, 8)).alphas).toEqual([0.05]);
  });

  it('has the spending function pass through 0 and alpha', () => {
    expect(spendAlpha(0.05, 0)).toBe(0);
    expect(spendAlpha(0.05, 1)).toBeCloseTo(0.05, 12);
    expect(spendAlpha(0.05, 0.5)).toBeGreaterThan(0.025); // Pocock-type spends early
  });

  it('rejects a first look after the last pair', () => {
    expect(() => planSequentialDesign(gate(6, 8))).toThrow(RangeError);
  });
});

/** The readings of the first `n` pairs, as a gate has them at a look after n pairs. */
function pairsOf(all: readonly TrialReading[], n: number): TrialReading[] {
  return all.filter((t) => t.pair < n);
}

describe('evaluateLook', () => {
  const design = planSequentialDesign(gate(20, 8));

  it('stops at the first look on a large regression', () => {
    const trials = simulate({
      pairs: 20,
      effects: { cpu_per_request: 1.3, latency_p50: 1.3, throughput: 1 / 1.3 },
      noise: 0.03,
      seed: 11,
    });
    const result = evaluateLook({
      trials: pairsOf(trials, 8),
      scenarios: ['list-items'],
      gate: gate(20, 8),
      design,
      look: 0,
    });
    expect(result.stop).toBe(true);
    expect(result.outcome.verdict).toBe('regression');
    expect(result.reason).toMatch(/regression at look 1/);
    expect(result.significanceLevel).toBeCloseTo(design.alphas[0] ?? 0, 12);
  });

  it('goes on while a gated metric is inconclusive, and stops at the last look whatever it sees', () => {
    const trials = simulate({ pairs: 20, effects: { cpu_per_request: 1.04 }, noise: 0.12, seed: 5 });
    const first = evaluateLook({
      trials: pairsOf(trials, 8),
      scenarios: ['list-items'],
      gate: gate(20, 8),
      design,
      look: 0,
    });
    expect(first.stop).toBe(false);
    expect(first.reason).toMatch(/inconclusive/);
    const last = evaluateLook({ trials, scenarios: ['list-items'], gate: gate(20, 8), design, look: 3 });
    expect(last.stop).toBe(true);
  });

  it('keeps false alarms under alpha across all looks when only noise differs (seeded simulation)', () => {
    // With a threshold near 0 the regression claim is "worse at all", so this is the classic
    // false-alarm rate of optional stopping.
    const strict: GateConfig = { ...gate(20, 8), threshold: 1e-9 };
    const random = createSeededRandom(2026);
    let alarms = 0;
    const gates = 300;
    for (let g = 0; g < gates; g++) {
      const trials = simulate({ pairs: 20, noise: 0.08, seed: Math.floor(random() * 2 ** 31) });
      for (let look = 0; look < design.looks.length; look++) {
        const result = evaluateLook({
          trials: pairsOf(trials, design.looks[look] ?? 0),
          scenarios: ['list-items'],
          gate: strict,
          design,
          look,
        });
        if (result.outcome.verdict === 'regression') alarms += 1;
        if (result.stop) break;
      }
    }
    // Per-pair sd ≈ 11%: the design promises at most alpha = 5% (seen: 2.0%; testing every look at
    // the full 5% gave 6.0%, and this test fails).
    expect(alarms / gates).toBeLessThanOrEqual(0.05);
  });

  it('rejects a look that was not planned', () => {
    expect(() => evaluateLook({ trials: [], scenarios: [], gate: gate(20, 8), design, look: 4 })).toThrow(
      RangeError,
    );
  });
});
