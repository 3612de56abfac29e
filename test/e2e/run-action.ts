// Runs a bundled JavaScript action (dist/index.js) as the GitHub runner does: a child `node` process
// with the runner's environment (event file, command files, INPUT_* variables), against loopback
// stand-ins. See /work/shared/ENVIRONMENT.md ("GitHub's JavaScript-action runtime").
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface RunActionOptions {
  /** The checked-out repository: GITHUB_WORKSPACE and the child's working directory. */
  cwd: string;
  /** GITHUB_EVENT_NAME, e.g. `pull_request`. */
  eventName: string;
  /** The webhook payload written to GITHUB_EVENT_PATH. */
  event: object;
  /** Action inputs by name as in action.yml (`github-token`), passed as INPUT_<NAME>. */
  inputs: Record<string, string>;
  /** GITHUB_API_URL: the stand-in's URL. */
  apiUrl: string;
  /** Kill the action (its whole process group) after this many ms; default 300 000. */
  timeoutMs?: number;
  /** Node binary; default the one running the tests (e.g. a Node 24 from .tools/ to match the runner). */
  nodePath?: string;
  /** Script to run; default `<repo>/dist/index.js`. */
  entry?: string;
  /** GITHUB_REPOSITORY; default from `event.repository` (`owner.login/name`), else `acme/shop`. */
  repository?: string;
  /** Extra environment, applied last. */
  env?: Record<string, string>;
  /** Sends `signal` to the action (as a runner cancelling the job does) once its output matches `when`. */
  interrupt?: { readonly signal: NodeJS.Signals; readonly when: RegExp };
}

export interface ActionRun {
  /** Exit code; 128 + signal number when killed by a signal. */
  exitCode: number;
  /** True when the run hit `timeoutMs` and was killed. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Step outputs parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>;
  /** What the action appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The simulated runner's folder (RUNNER_TEMP, command files, event file): remove it when done. */
  runnerDir: string;
}

/**
 * Spawns `node <entry>` with the environment a GitHub runner gives a JavaScript action:
 * GITHUB_EVENT_NAME / _EVENT_PATH / _API_URL / _REPOSITORY / _WORKSPACE, existing empty GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE and GITHUB_PATH files, RUNNER_TEMP, GITHUB_ACTIONS=true,
 * CI=true, INPUT_<NAME> per input (upper-cased, spaces to `_`, hyphens kept), NO_PROXY for loopback.
 * GITHUB_SERVER_URL is left unset and every GITHUB_*, INPUT_*, RUNNER_* and ACTIONS_* variable of the
 * test process itself is dropped, so a run inside real CI does not leak into the simulated one.
 *
 * The child runs in its own process group; on timeout the whole group gets SIGKILL.
 * The runner folder is kept (report files live in it) and returned as `runnerDir`.
 */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const runnerDir = mkdtempSync(path.join(tmpdir(), 'perfgate-runner-'));
  const file = (name: string, content = ''): string => {
    const target = path.join(runnerDir, name);
    writeFileSync(target, content);
    return target;
  };
  const runnerTemp = path.join(runnerDir, 'temp');
  mkdirSync(runnerTemp);
  const outputFile = file('output');
  const summaryFile = file('step_summary');

  const env: Record<string, string> = {
    ...inheritedEnv(),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: file('event.json', JSON.stringify(options.event)),
    GITHUB_API_URL: options.apiUrl,
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_REPOSITORY: options.repository ?? repositoryOf(options.event),
    GITHUB_WORKSPACE: options.cwd,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: file('env'),
    GITHUB_STATE: file('state'),
    GITHUB_PATH: file('path'),
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'perf',
    GITHUB_ACTION: 'perfgate',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    ...inputEnv(options.inputs),
    ...options.env,
  };

  const entry = options.entry ?? path.join(repoRoot, 'dist/index.js');
  const child = spawn(options.nodePath ?? process.execPath, [entry], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pipesClosed = new Promise<boolean>((resolve) => child.once('close', () => resolve(true)));
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const { interrupt } = options;
  if (interrupt) {
    let sent = false;
    const watch = (): void => {
      if (sent || !interrupt.when.test(Buffer.concat([...stdout, ...stderr]).toString('utf8'))) return;
      sent = true;
      child.kill(interrupt.signal);
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
  }

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, options.timeoutMs ?? 300_000);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  }).finally(() => clearTimeout(timer));
  // The pipes close when every holder exits; one still open means a process the action started outlived it.
  const closed = await Promise.race([
    pipesClosed,
    new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(child.stdout.closed && child.stderr.closed), 5_000).unref(),
    ),
  ]);
  if (!closed) {
    stderr.push(
      Buffer.from(
        '\n[run-action] stdout/stderr still open 5 s after the action exited: a process it started outlived it\n',
      ),
    );
    child.stdout.destroy();
    child.stderr.destroy();
  }

  return {
    exitCode,
    timedOut,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    outputs: parseCommandFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    runnerDir,
  };
}

/** Removes a run's runner folder (idempotent). */
export function removeRunnerDir(run: Pick<ActionRun, 'runnerDir'>): void {
  rmSync(run.runnerDir, { recursive: true, force: true });
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV file: `name=value` lines and `name<<DELIMITER` blocks ending at a
 * line equal to DELIMITER (what @actions/core writes). Later values win, as on the runner.
 * @throws Error on a line that is neither form, or a block without its closing delimiter.
 */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] !== undefined && heredoc[2] !== undefined) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`command file: "${heredoc[1]}" has no closing delimiter ${heredoc[2]}`);
      values[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`command file: cannot parse line ${i + 1}: ${line}`);
    values[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return values;
}

/** The test process's environment minus anything that describes a real runner or action. */
function inheritedEnv(): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/i.test(name)) continue;
    kept[name] = value;
  }
  return kept;
}

function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
  );
}

function repositoryOf(event: object): string {
  if ('repository' in event && typeof event.repository === 'object' && event.repository !== null) {
    const repo = event.repository;
    if ('full_name' in repo && typeof repo.full_name === 'string') return repo.full_name;
    const owner =
      'owner' in repo && typeof repo.owner === 'object' && repo.owner !== null && 'login' in repo.owner
        ? repo.owner.login
        : undefined;
    const name = 'name' in repo ? repo.name : undefined;
    if (typeof owner === 'string' && typeof name === 'string') return `${owner}/${name}`;
  }
  return 'acme/shop';
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
