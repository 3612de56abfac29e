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
    // CPU ms per response, less the 12% of machine time the hypervisor stole during the window.
    expect(reading.metrics.cpu_per_request).toBeCloseTo((4650 * 0.88) / 5210, 9);
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

  it('takes the steal share off CPU per request, keeps the processes as measured, and clamps a bad steal', () => {
    const calm = toReading(where, load, { ...window, stealFraction: 0 });
    const stolen = toReading(where, load, { ...window, stealFraction: 0.3 });
    expect(stolen.metrics.cpu_per_request / calm.metrics.cpu_per_request).toBeCloseTo(0.7, 9);
    expect(stolen.processes.map((p) => p.cpuMs)).toEqual(gunicorn.map((p) => p.cpuMs));
    expect(toReading(where, load, { ...window, stealFraction: 1.5 }).metrics.cpu_per_request).toBe(0);
    expect(toReading(where, load, { ...window, stealFraction: -0.2 }).metrics.cpu_per_request).toBeCloseTo(
      calm.metrics.cpu_per_request,
      12,
    );
  });

  it('warns about Connection: close and about a trial without responses, and stays finite', () => {
    const none = { ...load, responses: 0, ok: 0, non2xx: 0, errors: 40, connectionClose: true };
    const reading = toReading(where, none, window);
    expect(Object.values(reading.metrics).every(Number.isFinite)).toBe(true);
    expect(reading.metrics.error_rate).toBe(1);
    expect(reading.warnings.join('\n')).toMatch(/Connection: close/);
    expect(reading.warnings.join('\n')).toMatch(/no responses/);
    // The flag the gate lifts into the report's warnings.
    expect(reading.connectionClose).toBe(true);
    expect(toReading(where, load, window).connectionClose).toBeUndefined();
  });

  it('flags a worker left idle, naming the connections to raise', () => {
    const lopsided = gunicorn.map((p) => (p.pid === 103 ? { ...p, cpuMs: 0 } : p));
    const reading = toReading(where, load, { ...window, processes: lopsided });
    expect(reading.warnings).toHaveLength(1);
    expect(reading.warnings[0]).toMatch(/worker pid 103/);
    expect(reading.warnings[0]).toMatch(/connections/);
  });
});

describe('toReading resolution warnings', () => {
  // A server taking 1 s of CPU per request on 2 workers: 10 responses in a 5 s trial.
  const slow: LoadResult = { ...load, responses: 10, ok: 10, non2xx: 0, errors: 0 };
  const slowWindow: TreeWindow = { ...window, cpuMs: 10_030.5, cpuResolutionMs: 1e-6 };

  it('warns when a trial holds too few responses for the threshold, naming what to raise', () => {
    const reading = toReading({ ...where, threshold: 0.05 }, slow, slowWindow);
    expect(reading.warnings).toEqual([
      'only 10 responses in this trial: one more or less moves the per-request metrics by 10%, too coarse ' +
        'for the 5% threshold; make `duration` longer (now 5s) or, if the server has idle workers, raise ' +
        '`connections` (now 8) so that a trial holds at least 80',
    ]);
  });

  it('asks for 4 / threshold responses, and never fewer than 20', () => {
    const responses = (n: number): LoadResult => ({ ...load, responses: n, ok: n, non2xx: 0, errors: 0 });
    const warned = (n: number, threshold?: number): boolean =>
      toReading({ ...where, ...(threshold === undefined ? {} : { threshold }) }, responses(n), slowWindow)
        .warnings.length > 0;
    expect([warned(79, 0.05), warned(80, 0.05)]).toEqual([true, false]);
    expect([warned(133, 0.03), warned(134, 0.03)]).toEqual([true, false]);
    expect([warned(19, 0.5), warned(20, 0.5)]).toEqual([true, false]);
    // Without a threshold in the context, the default 5% applies.
    expect([warned(79), warned(80)]).toEqual([true, false]);
  });

  it('warns when the CPU clock steps by more than a quarter of a threshold change in CPU', () => {
    // 300 CPU ms read in 10 ms ticks: a 5% change is 15 ms, under 4 ticks; 800 ms would be needed.
    const ticks: TreeWindow = { ...window, cpuMs: 300, cpuResolutionMs: 10 };
    const reading = toReading({ ...where, threshold: 0.05 }, load, ticks);
    expect(reading.warnings).toEqual([
      'the server used 300 CPU ms in this trial, read in steps of 10 ms: too coarse to tell a 5% change in ' +
        'CPU per request; make `duration` longer (now 5s) or, if the server has idle workers, raise ' +
        '`connections` (now 8) so that it uses at least 800 CPU ms per trial',
    ]);
    expect(toReading({ ...where, threshold: 0.05 }, load, { ...ticks, cpuMs: 800 }).warnings).toEqual([]);
    // The same CPU read at ns resolution resolves 5% easily; an unknown resolution is not judged.
    expect(
      toReading({ ...where, threshold: 0.05 }, load, { ...ticks, cpuResolutionMs: 1e-6 }).warnings,
    ).toEqual([]);
    expect(toReading(where, load, { ...window, cpuMs: 300 }).warnings).toEqual([]);
  });

  it("keeps the window's own warnings", () => {
    const reading = toReading(where, load, { ...window, warnings: ['server CPU is counted in clock ticks'] });
    expect(reading.warnings).toEqual(['server CPU is counted in clock ticks']);
  });
});

describe('findIdleWorkers', () => {
  it('never takes a master or wrapper shell (parents) for an idle worker', () => {
    expect(findIdleWorkers(gunicorn)).toEqual([]);
  });
  it("never takes multiprocessing's resource tracker (uvicorn --workers starts one) for an idle worker", () => {
    // The tree of `uvicorn app:app --workers 2` as /proc shows it (command lines as read).
    const uvicorn = [
      { pid: 200, ppid: 1, command: '/usr/bin/python3 -m uvicorn app:app --workers 2 --port 8000', cpuMs: 4 },
      {
        pid: 201,
        ppid: 200,
        command: '/usr/bin/python3 -B -c from multiprocessing.resource_tracker import main;main(4)',
        cpuMs: 0,
      },
      {
        pid: 202,
        ppid: 200,
        command: '/usr/bin/python3 -m uvicorn app:app --workers 2 --port 8000',
        cpuMs: 900,
      },
      {
        pid: 203,
        ppid: 200,
        command: '/usr/bin/python3 -m uvicorn app:app --workers 2 --port 8000',
        cpuMs: 850,
      },
    ];
    expect(findIdleWorkers(uvicorn)).toEqual([]);
    // A real idle worker beside the tracker is still found.
    expect(findIdleWorkers(uvicorn.map((p) => (p.pid === 203 ? { ...p, cpuMs: 1 } : p)))).toEqual([
      { pid: 203, cpuMs: 1, busiestCpuMs: 900 },
    ]);
  });
  it('ignores single-process servers and nearly idle windows', () => {
    expect(findIdleWorkers([{ pid: 5, ppid: 1, command: 'uvicorn', cpuMs: 3000 }])).toEqual([]);
    expect(findIdleWorkers(gunicorn.map((p) => ({ ...p, cpuMs: p.pid === 102 ? 20 : 0 })))).toEqual([]);
  });
});
