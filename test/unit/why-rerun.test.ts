import { describe, expect, it } from 'vitest';
import { whyRerun } from '../../src/measure/why-rerun.js';
import type { TrialReading } from '../../src/model/results.js';

// A fair trial of the Flask example under gunicorn gthread with 2 workers (numbers from a real run).
const fair: TrialReading = {
  scenario: 'customer-summary',
  side: 'base',
  pair: 0,
  position: 0,
  startedAt: '2026-11-25T20:00:00.000Z',
  durationMs: 5010,
  metrics: {
    throughput: 2563,
    latency_p50: 5.9,
    latency_p90: 9.1,
    latency_p99: 20.4,
    cpu_per_request: 0.575,
    rss_peak: 84_000_000,
    error_rate: 0,
  },
  responses: 12_840,
  errors: 0,
  stealFraction: 0.12,
  processes: [
    { pid: 10, ppid: 1, command: 'sh -c gunicorn', cpuMs: 0 },
    { pid: 11, ppid: 10, command: 'gunicorn master', cpuMs: 12 },
    { pid: 12, ppid: 11, command: 'gunicorn worker', cpuMs: 3710 },
    { pid: 13, ppid: 11, command: 'gunicorn worker', cpuMs: 3660 },
  ],
  warnings: [],
};

describe('whyRerun', () => {
  it('keeps a fair trial', () => {
    expect(whyRerun(fair)).toBeUndefined();
  });

  it.each([
    [
      'a worker left idle',
      { processes: fair.processes.map((p) => (p.pid === 13 ? { ...p, cpuMs: 0 } : p)) },
      'worker pid 13 idle',
    ],
    ['extreme steal', { stealFraction: 0.62 }, '62% CPU steal'],
  ])('sets aside %s', (_case, change, reason) => {
    expect(whyRerun({ ...fair, ...change })).toBe(reason);
  });

  it('tolerates ordinary steal', () => {
    expect(whyRerun({ ...fair, stealFraction: 0.4 })).toBeUndefined();
  });

  // Errors are what the server did, so re-running on them would select on the outcome: a head that
  // fails some requests would be measured again until it failed fewer (docs/reruns.md).
  it.each([0.005, 0.034, 1])('never sets aside for errors (error rate %s)', (errorRate) => {
    expect(
      whyRerun({
        ...fair,
        errors: Math.round(errorRate * fair.responses),
        metrics: { ...fair.metrics, error_rate: errorRate },
      }),
    ).toBeUndefined();
  });

  // Swapping the side label of a reading never changes the decision.
  it.each(['base', 'head'] as const)('decides the same for %s', (side) => {
    const idle = { processes: fair.processes.map((p) => (p.pid === 13 ? { ...p, cpuMs: 0 } : p)) };
    expect(whyRerun({ ...fair, ...idle, side })).toBe('worker pid 13 idle');
    expect(whyRerun({ ...fair, side })).toBeUndefined();
  });
});
