// The trial phase over in-memory ports: a fake clock that only the scripted load, restarts and
// warm-ups move, servers handed out by a scripted PairServers, and a process watch whose windows
// show an idle worker wherever the test says so. No processes, no sockets, milliseconds to run.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.js';
import type { Config } from '../../src/config/types.js';
import { planSequentialDesign } from '../../src/compare/index.js';
import { warmUp } from '../../src/measure/measure-trial.js';
import {
  createRerunLog,
  runTrials,
  type PairServers,
  type ServerPair,
  type TrialsDeps,
} from '../../src/measure/run-trials.js';
import type { Side, TrialReading } from '../../src/model/results.js';
import { InterruptedError } from '../../src/errors.js';
import type { LoadSpec, ProcessWindowCpu, RunningServer, TreeWindow } from '../../src/ports.js';

const EPOCH_MS = Date.parse('2026-12-02T08:00:00.000Z');
const TRIAL_MS = 1_000;
const WARMUP_MS = 500;
const RESTART_MS = 1_000;
/** One pair on fresh servers: a restart, then each side warmed up and measured. */
const PAIR_MS = RESTART_MS + 2 * (WARMUP_MS + TRIAL_MS);

function configFor(
  gate: string,
  restart: 'pair' | 'never' = 'pair',
  pairing: 'duet' | 'sequential' = 'sequential',
): Config {
  return parseConfig(
    `server:
  command: gunicorn app:app
  restart: ${restart}
http:
  - name: summary
    path: /summary
    connections: 8
    duration: ${TRIAL_MS}ms
    warmup: ${WARMUP_MS}ms
gate:
${gate}
  pairing: ${pairing}
`,
    'perfgate.yml',
  );
}

/** Deterministic noise, so the statistics see a plausible A/A gate. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Servers of one start: the root (a gunicorn master) and its two workers at root + 1, root + 2. */
function fakeServer(label: Side, rootPid: number): RunningServer {
  return {
    label,
    pid: rootPid,
    baseUrl: `http://127.0.0.1:${rootPid}`,
    logFile: `/dev/null`,
    isAlive: () => true,
    logTail: () => Promise.resolve(''),
    stop: () => Promise.resolve(),
  };
}

interface World {
  nowMs: number;
  /** Root pids of the servers whose trials show a worker with no connection. */
  readonly idle: (rootPid: number) => boolean;
  /** Every write to the store, in order. */
  readonly writes: { name: string; content: string }[];
  /** `forPair n` / `forRerun n`, in order. */
  readonly calls: string[];
}

function fakeWorld(idle: (rootPid: number) => boolean = () => false): {
  world: World;
  deps: TrialsDeps;
} {
  const random = seededRandom(7);
  const world: World = { nowMs: EPOCH_MS, idle, writes: [], calls: [] };
  const deps: TrialsDeps = {
    clock: { now: () => world.nowMs },
    load: {
      async run(spec: LoadSpec) {
        // Loads that run at the same time (a duet) overlap on the clock.
        const startMs = world.nowMs;
        await Promise.resolve();
        world.nowMs = Math.max(world.nowMs, startMs + spec.durationMs);
        const responses = Math.round(3_000 * (spec.durationMs / 1000) * (0.9 + 0.2 * random()));
        return {
          responses,
          ok: responses,
          non2xx: 0,
          errors: 0,
          timeouts: 0,
          durationMs: spec.durationMs,
          latencyMs: { p50: 2, p90: 3, p99: 5 },
          bytes: responses * 200,
          connectionClose: false,
        };
      },
    },
    stats: {
      watch(rootPid: number) {
        const startMs = world.nowMs;
        return Promise.resolve({
          stop(): Promise<TreeWindow> {
            const busyMs = (world.nowMs - startMs) * (0.4 + 0.1 * random());
            const idleWorker = world.idle(rootPid);
            const processes: ProcessWindowCpu[] = [
              { pid: rootPid, ppid: 1, command: 'gunicorn master', cpuMs: 5 },
              { pid: rootPid + 1, ppid: rootPid, command: 'gunicorn worker', cpuMs: busyMs },
              {
                pid: rootPid + 2,
                ppid: rootPid,
                command: 'gunicorn worker',
                cpuMs: idleWorker ? 0 : busyMs,
              },
            ];
            return Promise.resolve({
              cpuMs: processes.reduce((sum, p) => sum + p.cpuMs, 0),
              processes,
              rssPeakBytes: 50_000_000,
              stealFraction: 0.02,
              loadAverage: 1,
            });
          },
        });
      },
      machine: () => ({ os: 'Linux', cpuModel: 'test', cores: 2 }),
    },
    log: {
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      group: (_name, fn) => fn(),
    },
    store: {
      dir: '/results',
      open: () => Promise.resolve(),
      close: () => Promise.resolve(),
      write(name: string, content: string) {
        world.writes.push({ name, content });
        return Promise.resolve(`/results/${name}`);
      },
      logPath: (name: string) => `/results/logs/${name}`,
    },
  };
  return { world, deps };
}

/**
 * Hands out servers like targetServers: start `k` has root pids 1000k + 100 (base) and 1000k + 200
 * (head); a restart and each warm-up of a side on a fresh start cost their time on the clock.
 */
function scriptedServing(world: World, config: Config): PairServers {
  let starts = 1;
  const make = (): ServerPair => ({
    base: fakeServer('base', 1000 * starts + 100),
    head: fakeServer('head', 1000 * starts + 200),
  });
  let current = make();
  const warm = new Set<Side>();
  const restart = (): ServerPair => {
    world.nowMs += RESTART_MS;
    starts += 1;
    current = make();
    warm.clear();
    return current;
  };
  return {
    forPair(pairsDone) {
      world.calls.push(`forPair ${pairsDone}`);
      return Promise.resolve(pairsDone > 0 && config.server.restart === 'pair' ? restart() : current);
    },
    forRerun(pairsDone) {
      world.calls.push(`forRerun ${pairsDone}`);
      return Promise.resolve(config.server.restart === 'pair' ? restart() : current);
    },
    forProfiling() {
      return Promise.reject(new Error('trials never ask for the profiling servers'));
    },
    warmUpBefore(side) {
      if (!warm.has(side)) {
        world.nowMs += WARMUP_MS;
        warm.add(side);
      }
      return Promise.resolve({ redeals: 0, idlePids: [] });
    },
  };
}

function endMs(reading: TrialReading): number {
  return Date.parse(reading.startedAt) + reading.durationMs;
}

async function gate(
  config: Config,
  idle?: (rootPid: number) => boolean,
): Promise<{
  world: World;
  trials: TrialReading[];
  warnings: string[];
  reruns: ReturnType<typeof createRerunLog>;
  end: Awaited<ReturnType<typeof runTrials>>;
}> {
  const { world, deps } = fakeWorld(idle);
  const trials: TrialReading[] = [];
  const warnings: string[] = [];
  const reruns = createRerunLog(config.gate);
  const end = await runTrials(deps, config, scriptedServing(world, config), 11, trials, warnings, reruns);
  return { world, trials, warnings, reruns, end };
}

describe('runTrials', () => {
  it('in a duet measures base and head of each pair at the same time, each on its own server', async () => {
    const config = configFor('  trials: 8\n  min-trials: 8\n  budget: 10m', 'pair', 'duet');
    const { trials, end } = await gate(config);
    expect(end.pairs).toBe(8);
    for (let pair = 0; pair < 8; pair += 1) {
      const base = trials.find((t) => t.pair === pair && t.side === 'base');
      const head = trials.find((t) => t.pair === pair && t.side === 'head');
      expect(base?.startedAt).toBe(head?.startedAt);
      // Fresh servers per pair: start k serves base at 1000k + 100 and head at 1000k + 200.
      expect(head?.processes[0]?.pid).toBe((base?.processes[0]?.pid ?? 0) + 100);
    }
    // A pair costs one trial's time, not two: 7 restarts, both warm-ups of each start (they
    // overlap on a real machine; the scripted servers count them one after the other) and 8 trials.
    expect(Math.max(...trials.map(endMs)) - EPOCH_MS).toBe(7 * RESTART_MS + 8 * (2 * WARMUP_MS + TRIAL_MS));
  });

  it('in a duet re-runs a pair whose one side had an idle worker, both sides on fresh servers', async () => {
    const config = configFor('  trials: 8\n  min-trials: 8\n  budget: 10m', 'pair', 'duet');
    // Start 3 (pair 3) has an idle worker on its head server only.
    const { trials, reruns, world } = await gate(config, (root) => root === 3200);
    expect(reruns.count).toBe(1);
    const setAside = trials.filter((t) => t.discarded !== undefined);
    expect(setAside.map((t) => t.side).sort()).toEqual(['base', 'head']);
    expect(setAside[0]?.discarded).toMatch(/^head: worker pid 3202 idle/);
    expect(world.calls).toContain('forRerun 2');
  });

  it('starts no pair that would end after the budget, and runs every pair that fits', async () => {
    // Looks only at 20 pairs, so the budget alone stops the gate: pair 1 takes 3 s (its servers were
    // started before the phase), every later one 4 s, so 7 pairs end by 27 s and an 8th would end at 31 s.
    const config = configFor('  trials: 20\n  min-trials: 20\n  budget: 30s');
    const { trials, warnings, end } = await gate(config);
    expect(end.pairs).toBe(7);
    expect(Math.max(...trials.map(endMs)) - EPOCH_MS).toBe(PAIR_MS - RESTART_MS + 6 * PAIR_MS);
    for (const reading of trials) expect(endMs(reading) - EPOCH_MS).toBeLessThanOrEqual(30_000);
    expect(warnings.join('\n')).toMatch(/allowed 7 of up to 20 pairs/);
  });

  it('plans its looks for the pairs the budget fits and spends all of alpha by the last one', async () => {
    const config = configFor('  trials: 20\n  min-trials: 4\n  budget: 30s');
    expect(planSequentialDesign(config.gate).looks).toEqual([4, 8, 12, 16, 20]);
    const { end } = await gate(config);
    // A pair costs 4 s: after the first pairs the gate sees 7 fit in 30 s and looks at 4 and 7.
    expect(end.design.looks).toEqual([4, 7]);
    expect(end.pairs).toBe(7);
    expect(end.result.outcome.comparisons.find((c) => c.gated)?.pairs).toBe(7);
    // Whatever look it ended on, the levels it spent add up to alpha: none is left unspent.
    const ended = end.design.looks.indexOf(end.pairs);
    const spentBefore = end.design.alphas.slice(0, ended).reduce((a, b) => a + b, 0);
    expect(spentBefore + end.result.significanceLevel).toBeCloseTo(config.gate.alpha, 12);
  });

  it('spends all the alpha left at a last look forced by the budget between looks', async () => {
    // The looks are planned from the first pairs' cost (4 s); from start 6 on every server has an
    // idle worker, so re-runs eat the budget and it ends between two planned looks.
    const config = configFor('  trials: 20\n  min-trials: 4\n  budget: 70s');
    const { end } = await gate(config, (root) => root >= 6000);
    expect(end.result.reason).toMatch(/^time budget reached; /);
    expect(end.design.looks).not.toContain(end.pairs);
    const spentBefore = end.design.alphas
      .filter((_, k) => (end.design.looks[k] ?? Infinity) < end.pairs)
      .reduce((a, b) => a + b, 0);
    expect(spentBefore).toBeGreaterThan(0);
    expect(spentBefore + end.result.significanceLevel).toBeCloseTo(config.gate.alpha, 12);
  });

  it('measures a set-aside pair again on fresh servers, both sides restarted', async () => {
    // Only the first servers (start 1: pids 1100 and 1200) have a worker dealt no connection.
    const config = configFor('  trials: 4\n  budget: 60s');
    const { world, trials, reruns } = await gate(config, (root) => root < 2000);
    const pair1 = trials.filter((t) => t.pair === trials[0]?.pair);
    const setAside = pair1.filter((t) => t.discarded !== undefined);
    const kept = pair1.filter((t) => t.discarded === undefined);
    expect(setAside).toHaveLength(2);
    expect(kept).toHaveLength(2);
    expect(world.calls.slice(0, 2)).toEqual(['forPair 0', 'forRerun 0']);
    for (const side of ['base', 'head'] as const) {
      const pidsOf = (readings: TrialReading[]): number[] =>
        readings.filter((t) => t.side === side).flatMap((t) => t.processes.map((p) => p.pid));
      const before = pidsOf(setAside);
      const after = pidsOf(kept);
      expect(after.some((pid) => before.includes(pid))).toBe(false);
    }
    expect(reruns.count).toBe(1);
    expect(reruns.reasons).toEqual([`pair 1 summary: ${setAside[0]?.discarded ?? ''}`]);
    expect(reruns.reasons[0]).toMatch(/worker pid 1\d02 idle/);
    expect(reruns.spentMs).toBe(PAIR_MS);
  });

  it('keeps the re-runs within their share of the budget, then keeps unfair pairs with a warning', async () => {
    // Every server always has an idle worker. Budget 60 s: re-runs may take 15 s, one costs 4 s
    // (fresh servers, two warm-ups, two trials), so the third is the last that fits.
    const config = configFor('  trials: 6\n  min-trials: 6\n  budget: 60s');
    const { trials, warnings, reruns } = await gate(config, () => true);
    expect(reruns.capMs).toBe(15_000);
    expect(reruns.count).toBe(3);
    expect(reruns.spentMs).toBe(3 * PAIR_MS);
    expect(reruns.spentMs).toBeLessThanOrEqual(reruns.capMs);
    expect(reruns.refused).toBeGreaterThan(0);
    expect(trials.filter((t) => t.discarded !== undefined)).toHaveLength(2 * reruns.count);
    expect(warnings.join('\n')).toMatch(/kept although .* re-runs may take 15 s of the budget/);
    expect(warnings.join('\n')).toMatch(/kept although .* 2 re-runs did not help/);
  });

  it('keeps a set-aside pair when its re-run would end after the budget', async () => {
    // The 7th pair (start 7) ends at 27 s of a 30 s budget; a re-run would end at 31 s, although the
    // re-run cap (7.5 s) still has room.
    const config = configFor('  trials: 20\n  min-trials: 20\n  budget: 30s');
    const { trials, warnings, reruns } = await gate(config, (root) => Math.floor(root / 1000) === 7);
    expect(reruns.count).toBe(0);
    expect(reruns.refused).toBe(1);
    for (const reading of trials) expect(endMs(reading) - EPOCH_MS).toBeLessThanOrEqual(30_000);
    expect(warnings.join('\n')).toMatch(
      /pair 7 was kept although .*idle: a re-run would end after the time budget/,
    );
  });

  it('writes every reading to trials.jsonl as it is measured, set-aside ones included', async () => {
    const config = configFor('  trials: 4\n  budget: 60s');
    const { world, trials } = await gate(config, (root) => root < 2000);
    const files = world.writes.filter((w) => w.name === 'trials.jsonl');
    // One write per attempt: 4 pairs, the first measured twice.
    expect(files).toHaveLength(5);
    const last = files.at(-1)?.content.trim().split('\n') ?? [];
    expect(last.map((line) => JSON.parse(line) as unknown)).toEqual(JSON.parse(JSON.stringify(trials)));
    expect(trials).toHaveLength(10);
    expect(trials.filter((t) => t.discarded !== undefined)).toHaveLength(2);
    // Nothing measured is ever dropped from the file.
    for (const [k, file] of files.entries()) {
      const previous = files[k - 1]?.content ?? '';
      expect(file.content.startsWith(previous)).toBe(true);
    }
  });
});

describe('warmUp', () => {
  const config = configFor('  trials: 4');
  const scenario = config.http[0];
  if (!scenario) throw new Error('config has a scenario');

  it('re-deals the connections while a worker takes no load, at most twice', async () => {
    for (const [idleWindows, redeals, stillIdle] of [
      [0, 0, false],
      [1, 1, false],
      [2, 2, false],
      [5, 2, true],
    ] as const) {
      let windows = 0;
      const { world, deps } = fakeWorld(() => {
        windows += 1;
        return windows <= idleWindows;
      });
      const outcome = await warmUp(deps, fakeServer('base', 1100), scenario);
      expect(outcome.redeals).toBe(redeals);
      expect(outcome.idlePids).toEqual(stillIdle ? [1102] : []);
      expect(world.nowMs - EPOCH_MS).toBe(WARMUP_MS + redeals * Math.min(WARMUP_MS, 500));
    }
  });

  it('does not re-deal when there are fewer connections than workers', async () => {
    const one = configFor('  trials: 4').http.map((s) => ({ ...s, connections: 1 }))[0];
    if (!one) throw new Error('config has a scenario');
    const { deps } = fakeWorld(() => true);
    expect(await warmUp(deps, fakeServer('base', 1100), one)).toEqual({ redeals: 0, idlePids: [1102] });
  });
});

describe('runTrials interrupted', () => {
  const config = configFor('  trials: 20\n  min-trials: 20\n  budget: 10m');

  it('stops before the next trial once the signal aborts between pairs, keeping the complete pair', async () => {
    const { world, deps } = fakeWorld();
    const stop = new AbortController();
    const serving = scriptedServing(world, config);
    // Perfgate is told to stop while pair 2's fresh servers start.
    const aborting: PairServers = {
      ...serving,
      forPair(pairsDone) {
        if (pairsDone === 1) stop.abort(new InterruptedError('SIGTERM'));
        return serving.forPair(pairsDone);
      },
    };
    const trials: TrialReading[] = [];
    const running = runTrials({ ...deps, signal: stop.signal }, config, aborting, 11, trials, []);
    await expect(running).rejects.toEqual(new InterruptedError('SIGTERM'));
    expect(trials.map((t) => `${t.pair} ${t.side}`).sort()).toEqual(['0 base', '0 head']);
  });

  it('keeps no reading of a trial whose load the abort cut short', async () => {
    const { world, deps } = fakeWorld();
    const stop = new AbortController();
    let loads = 0;
    const load: TrialsDeps['load'] = {
      async run(spec) {
        loads += 1;
        // The fourth load (pair 2's second trial) is under way when the signal comes.
        if (loads === 4) stop.abort(new InterruptedError('SIGINT'));
        return deps.load.run(spec);
      },
    };
    const trials: TrialReading[] = [];
    const serving = scriptedServing(world, config);
    const running = runTrials({ ...deps, load, signal: stop.signal }, config, serving, 11, trials, []);
    await expect(running).rejects.toBeInstanceOf(InterruptedError);
    expect(loads).toBe(4);
    expect(trials).toHaveLength(2);
  });
});
