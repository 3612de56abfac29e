/**
 * Targets: each side's checkout built with the config's build commands, and its server started on
 * a free loopback port and polled until ready.
 */
import path from 'node:path';
import type { Config } from '../config/types.js';
import type { Side } from '../model/results.js';
import type {
  Checkout,
  Log,
  ProfilerLaunch,
  ResultStore,
  RunningServer,
  ServerLauncher,
  Shell,
} from '../ports.js';
import { RunError, throwIfInterrupted } from '../errors.js';

/** The ports preparing a target needs. */
export interface TargetDeps {
  readonly shell: Shell;
  readonly launcher: ServerLauncher;
  readonly store: ResultStore;
  readonly log: Log;
  /** Aborted when perfgate is told to stop: a build step or a server start under way is stopped. */
  readonly signal?: AbortSignal;
}

/**
 * Runs every build command in the checkout's config folder, output to logs/build-<side>.log.
 * @throws RunError naming the command and exit code, with the log tail.
 * @throws InterruptedError when `deps.signal` aborts (the step under way is stopped).
 */
export async function buildCheckout(
  deps: TargetDeps,
  config: Config,
  checkout: Checkout,
  side: Side,
  configDir: string,
): Promise<void> {
  const logFile = deps.store.logPath(`build-${side}.log`);
  for (const command of config.build) {
    deps.log.info(`${side} (${checkout.sha.slice(0, 7)}): ${command}`);
    throwIfInterrupted(deps.signal);
    const result = await deps.shell.run(command, {
      cwd: path.join(checkout.dir, configDir),
      logFile,
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
    if (result.exitCode !== 0) {
      throw new RunError(
        `build of ${side} (${checkout.sha.slice(0, 7)}) failed: \`${command}\` exited with ${result.exitCode}`,
        `fix the build command in the config or the commit; the full log is ${logFile}`,
        result.logTail,
      );
    }
  }
}

/**
 * Starts the side's server (`$PORT` substituted, PORT and PYTHONHASHSEED set) and waits until ready;
 * its output is appended to logs/server-<side>.log (one header line per start).
 * @param launch what a profiler loaded into the server adds to its environment (profiling phase only).
 * @throws RunError from the launcher when it exits first or never answers 2xx.
 */
export async function startServer(
  deps: TargetDeps,
  config: Config,
  checkout: Checkout,
  side: Side,
  configDir: string,
  launch?: ProfilerLaunch,
): Promise<RunningServer> {
  const port = await deps.launcher.freePort();
  const { server } = config;
  const portText = String(port);
  const readyUrl = /^https?:\/\//.test(server.ready)
    ? substitutePort(server.ready, portText)
    : `http://127.0.0.1:${port}${server.ready}`;
  const started = await deps.launcher.start({
    label: side,
    command: substitutePort(server.command, portText),
    cwd: path.join(checkout.dir, configDir, server.cwd),
    // Python randomizes string hashing per process, so two processes of identical code lay out their
    // dicts and sets differently and differ in CPU per request; one fixed seed for base and head
    // keeps that out of the comparison (a user's `env` may still set another).
    env: { PYTHONHASHSEED: '0', ...server.env, ...launch?.env, PORT: portText },
    ...(launch === undefined ? {} : { prepend: launch.prepend }),
    port,
    readyUrl,
    startupTimeoutMs: server.startupTimeoutMs,
    logFile: deps.store.logPath(`server-${side}.log`),
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  return started;
}

/** Replaces `$PORT` and `${PORT}` in a command or URL. */
export function substitutePort(text: string, port: string): string {
  return text.replace(/\$\{PORT\}|\$PORT\b/g, port);
}
