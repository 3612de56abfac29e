import { describe, expect, it } from 'vitest';
import { summarizeCandidate, type NoiseRecord } from '../../bench/noise/noise-analysis.js';
import type { ProcessWindowCpu } from '../../src/ports.js';
import type { Side, TrialReading } from '../../src/model/results.js';
import { reading as aaReading } from '../fixtures/noise/reading.js';

/** Two gunicorn-like workers under a master, CPU ms each. */
function workers(a: number, b: number): ProcessWindowCpu[] {
  return [
    { pid: 10, command: 'gunicorn master', cpuMs: 5 },
    { pid: 11, ppid: 10, command: 'gunicorn worker', cpuMs: a },
    { pid: 12, ppid: 10, command: 'gunicorn worker', cpuMs: b },
  ];
}

function reading(
  side: Side,
  pair: number,
  cpuPerRequest: number,
  processes = workers(500, 500),
): TrialReading {
  return aaReading(side, pair, cpuPerRequest, { processes });
}

function record(round: number, logRatio: number, extra: Partial<NoiseRecord> = {}): NoiseRecord {
  return {
    candidate: 'duet-5s',
    round,
    order: ['base', 'head'],
    pairWallMs: 8_000,
    readings: { base: reading('base', round, 0.5), head: reading('head', round, 0.5 * Math.exp(logRatio)) },
    clientCpuMs: { base: 1_000, head: 1_000 },
    redeals: 0,
    ...extra,
  };
}

describe('noise candidates, summarized', () => {
  // 0 and ±2% around no change (median absolute deviation 2%), with one wild pair the robust sd
  // must not see.
  const ratios = [-0.02, 0, 0.02, -0.02, 0, 0.02, 0.5, -0.02, 0.02];
  const records = ratios.map((d, round) => record(round, d));

  it('spreads: the robust sd ignores an outlier that the plain sd counts', () => {
    const summary = summarizeCandidate('duet-5s', records, { gates: 50, changes: [0] });
    expect(summary.spread.cpu_per_request.robustSd).toBeCloseTo(1.4826 * 0.02, 6);
    expect(summary.spread.cpu_per_request.sd).toBeGreaterThan(0.15);
    expect(summary.pairs).toBe(9);
    expect(summary.unfair).toBe(0);
    // 160 s of budget at 8 s a pair.
    expect(summary.pairsPerBudget).toBe(20);
    // 1000 ms of load CPU for 10 000 responses against 0.5 ms of server CPU per request.
    expect(summary.clientCpuPerRequestMs).toBeCloseTo(0.1, 9);
    expect(summary.serverCpuPerRequestMs).toBeCloseTo(0.5, 9);
  });

  it('leaves out a pair with an idle worker and charges its rate to the pair cost', () => {
    const idle = record(9, 0.4, {
      readings: { base: reading('base', 9, 0.5), head: reading('head', 9, 0.7, workers(900, 2)) },
    });
    const summary = summarizeCandidate('duet-5s', [...records, idle], { gates: 50, changes: [0] });
    expect(summary.unfair).toBe(1);
    expect(summary.spread.cpu_per_request.robustSd).toBeCloseTo(1.4826 * 0.02, 6);
    // 1 of 10 pairs re-run: 160 s / (8 s × 1.1).
    expect(summary.pairsPerBudget).toBe(18);
  });

  it('runs the real rule: a noiseless +30% always fails, an A/A pool never does', () => {
    const quiet = Array.from({ length: 20 }, (_, round) => record(round, round % 2 === 0 ? 0.01 : -0.01));
    const summary = summarizeCandidate('duet-5s', quiet, { gates: 100, changes: [0, 0.3] });
    const [aa, gross] = summary.power;
    expect(aa?.regression).toBe(0);
    expect(gross?.regression).toBe(1);
    expect(summary.smallestCaught80).toBe(0.3);
  });
});
