import { describe, expect, it } from 'vitest';
import { analyseProcessEffect } from '../../bench/stats/process-effect-analysis.js';
import type { PoolPair } from '../../bench/stats/pool-file.js';
import type { TrialReading } from '../../src/model/results.js';
import { reading as aaReading } from '../fixtures/noise/reading.js';

function reading(side: 'base' | 'head', pair: number, cpuPerRequest: number): TrialReading {
  return aaReading(side, pair, cpuPerRequest, { scenario: 'search', durationMs: 2000, responses: 4000 });
}

/** Pairs whose cpu_per_request log-ratios are exactly `logRatios`, base at 0.5 CPU ms/request. */
function pairs(logRatios: readonly number[]): PoolPair[] {
  return logRatios.map((d, pair) => ({
    pair,
    base: reading('base', pair, 0.5),
    head: reading('head', pair, 0.5 * Math.exp(d)),
  }));
}

// Three process pairs of 4 pairs each: offsets 0, +0.1, −0.1 around the same ±0.01/±0.03 noise.
// By hand: MS within = 3 × 0.002 / 9, MS between = 4 × 0.02 / 2 = 0.04,
// τ² = (0.04 − 0.000667) / 4 = 0.0098333, σ² = 0.000667; the blocks do not overlap, so the
// Kruskal–Wallis rank sums are 26, 42, 10 and H = 12/(12·13) · (26² + 42² + 10²)/4 − 3·13 = 9.846.
const noise = [-0.01, 0.01, -0.03, 0.03];
const recorded = pairs([0, 0.1, -0.1].flatMap((offset) => noise.map((e) => offset + e)));

describe('analyseProcessEffect', () => {
  it('splits the variance into between-process τ and within-process σ (known answer)', () => {
    const { effects, blocks } = analyseProcessEffect(recorded, 4, ['cpu_per_request', 'throughput']);
    const cpu = effects.find((e) => e.metric === 'cpu_per_request');
    expect(cpu?.tau).toBeCloseTo(Math.sqrt(0.0098333), 5);
    expect(cpu?.sigma).toBeCloseTo(Math.sqrt(0.006 / 9), 6);
    expect(cpu?.kruskalWallis.h).toBeCloseTo(9.846, 3);
    expect(cpu?.kruskalWallis).toMatchObject({ df: 2, critical05: 5.99, critical01: 9.21 });
    expect(blocks.map((b) => b.offset.cpu_per_request)).toEqual([
      expect.closeTo(0, 9),
      expect.closeTo(Math.exp(0.1) - 1, 9),
      expect.closeTo(Math.exp(-0.1) - 1, 9),
    ]);
    // throughput is identical everywhere: no variance at all, every rank tied.
    expect(effects.find((e) => e.metric === 'throughput')).toMatchObject({
      tau: 0,
      sigma: 0,
      kruskalWallis: { h: 0 },
    });
  });

  it('finds no process effect when every block has the same offset', () => {
    const same = pairs([0, 1, 2].flatMap(() => noise));
    const [cpu] = analyseProcessEffect(same, 4, ['cpu_per_request']).effects;
    expect(cpu?.tau).toBe(0);
    expect(cpu?.kruskalWallis.h).toBeCloseTo(0, 9);
  });

  it('drops a short last block and refuses fewer than two blocks', () => {
    expect(analyseProcessEffect(recorded.slice(0, 10), 4, ['cpu_per_request']).blocks).toHaveLength(2);
    expect(() => analyseProcessEffect(recorded.slice(0, 7), 4, ['cpu_per_request'])).toThrow(RangeError);
    expect(() => analyseProcessEffect(recorded, 1, ['cpu_per_request'])).toThrow(RangeError);
  });
});
