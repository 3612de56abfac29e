/**
 * LoadGenerator that runs autocannon in processes of its own (src/adapters/load-worker.ts), so the
 * load never waits on perfgate's event loop: not on the /proc sampling of the server tree, the
 * result files or the log, and not on perfgate's garbage collector. Each process runs one load at a
 * time; loads that overlap (both sides of a duet pair) get a process each.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { abortReason, RunError } from '../errors.js';
import type { LoadGenerator, LoadResult, LoadSpec } from '../ports.js';
import { childEnvironment } from './child-environment.js';
import { isLoadReply, type LoadReply, type LoadRequest } from './load-protocol.js';

/** The load generator's own processes, and how to end them. */
export interface LoadProcesses extends LoadGenerator {
  /** Ends every load process (a load still running rejects). Safe to call more than once. */
  close(): void;
}

/** Longest the load process may take to start and say it is ready, in ms. */
const START_TIMEOUT_MS = 30_000;
/** Beyond the planned duration, how long a load may take before its process is ended, in ms. */
const RESULT_GRACE_MS = 60_000;
/** Bytes of the load process's stderr kept for an error message. */
const STDERR_TAIL_BYTES = 4_000;

const HINT = 'perfgate runs its load generator (autocannon) in a process of its own; its output is below.';

/**
 * The load process's entry: `load-worker.js` beside this module in dist/, or the TypeScript source
 * under tsx when perfgate runs from src/ (tests, benchmarks).
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const built = fileURLToPath(new URL('./load-worker.js', import.meta.url));
  if (existsSync(built)) return { file: built, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file: fileURLToPath(new URL('./load-worker.ts', import.meta.url)), execArgv: ['--import', tsx] };
}

/** One load process and the tail of what it wrote to stderr. */
interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  stderr: string;
  exited: boolean;
}

function startWorker(): Worker {
  const entry = workerEntry();
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    // The load generator is perfgate's own code, yet needs no credential either.
    env: childEnvironment(process.env),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
  // Neither the process nor its channel keeps perfgate alive: a load's own timer does, while it runs.
  child.unref();
  child.channel?.unref();
  // stderr is a socket (net.Socket) under its Readable type.
  const stderr = child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null;
  stderr?.unref?.();
  const worker: Worker = { child, stderr: '', exited: false, ready: Promise.resolve() };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    worker.stderr = (worker.stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });
  child.on('exit', () => {
    worker.exited = true;
  });
  (worker as { ready: Promise<void> }).ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new RunError(
          `the load generator process did not start within ${START_TIMEOUT_MS / 1000} s`,
          HINT,
          worker.stderr,
        ),
      );
    }, START_TIMEOUT_MS);
    const onMessage = (message: unknown): void => {
      if (!isLoadReply(message) || message.kind !== 'ready') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve();
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(
        new RunError(
          `the load generator process exited (${describeExit(code, signal)}) before it started`,
          HINT,
          worker.stderr,
        ),
      );
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new RunError(`the load generator process could not start: ${error.message}`, HINT, worker.stderr),
      );
    });
  });
  return worker;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
}

/**
 * Creates a LoadGenerator whose loads run in processes of their own, each with autocannon as
 * {@link createAutocannonLoad} drives it (same spec, same result, same errors), plus
 * `result.clientCpuMs`, the CPU the load process used during the load (user + system, ms). A
 * process is started (about 0.2 s) when a load finds none idle, kept for the next load, and given
 * perfgate's environment without the runner's credentials.
 *
 * When `spec.signal` aborts, the load's process is killed and the promise rejects with the abort
 * reason. A load process ends when `close` is called, when it crashes (that load rejects with a
 * RunError holding the tail of its stderr), or when perfgate exits (it leaves when its IPC channel
 * closes, so it cannot outlive perfgate however perfgate ends).
 * @throws RunError (as a rejection) as createAutocannonLoad does, when the load process cannot
 *   start, dies during a load, or gives no result a minute after the planned end.
 */
export function createLoadProcesses(): LoadProcesses {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let nextId = 0;
  let closed = false;

  const retire = (worker: Worker): void => {
    all.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    if (!worker.exited) worker.child.kill('SIGKILL');
  };

  async function run(spec: LoadSpec): Promise<LoadResult> {
    if (closed)
      throw new RunError('the load generator was closed', 'This is a bug in perfgate; please report it.');
    if (spec.signal?.aborted) throw abortReason(spec.signal);
    let worker = idle.pop();
    while (worker?.exited === true) {
      all.delete(worker);
      worker = idle.pop();
    }
    if (worker === undefined) {
      worker = startWorker();
      all.add(worker);
    }
    const current = worker;
    try {
      await current.ready;
    } catch (error) {
      retire(current);
      throw error;
    }
    // An abort while the process was starting fired before the listener below exists.
    if (spec.signal?.aborted) {
      if (closed) retire(current);
      else idle.push(current);
      throw abortReason(spec.signal);
    }
    const { signal, ...plain } = spec;
    const id = nextId++;
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const { child } = current;
      const finish = (outcome: () => void): void => {
        clearTimeout(watchdog);
        child.off('message', onMessage);
        child.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onMessage = (message: unknown): void => {
        if (!isLoadReply(message) || message.kind === 'ready' || message.id !== id) return;
        finish(() => settleReply(message, resolve, reject));
      };
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null): void =>
        finish(() =>
          reject(
            new RunError(
              `the load generator process exited (${describeExit(code, exitSignal)}) while loading ${spec.url}`,
              HINT,
              current.stderr,
            ),
          ),
        );
      const onAbort = (): void =>
        finish(() => {
          retire(current);
          reject(abortReason(signal));
        });
      const watchdog = setTimeout(() => {
        finish(() => {
          retire(current);
          reject(
            new RunError(
              `autocannon could not load ${spec.url}: no result ${RESULT_GRACE_MS / 1000} s after the planned ${spec.durationMs} ms run`,
              HINT,
              current.stderr,
            ),
          );
        });
      }, spec.durationMs + RESULT_GRACE_MS);
      child.on('message', onMessage);
      child.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: LoadRequest = { kind: 'run', id, spec: plain };
      child.send(request);
    }).finally(() => {
      // A process that answered (even with a failed load) takes the next load; a dead one does not.
      if (closed || current.exited) retire(current);
      else if (all.has(current)) idle.push(current);
    });
    return result;
  }

  return {
    run,
    close(): void {
      closed = true;
      for (const worker of [...all]) retire(worker);
    },
  };
}

function settleReply(
  message: Exclude<LoadReply, { kind: 'ready' }>,
  resolve: (result: LoadResult) => void,
  reject: (error: unknown) => void,
): void {
  if (message.kind === 'done') resolve(message.result);
  else reject(new RunError(message.message, message.hint));
}
