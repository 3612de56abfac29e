import { describe, expect, it } from 'vitest';
import { toReading } from '../../src/measure/to-reading.js';
import { findIdleWorkers } from '../../src/measure/find-idle-workers.js';
import type { HttpScenario } from '../../src/config/types.js';
import type { LoadResult, ProcessWindowCpu, TreeWindow } from '../../src/ports.js';

const scenario: HttpScenario = {
  name: 'list-items',
  path: '/items',
  method: 'GET',
  headers: {},
  connections: 8,
  durationMs: 5000,
  warmupMs: 1000,
  pipelining: 1,
};
// Numbers from a real 5 s trial of the Flask example (gunicorn gthread, 2 workers).
const load: LoadResult = {
  responses: 5210,
  ok: 5200,
  non2xx: 10,
  errors: 2,
  timeouts: 0,
  durationMs: 5012,
  latencyMs: { p50: 6.412, p90: 11.87, p99: 24.3 },
  bytes: 5210 * 812,
  connectionClose: false,
};
const gunicorn: ProcessWindowCpu[] = [
  { pid: 100, ppid: 1, command: 'sh -c gunicorn ...', cpuMs: 0 },
  { pid: 101, ppid: 100, command: 'gunicorn master', cpuMs: 10 },
  { pid: 102, ppid: 101, command: 'gunicorn worker', cpuMs: 2410 },
  { pid: 103, ppid: 101, command: 'gunicorn worker', cpuMs: 2230 },
];
const window: TreeWindow = {
  cpuMs: 4650,
  processes: gunicorn,
  rssPeakBytes: 84_000_000,
  stealFraction: 0.12,
  loadAverage: 1.9,
};
const where = {
  scenario,
  side: 'head' as const,
  pair: 3,
  position: 1 as const,
  startedAt: '2026-11-25T20:00:00.000Z',
};

describe('toReading', () => {
  it('derives every metric in its unit', () => {
    const reading = toReading(where, load, window);
    expect(reading.metrics.throughput).toBeCloseTo(5200 / 5.012, 6); // ok responses per second
    expect(reading.metrics.cpu_per_request).toBeCloseTo(4650 / 5210, 9); // CPU ms per response
    expect(reading.metrics.latency_p50).toBe(6.412);
    expect(reading.metrics.latency_p99).toBe(24.3);
    expect(reading.metrics.rss_peak).toBe(84_000_000);
    expect(reading.metrics.error_rate).toBeCloseTo(12 / 5212, 9);
    expect(reading).toMatchObject({
      scenario: 'list-items',
      side: 'head',
      pair: 3,
      position: 1,
      errors: 12,
      stealFraction: 0.12,
      loadAverage: 1.9,
    });
    expect(reading.warnings).toEqual([]);
  });

  it('warns about Connection: close and about a trial without responses, and stays finite', () => {
    const none = { ...load, responses: 0, ok: 0, non2xx: 0, errors: 40, connectionClose: true };
    const reading = toReading(where, none, window);
    expect(Object.values(reading.metrics).every(Number.isFinite)).toBe(true);
    expect(reading.metrics.error_rate).toBe(1);
    expect(reading.warnings.join('\n')).toMatch(/Connection: close/);
    expect(reading.warnings.join('\n')).toMatch(/no responses/);
  });

  it('flags a worker left idle, naming the connections to raise', () => {
    const lopsided = gunicorn.map((p) => (p.pid === 103 ? { ...p, cpuMs: 0 } : p));
    const reading = toReading(where, load, { ...window, processes: lopsided });
    expect(reading.warnings).toHaveLength(1);
    expect(reading.warnings[0]).toMatch(/worker pid 103/);
    expect(reading.warnings[0]).toMatch(/connections/);
  });
});

describe('findIdleWorkers', () => {
  it('never takes a master or wrapper shell (parents) for an idle worker', () => {
    expect(findIdleWorkers(gunicorn)).toEqual([]);
  });
  it('ignores single-process servers and nearly idle windows', () => {
    expect(findIdleWorkers([{ pid: 5, ppid: 1, command: 'uvicorn', cpuMs: 3000 }])).toEqual([]);
    expect(findIdleWorkers(gunicorn.map((p) => ({ ...p, cpuMs: p.pid === 102 ? 20 : 0 })))).toEqual([]);
  });
});
