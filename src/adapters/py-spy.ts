/**
 * py-spy (https://github.com/benfred/py-spy) attached to a running server's Python processes for one
 * profiled load window: `py-spy record --subprocesses --gil --function --nonblocking --format
 * speedscope`, one recorder per topmost Python process of the server's tree (a gunicorn master, a
 * uvicorn process), its workers included through `--subprocesses`.
 *
 * Flags, and why: `--gil` keeps only samples of the thread holding the GIL, so threads parked in
 * `recv` do not drown the CPU profile (without it, 85% of a threaded stdlib server's samples were
 * socket reads); `--function` keys frames by a function's first line, so the diff table compares
 * functions, not lines; `--nonblocking` does not pause the target per sample (ENVIRONMENT.md: ~8%
 * throughput cost against ~37% when blocking).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import { readlinkSync } from 'node:fs';
import path from 'node:path';
import { fromSpeedscope, buildProfile, stacksOf, type Profile } from '../profile/index.js';
import { listProcesses, selectTree, isRunning, type ProcessEntry } from './process-table.js';
import { ProfilerUnavailableError } from '../errors.js';
import type { Profiler } from '../ports.js';

/** A profiler could not run here (not installed, not permitted, not a Python server). */
export { ProfilerUnavailableError as ProfilerUnavailable };

/** Options of one recording. */
export interface PySpyRecordOptions {
  /** Samples per second (py-spy `--rate`). */
  readonly rateHz: number;
  /** Length of the recording in ms; py-spy takes whole seconds, so it is rounded up. */
  readonly durationMs: number;
  /** Folder for the raw speedscope files (`<name>-<pid>.speedscope.json`). */
  readonly outDir: string;
  /** File name stem, e.g. `head-search`. */
  readonly name: string;
  /** The py-spy binary; default `py-spy` on PATH. */
  readonly binary?: string;
  /** Pause the target for each sample (py-spy without `--nonblocking`); default false. For measuring its cost. */
  readonly blocking?: boolean;
}

/** A recording in progress; `finish` waits for py-spy to write its files and reads them. */
export interface PySpyRecording {
  /** PIDs py-spy was attached to (the topmost Python processes). */
  readonly pids: readonly number[];
  /**
   * Waits for every recorder to exit (at most the duration plus 15 s), then reads and merges their
   * speedscope files.
   * @returns the merged profile and the files written.
   * @throws ProfilerUnavailable when a recorder failed (with py-spy's own message).
   */
  finish(): Promise<{ readonly profile: Profile; readonly files: readonly string[] }>;
}

/**
 * The py-spy version (`0.4.3`), or undefined when it is not installed or does not run.
 */
export async function pySpyVersion(binary = 'py-spy'): Promise<string | undefined> {
  const result = await collect(binary, ['--version'], 10_000).catch(() => undefined);
  if (result === undefined || result.code !== 0) return undefined;
  return /(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

/**
 * Starts py-spy on the topmost Python processes of the tree rooted at `rootPid` and resolves once
 * every recorder reports it is sampling (so the caller can start the load).
 * @throws ProfilerUnavailable when the tree holds no Python process, py-spy is missing, or it cannot
 *   attach (ptrace not permitted: the message says how to allow it).
 */
export async function startPySpy(rootPid: number, options: PySpyRecordOptions): Promise<PySpyRecording> {
  const pids = topmostPythonProcesses(rootPid);
  if (pids.length === 0) {
    throw new ProfilerUnavailableError(
      `no Python process in the server's process tree (root PID ${rootPid})`,
    );
  }
  await mkdir(options.outDir, { recursive: true });
  const seconds = Math.max(1, Math.ceil(options.durationMs / 1000));
  const recorders = pids.map((pid) => {
    const output = path.join(options.outDir, `${options.name}-${pid}.speedscope.json`);
    const args = [
      'record',
      '--pid',
      String(pid),
      '--subprocesses',
      '--gil',
      '--function',
      ...(options.blocking === true ? [] : ['--nonblocking']),
      '--rate',
      String(options.rateHz),
      '--duration',
      String(seconds),
      '--format',
      'speedscope',
      '--output',
      output,
    ];
    return { pid, output, run: startRecorder(options.binary ?? 'py-spy', args, (seconds + 15) * 1000) };
  });
  try {
    await Promise.all(recorders.map((r) => r.run.started));
  } catch (error) {
    for (const r of recorders) r.run.kill();
    throw error;
  }
  return {
    pids,
    async finish() {
      const stacks: { frames: Profile['frames']; weight: number }[] = [];
      const files: string[] = [];
      let sampleCount = 0;
      let exporter: string | undefined;
      for (const recorder of recorders) {
        await recorder.run.exited;
        const text = await readFile(recorder.output, 'utf8').catch(() => undefined);
        if (text === undefined) {
          throw new ProfilerUnavailableError(`py-spy wrote no profile for PID ${recorder.pid}`);
        }
        const profile = fromSpeedscope(JSON.parse(text));
        files.push(recorder.output);
        sampleCount += profile.sampleCount ?? 0;
        exporter ??= profile.exporter;
        for (const stack of stacksOf(profile))
          stacks.push({ frames: [...stack.frames], weight: stack.weight });
      }
      return {
        profile: buildProfile('seconds', stacks, { sampleCount, ...(exporter ? { exporter } : {}) }),
        files,
      };
    },
  };
}

/** Removes the raw files of a recording (after they were converted); never throws. */
export async function removeFiles(files: readonly string[]): Promise<void> {
  await Promise.all(files.map((file) => rm(file, { force: true }).catch(() => undefined)));
}

/** Python processes of the tree whose parent is not itself a Python process of the tree. */
export function topmostPythonProcesses(rootPid: number): number[] {
  const tree = selectTree(listProcesses(), rootPid).filter(isRunning);
  const python = new Set(tree.filter(isPython).map((entry) => entry.pid));
  return [...python].filter((pid) => {
    const entry = tree.find((e) => e.pid === pid);
    return entry !== undefined && !python.has(entry.ppid);
  });
}

function isPython(entry: ProcessEntry): boolean {
  try {
    return /^python\d*(\.\d+)?$/.test(path.basename(readlinkSync(`/proc/${entry.pid}/exe`)));
  } catch {
    return /^python/.test(entry.comm);
  }
}

interface Recorder {
  /** Resolves when py-spy prints that it samples; rejects with ProfilerUnavailable when it exits first. */
  readonly started: Promise<void>;
  /** Resolves when py-spy exits after writing (rejects with its message on a failure exit). */
  readonly exited: Promise<void>;
  kill(): void;
}

function startRecorder(binary: string, args: readonly string[], timeoutMs: number): Recorder {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    onStarted = resolve;
    child.once('error', (error) =>
      reject(
        new ProfilerUnavailableError(
          `py-spy could not be started (${error.message}): install it with \`pip install py-spy\``,
        ),
      ),
    );
    child.once('exit', (code) => reject(unavailable(code, output)));
  });
  const take = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (/Sampling process/.test(output)) onStarted();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
  const exited = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(unavailable(code, output));
    });
  });
  // Neither promise may surface as unhandled when the caller only awaits the other.
  started.catch(() => undefined);
  exited.catch(() => undefined);
  return { started, exited, kill: () => child.kill('SIGKILL') };
}

function unavailable(code: number | null, output: string): ProfilerUnavailableError {
  const tail = output.trim().split('\n').slice(-5).join(' | ');
  const permission = /permission denied|operation not permitted|ptrace/i.test(output);
  return new ProfilerUnavailableError(
    `py-spy exited with ${code ?? 'a signal'}${tail ? `: ${tail}` : ''}` +
      (permission
        ? ' (py-spy needs ptrace permission: run as root, e.g. `sudo`, or set kernel.yama.ptrace_scope=0)'
        : ''),
  );
}

async function collect(
  binary: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: timeoutMs });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
}

/**
 * The Profiler port over py-spy.
 * @param version what pySpyVersion returned (the caller checks py-spy is installed first).
 * @param outDir folder for py-spy's raw files, removed once read.
 */
export function createPySpyProfiler(version: string, outDir: string, binary = 'py-spy'): Profiler {
  return {
    tool: `py-spy ${version}`,
    async start(server, options) {
      const recording = await startPySpy(server.pid, { ...options, outDir, binary });
      return {
        async finish() {
          try {
            const { profile, files } = await recording.finish();
            await removeFiles(files);
            return { profile };
          } finally {
            await rmdir(outDir).catch(() => undefined); // only once empty: a failed recording's file stays
          }
        },
      };
    },
  };
}
