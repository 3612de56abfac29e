/**
 * Runs one side of one scenario for one trial window through the ports and returns its reading.
 */
import type { HttpScenario } from '../config/types.js';
import type { Side, TrialReading } from '../model/results.js';
import type { LoadSpec, RunningServer, TrialDeps, WarmUpOutcome } from '../ports.js';
import { RunError, throwIfInterrupted } from '../errors.js';
import { toReading } from './to-reading.js';
import { findIdleWorkers, findWorkers } from './find-idle-workers.js';
import type { TreeWindow } from '../ports.js';
import { assertMostlyAnswered } from './assert-mostly-answered.js';

/** Builds the load spec for a scenario against a server (ended early when `signal` aborts). */
export function loadSpecFor(
  server: RunningServer,
  scenario: HttpScenario,
  durationMs: number,
  signal?: AbortSignal,
): LoadSpec {
  return {
    url: server.baseUrl + scenario.path,
    method: scenario.method,
    headers: scenario.headers,
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
    connections: scenario.connections,
    pipelining: scenario.pipelining,
    durationMs,
    ...(signal === undefined ? {} : { signal }),
  };
}

/**
 * Drives `scenario` against `server` for the scenario's duration while watching the server's
 * process tree.
 * @throws RunError with the server's log tail when the server is no longer running afterwards, or
 *   when it failed most of the trial's requests (with a sample response too): that measures a
 *   broken benchmark, not a speed.
 * @throws InterruptedError when `deps.signal` aborts (the load stops at once; no reading).
 */
export async function measureTrial(
  deps: TrialDeps,
  server: RunningServer,
  scenario: HttpScenario,
  where: { side: Side; pair: number; position: 0 | 1; threshold?: number },
): Promise<TrialReading> {
  const startedAt = new Date(deps.clock.now()).toISOString();
  const watch = await deps.stats.watch(server.pid);
  // Close the window even when the load fails, so its sampling timer never outlives the trial.
  const load = await deps.load
    .run(loadSpecFor(server, scenario, scenario.durationMs, deps.signal))
    .catch(async (error: unknown) => {
      await watch.stop();
      throw error;
    });
  const window = await watch.stop();
  // A load cut short by the abort is no reading, and a server stopped meanwhile is no crash.
  throwIfInterrupted(deps.signal);
  await assertAlive(server, `while measuring \`${scenario.name}\``);
  const reading = toReading({ scenario, ...where, startedAt }, load, window);
  await assertMostlyAnswered(
    reading,
    server,
    deps.sampler,
    loadSpecFor(server, scenario, scenario.durationMs),
  );
  return reading;
}

/** Extra warm-ups at most, each on fresh connections, while a worker takes no load. */
const MAX_REDEALS = 2;
/** Length of an extra warm-up, in ms (shorter when the scenario's warm-up is). */
const REDEAL_MS = 500;

/**
 * Discarded warm-up: the same load for `scenario.warmupMs`, so JIT, caches and connection pools of
 * the server settle before anything is measured. The process tree is watched meanwhile; while a
 * worker took no load (still starting, or dealt no connection) and there are at least as many
 * connections as workers, up to MAX_REDEALS more warm-ups of REDEAL_MS run on fresh connections,
 * since one short warm-up costs less than a measured trial set aside for an idle worker.
 * @throws RunError when the server dies during the warm-up.
 * @throws InterruptedError when `deps.signal` aborts (the warm-up stops at once).
 */
export async function warmUp(
  deps: TrialDeps,
  server: RunningServer,
  scenario: HttpScenario,
): Promise<WarmUpOutcome> {
  if (scenario.warmupMs <= 0) return { redeals: 0, idlePids: [] };
  let window = await warmUpWindow(deps, server, scenario, scenario.warmupMs);
  let redeals = 0;
  // With fewer connections than workers some worker is always idle: re-dealing cannot help.
  const canSpread = (): boolean => scenario.connections >= findWorkers(window.processes).length;
  while (findIdleWorkers(window.processes).length > 0 && redeals < MAX_REDEALS && canSpread()) {
    redeals += 1;
    window = await warmUpWindow(deps, server, scenario, Math.min(scenario.warmupMs, REDEAL_MS));
  }
  return { redeals, idlePids: findIdleWorkers(window.processes).map((w) => w.pid) };
}

async function warmUpWindow(
  deps: TrialDeps,
  server: RunningServer,
  scenario: HttpScenario,
  durationMs: number,
): Promise<TreeWindow> {
  const watch = await deps.stats.watch(server.pid);
  await deps.load
    .run(loadSpecFor(server, scenario, durationMs, deps.signal))
    .catch(async (error: unknown) => {
      await watch.stop();
      throw error;
    });
  const window = await watch.stop();
  throwIfInterrupted(deps.signal);
  await assertAlive(server, `during the warm-up of \`${scenario.name}\``);
  return window;
}

/** @throws RunError with the log tail when `server` has exited. */
export async function assertAlive(server: RunningServer, when: string): Promise<void> {
  if (server.isAlive()) return;
  throw new RunError(
    `the ${server.label} server exited ${when}`,
    `read the server log (${server.logFile}); the tail is below`,
    await server.logTail(),
  );
}
