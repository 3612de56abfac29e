/**
 * Base and head servers over a gate: both started before the first pair and, with
 * `server.restart: pair`, stopped and started anew before every later pair and before a set-aside
 * pair is measured again; each side is warmed up for a scenario right before its first trial of
 * that scenario on a fresh server.
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
import type {
  Checkout,
  Clock,
  PairServers,
  ProfilerLaunch,
  RunningServer,
  ServerPair,
  TrialDeps,
} from '../ports.js';
import { warmUp } from '../measure/measure-trial.js';
import { startServer, type TargetDeps } from './prepare-targets.js';

/** The ports serving needs. */
export interface ServingDeps extends TargetDeps, TrialDeps {
  readonly clock: Clock;
}

/** Time spent starting and warming up servers, in ms, summed over the gate. */
export interface ServingTime {
  /** Waiting for replaced servers to exit, beyond the time the new ones took to start. */
  stopMs: number;
  startMs: number;
  /** Wall time of the warm-ups (those of a duet overlap and count once). */
  warmupMs: number;
  /** Times each side was started (1 + restarts). */
  starts: number;
}

/** Hands out the servers for each pair (of the sides `S`: both, or head alone). */
export interface TargetServers<S extends Side = Side> extends PairServers<S> {
  /** Starts every side's server in parallel (the servers of pair 1; not yet warmed up). */
  startFirst(): Promise<ServerPair<S>>;
  /** Stop, start and warm-up time so far (restarts included). */
  readonly time: Readonly<ServingTime>;
}

const SIDES: readonly Side[] = ['base', 'head'];

/**
 * Serves the checkouts for a gate: base and head, or head alone (compared with a stored baseline).
 * Nothing starts until `startFirst`.
 * @param checkouts one checkout per side to serve.
 * @param configDir folder of the config file inside each checkout ('' at the root).
 */
export function targetServers<S extends Side>(
  deps: ServingDeps,
  config: Config,
  checkouts: Readonly<Record<S, Checkout>>,
  configDir: string,
): TargetServers<S> {
  const time: ServingTime = { stopMs: 0, startMs: 0, warmupMs: 0, starts: 0 };
  const sides = SIDES.filter((side): side is S => side in checkouts);
  let current: ServerPair<S> | undefined;
  /** `side/scenario` keys warmed up since the last start. */
  const warm = new Set<string>();
  // Warm-ups of a duet run at the same time: their wall time counts once.
  let warmingUp = 0;
  let warmingSinceMs = 0;

  const start = async (launch?: (side: S) => ProfilerLaunch): Promise<ServerPair<S>> => {
    const t0 = deps.clock.now();
    try {
      const started = await Promise.all(
        sides.map((side) => startServer(deps, config, checkouts[side], side, configDir, launch?.(side))),
      );
      const servers = Object.fromEntries(sides.map((side, i) => [side, started[i]])) as Record<
        S,
        RunningServer
      >;
      current = servers;
      warm.clear();
      time.starts += 1;
      return current;
    } finally {
      time.startMs += deps.clock.now() - t0;
    }
  };

  /** Stops the current servers while fresh ones start; both are done before anything is measured. */
  const restart = async (what: string, launch?: (side: S) => ProfilerLaunch): Promise<ServerPair<S>> => {
    if (!current) throw new Error('targetServers: startFirst() was not called');
    const old = current;
    // The old servers shut down (gunicorn takes ~1.5 s) while the new ones start.
    const t0 = deps.clock.now();
    const startMsBefore = time.startMs;
    let stoppedAt = t0;
    const stopped = Promise.all(sides.map((side) => old[side].stop())).then(() => {
      stoppedAt = deps.clock.now();
    });
    const [servers] = await Promise.all([start(launch), stopped]);
    time.stopMs += Math.max(0, deps.clock.now() - t0 - (time.startMs - startMsBefore));
    const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const pids = sides.map((side) => `${side} pid ${servers[side].pid}`).join(', ');
    deps.log.info(
      `${what}: fresh servers (${pids}) ` +
        `ready in ${seconds(time.startMs - startMsBefore)}; old ones stopped in ${seconds(stoppedAt - t0)}`,
    );
    return servers;
  };

  return {
    time,
    async startFirst() {
      const servers = await start();
      for (const side of sides)
        deps.log.info(`${side} server ready at ${servers[side].baseUrl} (pid ${servers[side].pid})`);
      return servers;
    },
    forPair(pairsDone) {
      if (!current) throw new Error('targetServers: startFirst() was not called');
      if (pairsDone === 0 || config.server.restart === 'never') return Promise.resolve(current);
      return restart(`pair ${pairsDone + 1}`);
    },
    forRerun(pairsDone) {
      if (!current) throw new Error('targetServers: startFirst() was not called');
      if (config.server.restart === 'never') return Promise.resolve(current);
      return restart(`pair ${pairsDone + 1} again`);
    },
    forProfiling(pairsDone, launch) {
      if (!current) throw new Error('targetServers: startFirst() was not called');
      if (launch === undefined && config.server.restart === 'never') return Promise.resolve(current);
      return restart('profiling', launch);
    },
    async warmUpBefore(side, scenario) {
      if (!current) throw new Error('targetServers: startFirst() was not called');
      const key = `${side}/${scenario.name}`;
      if (warm.has(key)) return { redeals: 0, idlePids: [] };
      if (time.starts === 1)
        deps.log.info(
          `warm-up ${side} ${scenario.name} for ${(scenario.warmupMs / 1000).toFixed(1)} s (discarded)`,
        );
      if (warmingUp === 0) warmingSinceMs = deps.clock.now();
      warmingUp += 1;
      try {
        const outcome = await warmUp(deps, current[side], scenario);
        warm.add(key);
        if (outcome.redeals > 0)
          deps.log.info(
            `warm-up ${side} ${scenario.name}: a worker took no load, connections re-dealt ` +
              `${outcome.redeals} time${outcome.redeals === 1 ? '' : 's'}` +
              (outcome.idlePids.length > 0 ? ` (worker pid ${outcome.idlePids.join(', ')} still idle)` : ''),
          );
        return outcome;
      } finally {
        warmingUp -= 1;
        if (warmingUp === 0) time.warmupMs += deps.clock.now() - warmingSinceMs;
      }
    },
  };
}
