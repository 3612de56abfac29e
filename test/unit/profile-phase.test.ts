// The profiling phase over in-memory ports: order, files, notices. Real profiles come from the
// recorded py-spy fixtures; real processes are in test/integration/py-spy.test.ts and cli-profiles.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { ProfilerUnavailableError } from '../../src/errors.js';
import { runProfilePhase, type ProfilerChoice } from '../../src/measure/profile-phase.js';
import type { Side } from '../../src/model/results.js';
import type { PairServers, Profiler, RunningServer } from '../../src/ports.js';
import { fromSpeedscope, type Profile } from '../../src/profile/index.js';
import { wantsProfiles } from '../../src/run.js';
import { DEFAULTS } from '../../src/config/defaults.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/profiles');
const recorded: Record<Side, Profile> = {
  base: fromSpeedscope(
    JSON.parse(readFileSync(path.join(fixtures, 'stdlib-base.py-spy.speedscope.json'), 'utf8')),
  ),
  head: fromSpeedscope(
    JSON.parse(readFileSync(path.join(fixtures, 'stdlib-regressed.py-spy.speedscope.json'), 'utf8')),
  ),
};
const roots = {
  base: ['/work/main/examples/stdlib'],
  head: ['/work/main/examples/stdlib/variants/regressed'],
};

const config = parseConfig(
  'server:\n  command: python3 app.py\nhttp:\n  - name: search\n    path: /s\n  - name: home\n    path: /\nprofile:\n  duration: 2s\n  rate: 150\n',
  'perfgate.yml',
);

function world(options: { failSide?: Side; failStart?: boolean } = {}) {
  const events: string[] = [];
  const files = new Map<string, string>();
  const server = (side: Side): RunningServer => ({
    label: side,
    pid: side === 'base' ? 100 : 200,
    baseUrl: `http://127.0.0.1:${side === 'base' ? 1 : 2}`,
    logFile: '/dev/null',
    isAlive: () => true,
    logTail: () => Promise.resolve(''),
    stop: () => Promise.resolve(),
  });
  const servers: PairServers = {
    forPair: () => Promise.reject(new Error('not used')),
    forRerun: () => Promise.reject(new Error('the profiling phase asks forProfiling')),
    forProfiling: (done, launch) => {
      events.push(
        `fresh servers after ${done} pairs` +
          (launch === undefined ? '' : ` with ${JSON.stringify(launch('head').env)}`),
      );
      return options.failStart
        ? Promise.reject(new Error('port in use'))
        : Promise.resolve({ base: server('base'), head: server('head') });
    },
    warmUpBefore: (side, scenario) => {
      events.push(`warm ${side} ${scenario.name}`);
      return Promise.resolve({ redeals: 0, idlePids: [] });
    },
  };
  const profiler: Profiler = {
    tool: 'py-spy 0.4.3',
    start: (running, opts) => {
      const side = running.label as Side;
      events.push(`record ${opts.name} ${opts.durationMs} ms at ${opts.rateHz} Hz`);
      if (side === options.failSide)
        return Promise.reject(new ProfilerUnavailableError('py-spy exited with 1: Permission denied'));
      return Promise.resolve({ finish: () => Promise.resolve({ profile: recorded[side] }) });
    },
  };
  const deps = {
    load: {
      run: (spec: { url: string; durationMs: number }) => {
        events.push(`load ${spec.url} ${spec.durationMs} ms`);
        return Promise.resolve({} as never);
      },
    },
    log: {
      info: () => undefined,
      warn: (m: string) => void events.push(`warn ${m}`),
      error: () => undefined,
      group: <T>(_: string, fn: () => Promise<T>) => fn(),
    },
    store: {
      dir: '/results',
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
      write: (name: string, content: string) => {
        files.set(name, content);
        return Promise.resolve(`/results/${name}`);
      },
      logPath: (name: string) => `/results/logs/${name}`,
    },
  };
  return { events, files, servers, profiler, deps };
}

/** Runs the phase over world `w` after `pairs` pairs with `choice`. */
function profile(w: ReturnType<typeof world>, pairs: number, choice: ProfilerChoice) {
  return runProfilePhase(w.deps, config, w.servers, pairs, choice, roots);
}

describe('runProfilePhase', () => {
  it('profiles each side on fresh servers, warmed up first, alternating which side goes first', async () => {
    const w = world();
    const summary = await profile(w, 8, { profiler: w.profiler, reason: 'auto: py-spy is installed' });
    // Two windows per side (the default), each on fresh servers, ABBA: base first for `search` in
    // the first window, head first in the second; each window is half of profile.duration.
    const window = (n: number, first: Side, second: Side, path: string, scenario: string) =>
      [first, second].flatMap((side) => [
        `warm ${side} ${scenario}`,
        `record ${scenario}-${side}-${n} 1000 ms at 150 Hz`,
        `load http://127.0.0.1:${side === 'base' ? 1 : 2}${path} 1500 ms`,
      ]);
    expect(w.events.filter((e) => !e.startsWith('warn'))).toEqual([
      'fresh servers after 8 pairs',
      ...window(1, 'base', 'head', '/s', 'search'),
      ...window(1, 'head', 'base', '/', 'home'),
      'fresh servers after 9 pairs',
      ...window(2, 'head', 'base', '/s', 'search'),
      ...window(2, 'base', 'head', '/', 'home'),
    ]);
    expect(summary.scenarios[0]).toMatchObject({ windows: { base: 2, head: 2 }, durationMs: 2000 });
    // Identical windows spread by nothing: the mark falls back to the fixed design effect.
    expect(summary.scenarios[0]?.dispersion).toBe(2);
    expect(summary.tool).toBe('py-spy 0.4.3');
    expect(summary.scenarios.map((s) => s.scenario)).toEqual(['search', 'home']);
    expect(summary.scenarios[0]?.diff[0]?.frame).toMatchObject({ name: 'score', file: 'app.py' });
    // By self share head's first row is score; by total share the outermost frames (every sample).
    expect(summary.scenarios[0]?.top.head[0]?.frame.name).toBe('score');
    const byTotal = summary.scenarios[0]?.topByTotal?.head ?? [];
    expect(byTotal.map((row) => row.total)).toEqual(
      [...byTotal.map((row) => row.total)].sort((a, b) => b - a),
    );
    expect(byTotal[0]?.total).toBeGreaterThan(0.9);
    expect(summary.scenarios[0]?.files).toEqual([
      'profiles/search-base.speedscope.json',
      'profiles/search-base.folded',
      'profiles/search-base.svg',
      'profiles/search-head.speedscope.json',
      'profiles/search-head.folded',
      'profiles/search-head.svg',
      'profiles/search-diff.svg',
    ]);
    expect(JSON.parse(w.files.get('profiles/search-head.speedscope.json') ?? '{}')).toMatchObject({
      profiles: [{ name: 'head · search (py-spy 0.4.3)' }],
    });
  });

  it('starts servers with what a bootstrap profiler asks for, keeps its files, reads traced time, then disposes of it', async () => {
    const w = world();
    const traced = (p: Profile): Profile => ({
      unit: p.unit,
      frames: p.frames,
      stacks: p.stacks,
      exporter: 'cProfile',
    });
    const bootstrap: Profiler = {
      tool: 'cProfile',
      launch: (side) => ({ env: { PERFGATE_PROFILE_DIR: `/raw/${side}` }, prepend: [] }),
      dispose: () => {
        w.events.push('dispose');
        return Promise.resolve();
      },
      start: (running, opts) =>
        Promise.resolve({
          finish: () =>
            Promise.resolve({
              profile: traced(recorded[opts.side]),
              files: [`/results/profiles/${opts.name}-${running.pid}.pstats`],
            }),
        }),
    };
    const summary = await profile(w, 8, {
      profiler: bootstrap,
      reason: 'auto: py-spy is not installed, so cProfile',
    });
    expect(w.events[0]).toBe('fresh servers after 8 pairs with {"PERFGATE_PROFILE_DIR":"/raw/head"}');
    expect(w.events.at(-1)).toBe('dispose');
    const search = summary.scenarios[0]!;
    expect(search.measure).toBe('traced-cpu');
    // Two windows merged per side: twice one window's time; each window's own file kept.
    expect(search.totals?.head).toBeCloseTo(
      2 * recorded.head.stacks.reduce((sum, stack) => sum + stack.weight, 0),
      9,
    );
    expect(search.files).toContain('profiles/search-base-1-100.pstats');
    expect(search.files).toContain('profiles/search-head-2-200.pstats');
    // Identical traced windows: no spread, so only the 1 pp floor marks noise.
    expect(search.dispersion).toBe(0);
    expect(search.diff[0]?.frame.name).toBe('score');
  });

  it('turns a side that cannot be profiled into a notice, and keeps the other side', async () => {
    const w = world({ failSide: 'head' });
    const summary = await profile(w, 3, { profiler: w.profiler, reason: 'r' });
    expect(summary.notices).toEqual([
      'search: the head server could not be profiled (py-spy exited with 1: Permission denied).',
      'home: the head server could not be profiled (py-spy exited with 1: Permission denied).',
    ]);
    expect(summary.scenarios[0]?.diff).toEqual([]);
    expect(summary.scenarios[0]?.top.base.length).toBeGreaterThan(0);
    expect(summary.scenarios[0]?.samples.head).toBe(0);
  });

  it('gives a notice, not an error, when the servers for the phase do not start', async () => {
    const w = world({ failStart: true });
    const summary = await profile(w, 3, { profiler: w.profiler, reason: 'r' });
    expect(summary.notices[0]).toMatch(/did not start \(port in use\)/);
    expect(summary.scenarios).toEqual([]);
  });

  it('says why when no profiler can run, and starts nothing', async () => {
    const w = world();
    const summary = await profile(w, 3, { reason: 'auto: py-spy is not installed' });
    expect(summary).toEqual({ reason: 'auto: py-spy is not installed', notices: [], scenarios: [] });
    expect(w.events).toEqual([]);
  });
});

describe('wantsProfiles', () => {
  it.each([
    ['always', 'auto', 'unchanged', true],
    ['regression', 'auto', 'unchanged', false],
    ['regression', 'py-spy', 'regression', true],
    ['never', 'auto', 'regression', false],
    ['always', 'none', 'regression', false],
  ] as const)('when %s, tool %s, verdict %s → %s', (when, tool, verdict, expected) => {
    expect(wantsProfiles({ ...DEFAULTS.profile, when, tool }, verdict)).toBe(expected);
  });
});
