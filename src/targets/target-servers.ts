/**
 * Base and head servers over a gate: both started and warmed up before the first pair and, with
 * `server.restart: pair`, stopped and started anew before every later pair.
 *
 * Why fresh processes per pair: two processes of identical code can differ lastingly in CPU per
 * request (memory layout, hash seeds, which worker took which connection). With one process per
 * side that difference is the same in every pair, so the paired test reads it as a change however
 * many pairs run; with fresh processes per pair it varies from pair to pair and the test counts it
 * as noise. Same idea as re-randomizing the setup between runs in Mytkowicz et al., "Producing
 * wrong data without doing anything obviously wrong!" (ASPLOS 2009) and Curtsinger & Berger,
 * "STABILIZER" (ASPLOS 2013).
 */
import type { Config } from '../config/types.js';
import type { Side } from '../model/results.js';
import type { Checkout, Clock, RunningServer } from '../ports.js';
import { warmUp, type TrialDeps } from '../measure/measure-trial.js';
import { startServer, type TargetDeps } from './prepare-targets.js';

/** The two servers of one pair. */
export type ServerPair = Readonly<Record<Side, RunningServer>>;

/** The ports serving needs. */
export interface ServingDeps extends TargetDeps, TrialDeps {
  readonly clock: Clock;
}

/** Time spent (re)starting and warming up servers, in ms, summed over the gate. */
export interface ServingTime {
  startMs: number;
  warmupMs: number;
  /** Times each side was started (1 + restarts). */
  starts: number;
}

/** Hands out the servers for each pair. */
export interface TargetServers {
  /** Starts both servers (in parallel) and warms them up; the servers of pair 1. */
  startFirst(): Promise<ServerPair>;
  /**
   * The servers for the pair after `pairsDone` complete pairs: the current ones, or (restart
   * `pair`, `pairsDone` ≥ 1) fresh ones, the old ones stopped first.
   * @throws RunError with the log tail when a server fails to start or dies in its warm-up.
   */
  forPair(pairsDone: number): Promise<ServerPair>;
  /** Start and warm-up time so far (restarts included). */
  readonly time: Readonly<ServingTime>;
}

const SIDES: readonly Side[] = ['base', 'head'];

/**
 * Serves the two checkouts for a gate. Nothing starts until `startFirst`.
 * @param configDir folder of the config file inside each checkout ('' at the root).
 */
export function targetServers(
  deps: ServingDeps,
  config: Config,
  checkouts: Readonly<Record<Side, Checkout>>,
  configDir: string,
): TargetServers {
  const time: ServingTime = { startMs: 0, warmupMs: 0, starts: 0 };
  let current: ServerPair | undefined;

  const start = async (): Promise<ServerPair> => {
    const t0 = deps.clock.now();
    try {
      const [base, head] = await Promise.all(
        SIDES.map((side) => startServer(deps, config, checkouts[side], side, configDir)),
      );
      if (!base || !head) throw new Error('unreachable: two servers requested');
      current = { base, head };
      time.starts += 1;
      return current;
    } finally {
      time.startMs += deps.clock.now() - t0;
    }
  };

  // Scenario by scenario, base then head, so the two never load the machine at the same time.
  const warm = async (servers: ServerPair, describe: boolean): Promise<void> => {
    const t0 = deps.clock.now();
    try {
      for (const scenario of config.http) {
        for (const side of SIDES) {
          if (describe)
            deps.log.info(`warm-up ${side} ${scenario.name} for ${(scenario.warmupMs / 1000).toFixed(1)} s`);
          await warmUp(deps, servers[side], scenario);
        }
      }
    } finally {
      time.warmupMs += deps.clock.now() - t0;
    }
  };

  return {
    time,
    async startFirst() {
      const servers = await start();
      for (const side of SIDES)
        deps.log.info(`${side} server ready at ${servers[side].baseUrl} (pid ${servers[side].pid})`);
      await warm(servers, true);
      return servers;
    },
    async forPair(pairsDone) {
      if (!current) throw new Error('targetServers: startFirst() was not called');
      if (pairsDone === 0 || config.server.restart === 'never') return current;
      const old = current;
      await Promise.all(SIDES.map((side) => old[side].stop()));
      const t0 = deps.clock.now();
      const servers = await start();
      const started = deps.clock.now();
      await warm(servers, false);
      deps.log.info(
        `pair ${pairsDone + 1}: fresh servers (base pid ${servers.base.pid}, head pid ${servers.head.pid}) ` +
          `ready in ${((started - t0) / 1000).toFixed(1)} s, warmed up in ${((deps.clock.now() - started) / 1000).toFixed(1)} s`,
      );
      return servers;
    },
  };
}
