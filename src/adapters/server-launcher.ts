/**
 * Starts the user's server command in its own process group, waits until it answers, and stops the
 * whole group afterwards: master, workers, backgrounded jobs and re-parented grandchildren.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { abortReason, RunError } from '../errors.js';
import type { DetachedStop, EnvPrepend, RunningServer, ServerLauncher, ServerSpec } from '../ports.js';
import { childEnvironment, SERVER_ID_VARIABLE } from './child-environment.js';
import { isRunning, processesWithVariable, readProcess } from './process-table.js';
import { fileSize, readLogTail } from './log-tail.js';
import { huntTagged, terminateGroup, trackGroup } from './process-group.js';
import { probeReady } from './ready-probe.js';

/** Lines of server log carried by a startup {@link RunError}. */
export const SERVER_TAIL_LINES = 30;

/** Longest a single readiness probe may wait for an answer. */
const PROBE_TIMEOUT_MS = 1_000;

/** Tuning of {@link createServerLauncher}. */
export interface ServerLauncherOptions {
  /** Time between SIGTERM and SIGKILL when stopping, in ms (default 5000). */
  readonly graceMs?: number;
  /** Time between readiness probes, in ms (default 150). */
  readonly pollIntervalMs?: number;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the process could not be spawned at all (missing cwd...). */
  readonly spawnError?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function describeExit({ code, signal, spawnError }: Exit): string {
  if (spawnError !== undefined) return `could not be started (${spawnError})`;
  return code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'a signal'}`;
}

/**
 * Spawns `sh -c command` leading a new session/group, output appended to the log, its environment
 * tagged with `PERFGATE_SERVER_ID=serverId`; resolves on exit.
 */
function spawnServer(spec: ServerSpec, serverId: string): { child: ChildProcess; exited: Promise<Exit> } {
  const fd = openSync(spec.logFile, 'a');
  try {
    const child = spawn('sh', ['-c', spec.command], {
      cwd: spec.cwd,
      env: {
        ...withPrepended(childEnvironment(process.env, spec.env), spec.prepend ?? []),
        [SERVER_ID_VARIABLE]: serverId,
      },
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // Spawn failures surface as 'error' without 'exit'.
      child.once('error', (error) => resolve({ code: null, signal: null, spawnError: error.message }));
    });
    return { child, exited };
  } finally {
    // The child got its own copy of the descriptor during spawn.
    closeSync(fd);
  }
}

/** `env` with each {@link EnvPrepend}'s value put before the variable's value (alone when it is unset or empty). */
export function withPrepended(
  env: Readonly<Record<string, string>>,
  prepend: readonly EnvPrepend[],
): Record<string, string> {
  const result = { ...env };
  for (const { name, value, separator } of prepend) {
    const existing = result[name];
    result[name] = existing === undefined || existing === '' ? value : `${value}${separator}${existing}`;
  }
  return result;
}

type Readiness =
  | { readonly kind: 'ready' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'exited'; readonly exit: Exit }
  | { readonly kind: 'timeout'; readonly lastReason: string };

/** Probes `spec.readyUrl` until 2xx, the process exits, `spec.signal` aborts, or `spec.startupTimeoutMs` passes. */
async function waitUntilReady(
  spec: ServerSpec,
  exited: Promise<Exit>,
  pollIntervalMs: number,
  deadline: number,
): Promise<Readiness> {
  const { signal } = spec;
  let onAbort = (): void => undefined;
  const aborted = new Promise<Readiness>((resolve) => {
    onAbort = () => resolve({ kind: 'aborted' });
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await probeUntilReady(
      spec,
      Promise.race([exited.then((exit): Readiness => ({ kind: 'exited', exit })), aborted]),
      pollIntervalMs,
      deadline,
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function probeUntilReady(
  spec: ServerSpec,
  ended: Promise<Readiness>,
  pollIntervalMs: number,
  deadline: number,
): Promise<Readiness> {
  let lastReason = 'no probe answered yet';
  for (;;) {
    const timeoutMs = Math.max(1, Math.min(PROBE_TIMEOUT_MS, deadline - Date.now()));
    const probe = probeReady(spec.readyUrl, timeoutMs).then((result): Readiness | string =>
      result.ready ? { kind: 'ready' } : result.reason,
    );
    const outcome = await Promise.race([probe, ended]);
    if (typeof outcome !== 'string') return outcome;
    lastReason = outcome;
    const waitMs = Math.min(pollIntervalMs, deadline - Date.now());
    if (waitMs <= 0) return { kind: 'timeout', lastReason };
    const early = await Promise.race([sleep(waitMs), ended]);
    if (early) return early;
  }
}

/**
 * Creates the {@link ServerLauncher}.
 *
 * `start` runs `sh -c spec.command` in `spec.cwd` with `spec.env` over perfgate's environment as
 * {@link childEnvironment} builds it (runner credentials and `INPUT_*` dropped, `PERFGATE_RUN_ID` set), stdout
 * and stderr appended to `spec.logFile` (after a header line), in a new session and process group
 * (`detached: true`). It then GETs `spec.readyUrl` every `pollIntervalMs` (each probe waiting at most
 * 1 s) until a 2xx answer. `stop` sends SIGTERM to the group, waits up to `graceMs` for every member
 * to exit, then SIGKILLs the group; members that left the group are found through their parent links.
 * `stopAll` then stops whatever still carries this run's `PERFGATE_RUN_ID` (a server that
 * daemonized). If perfgate exits with servers still running, they and every tagged process are
 * SIGKILLed on the way out.
 * When `spec.signal` aborts while `start` waits for readiness, the group is stopped and `start`
 * rejects with the abort reason.
 * @throws RunError from `start` (after stopping the group) when the process exits before it is ready
 *   or does not answer 2xx within `spec.startupTimeoutMs`; `logTail` holds the last 30 log lines.
 */
export function createServerLauncher(options: ServerLauncherOptions = {}): ServerLauncher {
  const graceMs = options.graceMs ?? 5_000;
  const pollIntervalMs = options.pollIntervalMs ?? 150;
  const running = new Set<RunningServer>();
  const stops: DetachedStop[] = [];

  async function start(spec: ServerSpec): Promise<RunningServer> {
    mkdirSync(dirname(spec.logFile), { recursive: true });
    const fd = openSync(spec.logFile, 'a');
    writeSync(fd, `--- perfgate: starting ${spec.label} server: ${spec.command}\n`);
    closeSync(fd);
    const offset = await fileSize(spec.logFile);
    const serverId = randomUUID();
    const { child, exited } = spawnServer(spec, serverId);
    let exit: Exit | undefined;
    void exited.then((value) => (exit = value));
    const leaderPid = child.pid ?? -1;
    if (leaderPid > 0) trackGroup(leaderPid);
    const leaderAlive = (): boolean =>
      exit === undefined && child.exitCode === null && child.signalCode === null;
    /** The server's processes still running after its leader exited (it daemonized). */
    const detached = (): number[] => processesWithVariable(SERVER_ID_VARIABLE, serverId);
    /** Set when the command exited 0 before ready, leaving tagged processes to serve the port. */
    let daemonized = false;
    let daemonRoot: number | undefined;

    let stopping: Promise<void> | undefined;
    const server: RunningServer = {
      label: spec.label,
      // A daemonized server is the process its command left behind (the root of the tagged ones).
      get pid() {
        if (!daemonized) return leaderPid;
        // Kept while it runs: a scan can miss a process in the instant it execs (empty environ).
        if (daemonRoot === undefined || !isRunningPid(daemonRoot)) daemonRoot = detachedRoot(detached());
        return daemonRoot ?? leaderPid;
      },
      baseUrl: `http://127.0.0.1:${spec.port}`,
      logFile: spec.logFile,
      isAlive: () => (daemonized ? detached().length > 0 : leaderAlive()),
      logTail: (lines = SERVER_TAIL_LINES) => readLogTail(spec.logFile, lines, offset),
      stop: () => {
        stopping ??= (async () => {
          if (leaderPid > 0) await terminateGroup(leaderPid, graceMs);
          // What left the group (setsid, --daemon) is found by this server's own tag, so stopping
          // one side never touches the other side's processes.
          const hunted = await huntTagged(graceMs, 50, SERVER_ID_VARIABLE, serverId);
          if (hunted.length > 0) {
            stops.push({
              label: spec.label,
              pids: hunted.map((entry) => entry.pid),
              commands: hunted.map((entry) => entry.command),
            });
          }
          // The leader is our child: wait (bounded) until node has reaped it so isAlive() is false.
          await Promise.race([exited, sleep(1_000)]);
          running.delete(server);
        })();
        return stopping;
      },
    };
    running.add(server);

    const deadline = Date.now() + spec.startupTimeoutMs;
    let outcome = await waitUntilReady(spec, exited, pollIntervalMs, deadline);
    if (outcome.kind === 'exited' && outcome.exit.code === 0) {
      // The command may have daemonized (`--daemon`, `setsid … &`) and exited 0: its detached
      // processes may still come to serve the port. Wait for them until they answer or all exit.
      daemonized = true;
      const gone = untilNoneLeft(detached, pollIntervalMs);
      outcome = await waitUntilReady(spec, gone.exited, pollIntervalMs, deadline);
      gone.cancel();
    }
    if (outcome.kind === 'ready') return server;
    await server.stop();
    if (outcome.kind === 'aborted') throw abortReason(spec.signal);
    const logTail = await server.logTail(SERVER_TAIL_LINES);
    if (outcome.kind === 'exited') {
      const hint =
        outcome.exit.code === 0
          ? 'The server command must stay in the foreground: drop a trailing `&` or a --daemon flag.'
          : 'Run server.command in a fresh checkout to see why it stops; the log tail is below.';
      throw new RunError(
        `${spec.label} server ${describeExit(outcome.exit)} before it became ready`,
        hint,
        logTail,
      );
    }
    const seconds = Math.round(spec.startupTimeoutMs / 100) / 10;
    throw new RunError(
      `${spec.label} server did not answer 2xx at ${spec.readyUrl} within ${seconds}s (last probe: ${outcome.lastReason})`,
      'Check that server.ready is a path answering 2xx, that the command listens on 127.0.0.1:$PORT, or raise the startup timeout.',
      logTail,
    );
  }

  return {
    freePort,
    start,
    async stopAll() {
      await Promise.all([...running].map((server) => server.stop()));
      // Whatever else a command of this run left running is found by the run's environment tag.
      const hunted = await huntTagged(graceMs);
      if (hunted.length > 0) {
        stops.push({
          label: 'run',
          pids: hunted.map((entry) => entry.pid),
          commands: hunted.map((entry) => entry.command),
        });
      }
    },
    detachedStops: () => [...stops],
  };
}

function isRunningPid(pid: number): boolean {
  const entry = readProcess(pid);
  return entry !== undefined && isRunning(entry);
}

/** The first of `pids` (a tagged group of processes) whose parent is not one of them: the daemon's master. */
function detachedRoot(pids: readonly number[]): number | undefined {
  const tagged = new Set(pids);
  return pids.find((pid) => !tagged.has(readProcess(pid)?.ppid ?? -1));
}

/**
 * How long `live()` must list no process before a daemonized server counts as gone: a scan of
 * /proc/<pid>/environ misses a process in the instant it execs (its environ reads empty then).
 */
const NONE_LEFT_MS = 500;

/**
 * `exited` resolves, as an exit with code 0, once `live()` has listed no process for NONE_LEFT_MS
 * (checked every `pollMs`, at most 50 ms): the end of a daemonized server whose command had
 * already exited. `cancel` stops the checks (each reads /proc, which must not go on during trials).
 */
function untilNoneLeft(
  live: () => readonly number[],
  pollMs: number,
): { exited: Promise<Exit>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  let noneSince: number | undefined;
  const exited = new Promise<Exit>((resolve) => {
    const check = (): void => {
      if (cancelled) return;
      if (live().length > 0) noneSince = undefined;
      else noneSince ??= Date.now();
      if (noneSince !== undefined && Date.now() - noneSince >= NONE_LEFT_MS) {
        resolve({ code: 0, signal: null });
        return;
      }
      timer = setTimeout(check, Math.min(pollMs, 50));
    };
    check();
  });
  return {
    exited,
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/** A TCP port free on 127.0.0.1 at the time of the call (the kernel picks it; the socket is closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
