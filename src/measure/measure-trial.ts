/**
 * Runs one side of one scenario for one trial window through the ports and returns its reading.
 */
import type { HttpScenario } from '../config/types.js';
import type { Side, TrialReading } from '../model/results.js';
import type { Clock, LoadGenerator, LoadSpec, ProcessStats, RunningServer } from '../ports.js';
import { RunError } from '../errors.js';
import { toReading } from './to-reading.js';

/** The ports a trial needs. */
export interface TrialDeps {
  readonly load: LoadGenerator;
  readonly stats: ProcessStats;
  readonly clock: Clock;
}

/** Builds the load spec for a scenario against a server. */
export function loadSpecFor(server: RunningServer, scenario: HttpScenario, durationMs: number): LoadSpec {
  return {
    url: server.baseUrl + scenario.path,
    method: scenario.method,
    headers: scenario.headers,
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
    connections: scenario.connections,
    pipelining: scenario.pipelining,
    durationMs,
  };
}

/**
 * Drives `scenario` against `server` for the scenario's duration while watching the server's
 * process tree.
 * @throws RunError with the server's log tail when the server is no longer running afterwards.
 */
export async function measureTrial(
  deps: TrialDeps,
  server: RunningServer,
  scenario: HttpScenario,
  where: { side: Side; pair: number; position: 0 | 1 },
): Promise<TrialReading> {
  const startedAt = new Date(deps.clock.now()).toISOString();
  const watch = await deps.stats.watch(server.pid);
  // Close the window even when the load fails, so its sampling timer never outlives the trial.
  const load = await deps.load
    .run(loadSpecFor(server, scenario, scenario.durationMs))
    .catch(async (error: unknown) => {
      await watch.stop();
      throw error;
    });
  const window = await watch.stop();
  await assertAlive(server, `while measuring \`${scenario.name}\``);
  return toReading({ scenario, ...where, startedAt }, load, window);
}

/**
 * Discarded warm-up: the same load for `scenario.warmupMs`, so JIT, caches and connection pools of
 * the server settle before anything is measured.
 * @throws RunError when the server dies during the warm-up.
 */
export async function warmUp(deps: TrialDeps, server: RunningServer, scenario: HttpScenario): Promise<void> {
  if (scenario.warmupMs <= 0) return;
  await deps.load.run(loadSpecFor(server, scenario, scenario.warmupMs));
  await assertAlive(server, `during the warm-up of \`${scenario.name}\``);
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
